import TollgateCertificates

/// The leases of one floating license as its holders were handed them: what the lease server
/// answered (each lease's serial, machine and times, a release's moment), never the server's own
/// tables. From these alone it tells whether the server ever had more than N leases of the license
/// in force at one instant, or two machines on one serial: the floating-seat invariant.
struct LeaseBook {
    /// One lease a machine was handed, and when it ended as its holder knows (its `exp`, or
    /// earlier: released, or replaced by the machine's next lease).
    struct Held {
        let hash: String
        let serial: UInt64
        let machineKey: String
        let nbf: Int64
        var end: Int64
        let logIndex: UInt64?
    }

    /// The license's serials: N.
    let seats: UInt64
    let license: String
    private(set) var leases: [Held] = []

    init(license: String, seats: UInt64) {
        self.license = license
        self.seats = seats
    }

    /// A lease the server answered with. The machine's previous lease ends where this one starts
    /// (a heartbeat or a borrow replaces it); an answer repeating a lease already held changes
    /// nothing. Returns what the lease breaks, if anything.
    mutating func acknowledge(_ lease: SignedLease) -> String? {
        let claims = lease.payload
        guard !leases.contains(where: { $0.hash == lease.hash }) else { return nil }
        for index in leases.indices where leases[index].machineKey == claims.machineKey && leases[index].end > claims.nbf {
            leases[index].end = claims.nbf
        }
        leases.append(Held(hash: lease.hash, serial: claims.serial, machineKey: claims.machineKey, nbf: claims.nbf, end: claims.exp,
                           logIndex: claims.logIndex))
        let inForce = leases.filter { $0.nbf <= claims.nbf && claims.nbf < $0.end }
        if inForce.count > Int(seats) {
            return "\(inForce.count) unexpired leases of license \(license.prefix(8)) (\(seats) serials) at \(claims.nbf): "
                + inForce.map { "\($0.hash.prefix(8)) on serial \($0.serial)" }.joined(separator: ", ")
        }
        if let other = inForce.first(where: { $0.serial == claims.serial && $0.machineKey != claims.machineKey }) {
            return "serial \(claims.serial) of license \(license.prefix(8)) leased to two machines at \(claims.nbf) (leases \(other.hash.prefix(8)) and \(lease.hash.prefix(8)))"
        }
        return nil
    }

    /// The server answered a release of lease `hash` at `time`: from then on its serial is free.
    mutating func release(_ hash: String, at time: Int64) {
        for index in leases.indices where leases[index].hash == hash {
            leases[index].end = min(leases[index].end, time)
        }
    }
}
