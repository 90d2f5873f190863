import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// The lease server: grants, heartbeats, releases and borrows of floating seats, never more
/// unexpired leases than serials, each refusal a clear error that changes nothing stored.
@Suite struct FloatingLeaseTests {
    @Test func floatingTermsAreGrantedAttenuatedAndCarriedByTheLicense() throws {
        let channel = try FloatingChannel()
        let license = try SignedLicense(compact: channel.file.license).payload
        #expect(license.model == "floating")
        #expect(license.floating == FloatingChannel.terms)  // the certificate's, by default
        _ = try LicenseVerifier(anchor: channel.anchor).verify(channel.file, at: channel.now)

        // A license may be sold with shorter terms, never longer.
        let short = try channel.agent.issue(FloatingChannel.sale(seats: 1, exp: channel.now + 86_400, floating: FloatingTerms(lease: 300, borrow: 0)), at: channel.now)
        #expect(try SignedLicense(compact: short.license).payload.floating == FloatingTerms(lease: 300, borrow: 0))
        let size = try channel.agent.logSize()
        let long = Thrown.nodeError { _ = try channel.agent.issue(FloatingChannel.sale(seats: 1, exp: channel.now + 86_400, floating: FloatingTerms(lease: 901, borrow: 0)), at: channel.now) }
        #expect(long?.code == .ruleViolation)
        #expect(long?.rule == .floatingExceedsCertificate)
        #expect(try channel.agent.logSize() == size)

        // A child's terms may narrow its parent's, never widen them.
        let child = try Ed25519PrivateKey()
        var request = DelegationRequest(subject: "sub", subjectKey: Base64URL.encode(child.publicKey.rawRepresentation))
        request.count = 5
        request.floating = FloatingTerms(lease: 900, borrow: 4 * 86_400)
        let widened = Thrown.nodeError { _ = try channel.agent.delegate(request, at: channel.now) }
        #expect(widened?.rule == .floatingWidened)
        request.floating = nil
        let inherited = try channel.agent.delegate(request, at: channel.now)
        #expect(try SignedCertificate(compact: inherited.chain.last!).payload.floating == FloatingChannel.terms)
        request.floating = FloatingTerms(lease: 60, borrow: 0)
        request.count = 1
        let narrowed = try channel.agent.delegate(request, at: channel.now)
        #expect(try SignedCertificate(compact: narrowed.chain.last!).payload.floating == FloatingTerms(lease: 60, borrow: 0))
    }

    @Test func aFloatingModelWithoutTermsIsRefusedAndTermsNeedTheModel() throws {
        let channel = try FloatingChannel()
        let child = try Ed25519PrivateKey()
        var request = DelegationRequest(subject: "sub", subjectKey: Base64URL.encode(child.publicKey.rawRepresentation))
        request.count = 5
        request.models = ["perpetual"]
        request.floating = FloatingTerms(lease: 60, borrow: 0)
        #expect(Thrown.nodeError { _ = try channel.agent.delegate(request, at: channel.now) }?.code == .invalidRequest)
        var sale = FloatingChannel.sale(seats: 1, exp: channel.now + 86_400, floating: FloatingTerms(lease: 60, borrow: 0))
        sale.model = "perpetual"
        sale.exp = nil
        #expect(Thrown.nodeError { _ = try channel.agent.issue(sale, at: channel.now) }?.code == .invalidRequest)
        let zero = FloatingChannel.sale(seats: 1, exp: channel.now + 86_400, floating: FloatingTerms(lease: 0, borrow: 0))
        #expect(Thrown.nodeError { _ = try channel.agent.issue(zero, at: channel.now) }?.code == .invalidRequest)
    }

    @Test func neverMoreLeasesThanSeatsAndTheRefusalSaysWhenOneFrees() throws {
        let channel = try FloatingChannel(seats: 3)
        let machines = try (0..<4).map { _ in try TestMachine() }
        var serials: [UInt64] = []
        for (index, machine) in machines.prefix(3).enumerated() {
            let lease = try channel.lease(channel.ask(machine, .lease, at: channel.now + Int64(index)))
            #expect(lease.payload.exp == channel.now + Int64(index) + 900)
            serials.append(lease.payload.serial)
        }
        #expect(Set(serials).count == 3)
        let size = try channel.agent.logSize()
        let full = Thrown.nodeError { _ = try channel.ask(machines[3], .lease, at: channel.now + 10) }
        #expect(full?.code == .noSeatFree)
        #expect(full?.seatFreesAt == channel.now + 900)
        #expect(full?.reason.contains(TimeText.iso(channel.now + 900)) == true)
        // Nothing is leased; the log holds only the record of the over-leasing attempt.
        #expect(try channel.agent.logSize() == size + 1)
        #expect(try channel.agent.logEntries(in: size..<(size + 1)).map(\.kind) == [LogEntryKind.activationRefused.rawValue])
        // Asking again while holding a lease answers the same lease.
        let again = try channel.lease(channel.ask(machines[0], .lease, at: channel.now + 20))
        #expect(again.payload.serial == serials[0] && again.payload.nbf == channel.now)
    }

    @Test func aCrashedMachinesSeatReturnsWhenItsLeaseEnds() throws {
        let channel = try FloatingChannel(seats: 1)
        let crashed = try TestMachine(), next = try TestMachine()
        let first = try channel.lease(channel.ask(crashed, .lease, at: channel.now))
        #expect(Thrown.nodeError { _ = try channel.ask(next, .lease, at: channel.now + 899) }?.code == .noSeatFree)
        let second = try channel.lease(channel.ask(next, .lease, at: channel.now + 900))
        #expect(second.payload.serial == first.payload.serial)
        // The crashed machine comes back inside the resurrection window, but its serial is taken.
        let late = Thrown.nodeError { _ = try channel.ask(crashed, .heartbeat, lease: first.hash, at: channel.now + 960) }
        #expect(late?.code == .leaseExpired)
    }

    @Test func heartbeatsExtendAndAnExpiredLeaseIsResurrectedOnlyInsideTheWindow() throws {
        let channel = try FloatingChannel(seats: 1)
        let machine = try TestMachine()
        let first = try channel.lease(channel.ask(machine, .lease, at: channel.now))
        let extended = try channel.lease(channel.ask(machine, .heartbeat, lease: first.hash, at: channel.now + 600))
        #expect(extended.payload.serial == first.payload.serial && extended.payload.exp == channel.now + 1_500)
        // The replaced lease is not extended again.
        #expect(Thrown.nodeError { _ = try channel.ask(machine, .heartbeat, lease: first.hash, at: channel.now + 700) }?.code == .leaseExpired)
        // Missed its heartbeat, came back 200 s after the end: resurrected on its serial.
        let back = try channel.lease(channel.ask(machine, .heartbeat, lease: extended.hash, at: channel.now + 1_700))
        #expect(back.payload.serial == first.payload.serial && back.payload.nbf == channel.now + 1_700)
        // Past the window it is gone.
        let gone = Thrown.nodeError { _ = try channel.ask(machine, .heartbeat, lease: back.hash, at: back.payload.exp + LicensingNode.leaseResurrectionWindow + 1) }
        #expect(gone?.code == .leaseExpired)
    }

    @Test func releaseFreesTheSeatAndOnlyTheHolderMayReleaseOrExtend() throws {
        let channel = try FloatingChannel(seats: 1)
        let holder = try TestMachine(), other = try TestMachine()
        let lease = try channel.lease(channel.ask(holder, .lease, at: channel.now))
        let size = try channel.agent.logSize()
        #expect(Thrown.nodeError { _ = try channel.ask(other, .release, lease: lease.hash, at: channel.now + 1) }?.code == .notLeaseHolder)
        #expect(Thrown.nodeError { _ = try channel.ask(other, .heartbeat, lease: lease.hash, at: channel.now + 1) }?.code == .notLeaseHolder)
        #expect(try channel.agent.logSize() == size)
        let receipt = try channel.ask(holder, .release, lease: lease.hash, at: channel.now + 10)
        let release = try SignedLeaseRelease(compact: receipt.lease)
        #expect(release.payload.lease == lease.hash && release.payload.iat == channel.now + 10)
        #expect(try SignedMachineRequest(compact: release.payload.proof).payload.action == .release)
        #expect(Thrown.nodeError { _ = try channel.ask(holder, .release, lease: lease.hash, at: channel.now + 11) }?.code == .leaseExpired)
        #expect(Thrown.nodeError { _ = try channel.ask(holder, .heartbeat, lease: lease.hash, at: channel.now + 11) }?.code == .leaseExpired)
        _ = try channel.ask(other, .lease, at: channel.now + 12)
    }

    @Test func aBorrowLastsTheLicensesBorrowAndABorrowlessLicenseRefusesIt() throws {
        var channel = try FloatingChannel(seats: 2)
        let machine = try TestMachine()
        let lease = try channel.lease(channel.ask(machine, .lease, at: channel.now))
        let borrow = try channel.lease(channel.ask(machine, .borrow, at: channel.now + 60))
        #expect(borrow.payload.kind == .borrow && borrow.payload.serial == lease.payload.serial)
        #expect(borrow.payload.exp == channel.now + 60 + 3 * 86_400)
        _ = try channel.verifier.verify(lease: borrow.compact, file: channel.file, machineKey: machine.machineKey, at: channel.now + 2 * 86_400)
        #expect(Thrown.nodeError { _ = try channel.ask(machine, .heartbeat, lease: borrow.hash, at: channel.now + 120) }?.code == .invalidRequest)

        channel.file = try channel.agent.issue(FloatingChannel.sale(seats: 1, exp: channel.now + 86_400, floating: FloatingTerms(lease: 300, borrow: 0)), at: channel.now)
        let none = Thrown.nodeError { _ = try channel.ask(try TestMachine(), .borrow, at: channel.now) }
        #expect(none?.code == .ruleViolation && none?.rule == .borrowTooLong)
    }

    @Test func aFloatingLicenseIsLeasedNotActivatedAndANodeLockedOneIsNotLeased() throws {
        let channel = try FloatingChannel()
        let machine = try TestMachine()
        let activate = Thrown.nodeError { _ = try channel.agent.handleMachineRequest(try machine.request(.activate, license: channel.license, at: channel.now), at: channel.now) }
        #expect(activate?.code == .invalidRequest && activate?.rule == .licenseNotFloating)
        var sale = LicenseRequest(customer: "Other", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500))
        sale.seatCount = 1
        let locked = try channel.agent.issue(sale, at: channel.now)
        let lease = Thrown.nodeError { _ = try channel.ask(machine, .lease, at: channel.now, license: JWS.hash(of: locked.license)) }
        #expect(lease?.code == .ruleViolation && lease?.rule == .licenseNotFloating)
        #expect(Thrown.nodeError { _ = try channel.ask(machine, .lease, at: channel.now, license: "unknown") }?.code == .notFound)
    }

    @Test func leasesSurviveARestart() throws {
        let directory = try TemporaryDirectory()
        var channel = try FloatingChannel(seats: 2, agentPath: directory.url.appendingPathComponent("agent.db").path)
        let a = try TestMachine(), b = try TestMachine(), c = try TestMachine()
        let leaseA = try channel.lease(channel.ask(a, .lease, at: channel.now))
        _ = try channel.ask(b, .lease, at: channel.now + 1)
        try channel.restartAgent()
        #expect(Thrown.nodeError { _ = try channel.ask(c, .lease, at: channel.now + 2) }?.code == .noSeatFree)
        let extended = try channel.lease(channel.ask(a, .heartbeat, lease: leaseA.hash, at: channel.now + 3))
        #expect(extended.payload.serial == leaseA.payload.serial)
        #expect(try channel.agent.leaseRecords().count == 3)
    }

    /// Random acquire, heartbeat, release, borrow, crash and time steps: at no time do more leases
    /// than seats overlap, counting every lease ever signed until its release or replacement.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func seatsAreNeverOversubscribedUnderRandomSteps(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let seats: UInt64 = 3
        let channel = try FloatingChannel(seats: seats)
        let machines = try (0..<6).map { _ in try TestMachine() }
        var held: [Int: String] = [:]  // machine → the lease it believes it holds
        var time = channel.now
        for _ in 0..<150 {
            time += Int64.random(in: 0...400, using: &random)
            let index = Int.random(in: 0..<machines.count, using: &random)
            let machine = machines[index]
            do {
                switch Int.random(in: 0..<5, using: &random) {
                case 0: held[index] = try channel.ask(machine, .lease, at: time).lease.asLeaseHash
                case 1: if let lease = held[index] { held[index] = try channel.ask(machine, .heartbeat, lease: lease, at: time).lease.asLeaseHash }
                case 2: if let lease = held[index] { _ = try channel.ask(machine, .release, lease: lease, at: time); held[index] = nil }
                case 3: held[index] = nil  // the machine crashes and forgets its lease
                default: if Bool.random(using: &random) { held[index] = try channel.ask(machine, .borrow, at: time).lease.asLeaseHash }
                }
            } catch let error as NodeError {
                #expect([.noSeatFree, .leaseExpired, .invalidRequest].contains(error.code), "\(error)")
                if error.code == .leaseExpired || error.code == .invalidRequest { held[index] = nil }
            }
            let live = try channel.agent.leaseRecords().filter { $0.lease.payload.exp > time && ($0.endedAt.map { $0 > time } ?? true) }
            #expect(live.count <= Int(seats), "seed \(seed): \(live.count) leases at \(time)")
            #expect(Set(live.map(\.lease.payload.serial)).count == live.count, "seed \(seed): a serial leased twice at \(time)")
        }
    }
}

extension String {
    /// The hash of a compact JWS.
    var asLeaseHash: String { JWS.hash(of: self) }
}
