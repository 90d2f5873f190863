extension Signed where Payload == License {
    /// The lineage the license belongs to: a renewal names its lineage's first license (in
    /// `renews`), which names none. Activations, revocations and recurring revenue follow the
    /// lineage, so a renewal keeps the machines and counts once.
    public var lineage: String { payload.renews ?? hash }
}
