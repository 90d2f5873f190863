import TollgateCertificates

/// An operator's view of a node's certificates: how many serials each has left, so sales and
/// delegations name a certificate with room (as a reseller's sales tool would) and top-ups are
/// asked for in time.
struct QuotaBooks {
    struct Entry {
        let hash: String
        let seats: SerialRange
        var used: UInt64
        /// Stopped using it: revoked (or about to be).
        var retired = false

        var free: UInt64 { seats.count - min(used, seats.count) }
    }

    private(set) var entries: [Entry] = []
    /// A top-up has been asked for and not yet arrived.
    var topUpPending = false

    var free: UInt64 { entries.filter { !$0.retired }.reduce(0) { $0 + $1.free } }

    func holds(_ hash: String) -> Bool { entries.contains { $0.hash == hash } }

    mutating func add(hash: String, seats: SerialRange) {
        guard !holds(hash) else { return }
        entries.append(Entry(hash: hash, seats: seats, used: 0))
    }

    /// The certificate to use for `count` serials: the oldest usable one with room.
    func certificate(for count: UInt64) -> Entry? {
        entries.first { !$0.retired && $0.free >= count }
    }

    mutating func use(_ count: UInt64, of hash: String) {
        guard let index = entries.firstIndex(where: { $0.hash == hash }) else { return }
        entries[index].used += count
    }

    mutating func release(_ count: UInt64, of hash: String) {
        guard let index = entries.firstIndex(where: { $0.hash == hash }) else { return }
        entries[index].used -= min(count, entries[index].used)
    }

    mutating func retire(_ hash: String) {
        guard let index = entries.firstIndex(where: { $0.hash == hash }) else { return }
        entries[index].retired = true
    }

    /// The certificate whose range holds `seats`.
    func entry(containing seats: SerialRange) -> Entry? {
        entries.first { $0.seats.contains(seats) }
    }
}
