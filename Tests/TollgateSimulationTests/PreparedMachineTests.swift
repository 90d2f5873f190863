import Testing
import TollgateCertificates
@testable import TollgateSimulation

/// A simulated channel's machines run on several platforms, so its platform report has a row per
/// platform (every machine said `linux-x86_64` before, and so did the report).
@Suite struct PreparedMachineTests {
    @Test func machinesCarryThePlatformTheirSeedGivesThem() throws {
        let workshop = MachineWorkshop(signatures: VerifiedSignatureCache())
        var seen: Set<String> = []
        for index in 0..<16 {
            let seed = [UInt8(index)] + [UInt8](repeating: 7, count: 31)
            let made = try workshop.makeNow(country: "DE", seed: seed).made()
            #expect(made.platform == PreparedMachine.platform(seed: seed))
            #expect(try workshop.makeNow(country: "DE", seed: seed).made().platform == made.platform, "the platform follows from the seed")
            var machine = CustomerMachine(prepared: workshop.makeNow(country: "DE", seed: seed))
            let request = try SignedMachineRequest(compact: try machine.request(.activate, license: "license", at: 1_780_000_000, nonce: "n\(index)"))
            #expect(request.payload.platform == made.platform)
            seen.insert(made.platform)
        }
        #expect(seen == Set(PreparedMachine.platforms))
    }
}
