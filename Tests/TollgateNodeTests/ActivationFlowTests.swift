import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateNode

@Suite struct ActivationFlowTests {
    func licensed(seats: UInt64 = 2, model: String = "perpetual") throws -> (Channel, LicenseFile) {
        let channel = try Channel()
        try channel.wire()
        var sale = channel.sale("Muster GmbH", seats: seats)
        sale.territory = ["AT", "DE"]
        sale.model = model
        if model != "perpetual" { sale.exp = channel.now + 30 * 86_400 }
        if model == "subscription" { sale.price = Price(currency: "EUR", amount: 1_200) }
        return (channel, try channel.regional.issue(sale, at: channel.now))
    }

    @Test func activationOccupiesOneSeatPerMachineAndVerifiesOffline() throws {
        let (channel, file) = try licensed(seats: 2)
        let licenseHash = JWS.hash(of: file.license)
        let verifier = LicenseVerifier(anchor: channel.anchor)
        var serials: Set<UInt64> = []
        for _ in 0..<2 {
            let machine = try TestMachine()
            let receipt = try channel.regional.handleMachineRequest(try machine.request(.activate, license: licenseHash, at: channel.now), at: channel.now)
            let verified = try verifier.verify(receipt.license, at: channel.now, activation: receipt.activation,
                                               machine: MachineIdentity(machineKey: machine.machineKey))
            serials.insert(verified.activation!.payload.serial)
            // Asking again from the same machine returns the same seat.
            let again = try channel.regional.handleMachineRequest(try machine.request(.activate, license: licenseHash, at: channel.now), at: channel.now)
            #expect(again.activation == receipt.activation)
        }
        #expect(serials.count == 2)
        let third = try TestMachine()
        do {
            _ = try channel.regional.handleMachineRequest(try third.request(.activate, license: licenseHash, at: channel.now), at: channel.now)
            Issue.record("a third machine got a seat of a two-seat license")
        } catch let error as NodeError {
            #expect(error.code == .seatsInUse)
        }
    }

    /// Within the clock-skew allowance after a license's end the license itself still checks, but a
    /// new activation would be dated after the end, which the offline verifier refuses: the node
    /// refuses it first, for a new machine and for a stand-in alike.
    @Test func noActivationIsDatedAfterTheLicenseEnds() throws {
        let (channel, file) = try licensed(seats: 2, model: "subscription")
        let licenseHash = JWS.hash(of: file.license)
        let end = try SignedLicense(compact: file.license).payload.exp!
        let verifier = LicenseVerifier(anchor: channel.anchor)
        let early = try TestMachine()
        let receipt = try channel.regional.handleMachineRequest(try early.request(.activate, license: licenseHash, at: end - 60), at: end - 60)
        _ = try verifier.verify(receipt.license, at: end - 30, activation: receipt.activation, machine: MachineIdentity(machineKey: early.machineKey))
        let late = try TestMachine()
        do {
            _ = try channel.regional.handleMachineRequest(try late.request(.activate, license: licenseHash, at: end + 60), at: end + 60)
            Issue.record("a machine was activated after the license ended")
        } catch let error as NodeError {
            #expect(error.code == .licenseInvalid)
            #expect(error.rule == .activationExpired)
        }
        do {
            _ = try channel.regional.handleMachineRequest(
                try late.request(.emergency, license: licenseHash, activation: JWS.hash(of: receipt.activation), at: end + 60), at: end + 60)
            Issue.record("a stand-in was activated after the license ended")
        } catch let error as NodeError {
            #expect(error.code == .licenseInvalid)
        }
    }

    @Test func rehostFreesTheSeatOnlyWithTheMachinesProof() throws {
        let (channel, file) = try licensed(seats: 1)
        let licenseHash = JWS.hash(of: file.license)
        let old = try TestMachine(), new = try TestMachine()
        let receipt = try channel.regional.handleMachineRequest(try old.request(.activate, license: licenseHash, at: channel.now), at: channel.now)
        let activationHash = JWS.hash(of: receipt.activation)
        // Someone else cannot free the seat.
        do {
            _ = try channel.regional.handleMachineRequest(try new.request(.deactivate, license: licenseHash, activation: activationHash, at: channel.now), at: channel.now)
            Issue.record("another machine deactivated the seat")
        } catch let error as NodeError {
            #expect(error.code == .unauthorized)
        }
        let deactivation = try channel.regional.handleMachineRequest(
            try old.request(.deactivate, license: licenseHash, activation: activationHash, at: channel.now + 60), at: channel.now + 60)
        let proof = try SignedDeactivation(compact: deactivation.activation)
        #expect(proof.payload.activation == activationHash)
        #expect(try SignedMachineRequest(compact: proof.payload.proof).payload.machineKey == old.machineKey)
        let moved = try channel.regional.handleMachineRequest(try new.request(.activate, license: licenseHash, at: channel.now + 120), at: channel.now + 120)
        #expect(try SignedActivation(compact: moved.activation).payload.serial == SignedActivation(compact: receipt.activation).payload.serial)
    }

    @Test func replayedAndForgedRequestsAreRefused() throws {
        let (channel, file) = try licensed()
        let licenseHash = JWS.hash(of: file.license)
        let machine = try TestMachine()
        let request = try machine.request(.activate, license: licenseHash, at: channel.now, nonce: "n-1")
        _ = try channel.regional.handleMachineRequest(request, at: channel.now)
        for (compact, code) in [
            (request, NodeError.Code.replayed),
            (try machine.request(.activate, license: licenseHash, at: channel.now - 3_600), .replayed),
            (String(request.dropLast(3)) + "AAA", .unauthorized),
            ("garbage", .invalidRequest),
        ] {
            do {
                _ = try channel.regional.handleMachineRequest(compact, at: channel.now)
                Issue.record("accepted a bad request")
            } catch {
                #expect(error.code == code)
            }
        }
    }

    @Test func territoryAndExpiryAreEnforced() throws {
        let (channel, file) = try licensed(model: "subscription")
        let licenseHash = JWS.hash(of: file.license)
        let abroad = try TestMachine(country: "CH")
        do {
            _ = try channel.regional.handleMachineRequest(try abroad.request(.activate, license: licenseHash, at: channel.now), at: channel.now)
            Issue.record("activated outside the territory")
        } catch let error as NodeError {
            #expect(error.rule == .activationOutsideTerritory)
        }
        let late = channel.now + 40 * 86_400
        do {
            _ = try channel.regional.handleMachineRequest(try TestMachine().request(.activate, license: licenseHash, at: late), at: late)
            Issue.record("activated an expired subscription")
        } catch let error as NodeError {
            #expect(error.code == .licenseInvalid)
        }
        // A renewal keeps the lineage: the activation names the first license and verifies with the renewal.
        try SyncLink(child: channel.regional, parent: channel.general).sync(at: channel.now + 29 * 86_400)  // renewing is issuing: sync first
        let renewed = try channel.regional.renew(licenseHash: licenseHash, exp: channel.now + 400 * 86_400, at: channel.now + 29 * 86_400)
        let machine = try TestMachine()
        let receipt = try channel.regional.handleMachineRequest(try machine.request(.activate, license: licenseHash, at: late), at: late)
        #expect(receipt.license == renewed)
        _ = try LicenseVerifier(anchor: channel.anchor).verify(receipt.license, at: late, activation: receipt.activation)
    }

    @Test func emergencyActivationStandsInWithoutTakingTheSeat() throws {
        let (channel, file) = try licensed(seats: 1)
        let licenseHash = JWS.hash(of: file.license)
        let failed = try TestMachine(), spare = try TestMachine()
        let original = try channel.regional.handleMachineRequest(try failed.request(.activate, license: licenseHash, at: channel.now), at: channel.now)
        let emergency = try channel.regional.handleMachineRequest(
            try spare.request(.emergency, license: licenseHash, activation: JWS.hash(of: original.activation), at: channel.now), at: channel.now)
        let temporary = try SignedActivation(compact: emergency.activation).payload
        #expect(temporary.kind == .temporary)
        #expect(temporary.exp == channel.now + LicensingNode.emergencyDuration)
        #expect(temporary.serial == (try SignedActivation(compact: original.activation).payload.serial))
        let verifier = LicenseVerifier(anchor: channel.anchor)
        _ = try verifier.verify(emergency.license, at: channel.now + 3_600, activation: emergency.activation)
        #expect(throws: VerificationError.self) {
            try verifier.verify(emergency.license, at: channel.now + LicensingNode.emergencyDuration + 3_600, activation: emergency.activation)
        }
        // The original seat is still held: a second standard activation is refused.
        #expect(throws: NodeError.self) {
            try channel.regional.handleMachineRequest(try TestMachine().request(.activate, license: licenseHash, at: channel.now), at: channel.now)
        }
    }

    @Test func quotaReturnIsNeverReusedByTheChildAndFreedAtTheParentOnlyOnArrival() throws {
        let channel = try Channel()
        let chain = try channel.wire()
        let certificate = try SignedCertificate(compact: chain.chain[1]).payload
        let back = SerialRange(certificate.seats.end - 50, certificate.seats.end)
        // Before the return arrives, the parent cannot re-delegate those serials.
        var again = channel.request(to: channel.regional, count: 1)
        again.count = nil
        again.seats = back
        again.countries = ["DE"]
        #expect(throws: NodeError.self) { try channel.general.delegate(again, at: channel.now) }
        let quotaReturn = try channel.regional.returnQuota(back, at: channel.now)
        // The child can no longer issue on them: 50 seats remain.
        _ = try channel.regional.issue(channel.sale("big", seats: 50), at: channel.now)
        #expect(throws: NodeError.self) { try channel.regional.issue(channel.sale("more"), at: channel.now) }
        try channel.general.receiveReturn(quotaReturn.compact, at: channel.now)
        try channel.general.receiveReturn(quotaReturn.compact, at: channel.now)  // twice is a no-op
        _ = try channel.general.delegate(again, at: channel.now)
    }

    /// A return travels up in the child's log: the parent frees the serials when it takes the push,
    /// and the next pull lists the return as received.
    @Test func quotaReturnArrivesWithTheNextSync() throws {
        let channel = try Channel()
        let chain = try channel.wire()
        let certificate = try SignedCertificate(compact: chain.chain[1]).payload
        let back = SerialRange(certificate.seats.end - 50, certificate.seats.end)
        var again = channel.request(to: channel.regional, count: 1)
        again.count = nil
        again.seats = back
        again.countries = ["DE"]
        let link = SyncLink(child: channel.regional, parent: channel.general)
        try link.sync(at: channel.now)
        let quotaReturn = try channel.regional.returnQuota(back, at: channel.now)
        #expect(throws: NodeError.self) { try channel.general.delegate(again, at: channel.now) }
        let first = try link.sync(at: channel.now + 1)
        #expect(!first.pull.returns.contains(quotaReturn.hash))
        _ = try channel.general.delegate(again, at: channel.now + 1)
        #expect(try link.sync(at: channel.now + 2).pull.returns.contains(quotaReturn.hash))
    }

    @Test func revocationInvalidatesLaterLicensesOnly() throws {
        let channel = try Channel()
        let chain = try channel.wire()
        let early = try channel.regional.issue(channel.sale("early"), at: channel.now)
        let revocation = try channel.general.revoke(certificateHash: JWS.hash(of: chain.chain[1]), effective: channel.now + 10,
                                                   reason: "sold below floor", at: channel.now + 10)
        // Before the revocation reaches it, the regional agent still issues; such a license fails verification.
        let late = try channel.regional.issue(channel.sale("late"), at: channel.now + 15)
        try channel.regional.receiveRevocation(revocation.compact, at: channel.now + 20)
        try channel.regional.receiveRevocation(revocation.compact, at: channel.now + 20)  // twice is a no-op
        // Once it has arrived, the honest node refuses to issue under the revoked certificate.
        do {
            _ = try channel.regional.issue(channel.sale("refused"), at: channel.now + 20)
            Issue.record("issued under a revoked certificate")
        } catch {
            #expect(error.code == .noCertificate)
        }
        let verifier = LicenseVerifier(anchor: channel.anchor)
        _ = try verifier.verify(early, at: channel.now + 30, revocations: [revocation.compact])
        do {
            _ = try verifier.verify(late, at: channel.now + 30, revocations: [revocation.compact])
            Issue.record("a license issued after revocation verified")
        } catch {
            #expect(error.rule == .revoked)
        }
    }
}
