extension Signed where Payload == License {
    /// The lineage the license belongs to: a renewal, upgrade, downgrade or conversion names its
    /// lineage's first license (in `renews`), which names none. Activations, revocations and the
    /// current license follow the lineage, so a change keeps the machines.
    public var lineage: String { payload.renews ?? hash }

    /// The lineage whose serials the license holds: its own, or, for an add-on, its base's (an
    /// add-on adds features on the base's serials, so the two are one allocation, not a reuse).
    public var seatLineage: String { payload.renews ?? payload.addonOf ?? hash }
}
