import TollgateCertificates

extension MachineWallet {
    /// The latest time this wallet was checked at (see ``WalletClock``), nil before the first check.
    public func latestSeenTime() throws(ClientError) -> Int64? {
        let location = url(Self.clockFile)
        guard let data = try WalletFile.read(location, what: "wallet clock") else { return nil }
        return try WalletFile.decodeJSON(WalletClock.self, from: data, url: location, what: "wallet clock").latestSeen
    }

    /// Refuses `now` when it lies before the latest time seen by more than the verifier's clock
    /// skew (rule `clock_rolled_back`, nothing stored changes), and otherwise records `now` when it
    /// is later than that time.
    func observeClock(at now: Int64) throws(ClientError) {
        let latest = try latestSeenTime()
        if let latest, now < latest - policy.clockSkew {
            let rolledBack = VerificationError(.clockRolledBack, "machine clock",
                                               "now is \(TimeText.iso(now)), but this wallet was already checked at \(TimeText.iso(latest)); set the clock right")
            throw ClientError(rolledBack, while: "the license check failed")
        }
        guard latest.map({ now > $0 }) ?? true else { return }
        try WalletFile.write(try WalletFile.encodeJSON(WalletClock(latestSeen: now), what: "wallet clock"), to: url(Self.clockFile),
                             what: "wallet clock")
    }

    static let clockFile = "clock.json"
}
