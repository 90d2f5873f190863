extension Scenario {
    /// A node named in a scenario: `root`, `g2`, `r7`, or one chosen from the seed.
    public enum NodeReference: Sendable, Hashable, CustomStringConvertible {
        case named(String)
        case randomRegional
        case randomGeneral
        /// Any general or regional agent.
        case randomAgent

        public var description: String {
            switch self {
            case .named(let name): name
            case .randomRegional: "random_regional"
            case .randomGeneral: "random_general"
            case .randomAgent: "random_agent"
            }
        }
    }

    /// A moment of the run: fixed, or drawn from a range by the seed.
    public struct Moment: Sendable, Hashable {
        public var earliest: Int64
        public var latest: Int64

        public init(_ earliest: Int64, _ latest: Int64? = nil) {
            self.earliest = earliest
            self.latest = latest ?? earliest
        }

        func scaled(by factor: Double) -> Moment {
            Moment(Int64(Double(earliest) * factor), Int64(Double(latest) * factor))
        }
    }

    /// Which way a link is cut: both ways, only the child's messages to its parent, or only the
    /// parent's messages to the child.
    public enum Direction: String, Sendable, Hashable {
        case both, up, down
    }

    /// The uplink of `node` is cut from `start` for `length`.
    public struct Partition: Sendable, Hashable {
        public var node: NodeReference
        public var direction: Direction
        public var start: Moment
        public var length: Int64
    }

    /// The uplink of `node` goes down for `down`, up for `up`, repeatedly, from `start` for `length`.
    public struct Flap: Sendable, Hashable {
        public var node: NodeReference
        public var direction: Direction
        public var start: Moment
        public var length: Int64
        public var up: Int64
        public var down: Int64
    }

    /// Random cuts of random uplinks: `perDay` on average, exponential lengths capped at `longest`.
    public struct RandomPartitions: Sendable, Hashable {
        public var perDay: Double
        public var mean: Int64
        public var longest: Int64
        /// Share of cuts that are one-way.
        public var oneWay: Double
    }

    public struct Crash: Sendable, Hashable {
        public var node: NodeReference
        public var at: Moment
        public var downFor: Int64
    }

    /// `node` crashes every `every`, stays down `down`, from `start` for `length`.
    public struct CrashLoop: Sendable, Hashable {
        public var node: NodeReference
        public var start: Moment
        public var length: Int64
        public var every: Int64
        public var down: Int64
    }

    public struct RandomCrashes: Sendable, Hashable {
        public var perDay: Double
        public var mean: Int64
        public var longest: Int64
        /// Whether the root may crash too.
        public var includeRoot: Bool
    }

    public struct Skew: Sendable, Hashable {
        public var node: NodeReference
        public var seconds: Int64
    }

    /// `node`'s clock jumps by `seconds` at `at`.
    public struct Jump: Sendable, Hashable {
        public var node: NodeReference
        public var at: Moment
        public var seconds: Int64
    }

    public struct RandomJumps: Sendable, Hashable {
        public var perDay: Double
        /// Largest jump either way, in seconds.
        public var largestSeconds: Int64
    }

    /// A cheat planted on an agent.
    public struct Plant: Sendable, Hashable {
        public var node: NodeReference
        /// nil: drawn from the seed.
        public var cheat: Cheat?
        public var at: Moment

        func scaled(by factor: Double) -> Plant {
            Plant(node: node, cheat: cheat, at: at.scaled(by: factor))
        }
    }
}
