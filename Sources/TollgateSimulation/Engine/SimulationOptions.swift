/// How a run is carried out, beyond the scenario.
public struct SimulationOptions: Sendable, Hashable {
    /// How many recent trace lines are kept for the trace file.
    public var traceCapacity = 100_000
    /// Keep the trace lines in the report even when the run passes.
    public var keepTrace = false
    /// For testing the checker itself: treat cheating nodes as honest, so their findings must fail
    /// invariant 4.
    public var hideCheatersFromChecker = false
    /// For testing the checker itself: do not tell it which machines were restored from a snapshot,
    /// so the forks the audit finds must fail invariant 4.
    public var hideRollbacksFromChecker = false
    /// Run customers' steps on a thread of their own, behind the event loop (see ``DeskRunner``).
    /// Off, the same steps run on the event loop's thread alone; the run and its trace hash are the same.
    public var parallelDesks = true
    /// Unix time (seconds) of simulated time zero. A run that is compared with real processes
    /// starts now, so its calls fall inside the same windows there.
    public var epoch = Simulation.defaultEpoch
    /// Keep every operator and machine call with its answer (``Simulation/transcript``).
    public var recordsTranscript = false
    /// Where the nodes' stores live: nil keeps each in memory; a directory (which must exist) keeps
    /// each in a scratch file there (``SQLiteDatabase/init(scratchAt:cacheKibibytes:faultInjector:)``),
    /// with `storeCacheKibibytes` of its pages in memory, so a large run's memory does not grow with
    /// every node's log. A node removes its file when the run lets go of it. The run and its trace
    /// hash are the same either way.
    public var storeDirectory: String?
    /// Pages of each scratch store kept in memory, in KiB.
    public var storeCacheKibibytes = 2_048

    public init() {}
}
