/// The five properties every run must keep (see "Simulation harness" in the design).
public enum Invariant: Int, CaseIterable, Sendable, Hashable, Comparable {
    case verifierSound = 1
    case withinCertificates = 2
    case convergence = 3
    case cheatsFound = 4
    case deterministic = 5

    public var title: String {
        switch self {
        case .verifierSound: "honest verifiers accept what honest nodes hand out and reject what breaks a rule"
        case .withinCertificates: "honest nodes stay inside their certificates and lose nothing acknowledged across crashes"
        case .convergence: "after the network heals and traffic stops, the root holds every node's log"
        case .cheatsFound: "every planted cheat is found with the right finding; no finding names an honest node"
        case .deterministic: "same seed and build, same trace hash"
        }
    }

    public static func < (lhs: Invariant, rhs: Invariant) -> Bool { lhs.rawValue < rhs.rawValue }
}
