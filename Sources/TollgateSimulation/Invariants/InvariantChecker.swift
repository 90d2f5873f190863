/// Collects checks of the invariants during and after a run.
struct InvariantChecker {
    private var checks: [Invariant: Int] = [:]
    private var violations: [Invariant: [String]] = [:]
    private var overflow: [Invariant: Int] = [:]
    /// Errors the node code threw that no workload expects (storage failures, crashes of logic).
    private(set) var errors: [String] = []
    static let cap = 25

    /// Counts a check of `invariant`; records `message` when `holds` is false.
    mutating func check(_ invariant: Invariant, _ holds: Bool, _ message: @autoclosure () -> String) {
        checks[invariant, default: 0] += 1
        if !holds { fail(invariant, message()) }
    }

    /// Counts `count` checks of `invariant` that held.
    mutating func passed(_ invariant: Invariant, count: Int) {
        checks[invariant, default: 0] += count
    }

    mutating func fail(_ invariant: Invariant, _ message: String) {
        if violations[invariant, default: []].count < Self.cap {
            violations[invariant, default: []].append(message)
        } else {
            overflow[invariant, default: 0] += 1
        }
    }

    mutating func error(_ message: String) {
        if errors.count < Self.cap { errors.append(message) }
    }

    /// Takes in what another checker (a customer desk's) counted and recorded.
    mutating func merge(_ other: InvariantChecker) {
        for (invariant, count) in other.checks { checks[invariant, default: 0] += count }
        for (invariant, messages) in other.violations.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for message in messages { fail(invariant, message) }
        }
        for (invariant, count) in other.overflow { overflow[invariant, default: 0] += count }
        for message in other.errors { error(message) }
    }

    var failed: Bool { !errors.isEmpty || violations.values.contains { !$0.isEmpty } }

    func results() -> [InvariantResult] {
        Invariant.allCases.map {
            InvariantResult(invariant: $0, checks: checks[$0] ?? 0, violations: violations[$0] ?? [], moreViolations: overflow[$0] ?? 0)
        }
    }
}
