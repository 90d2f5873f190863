import Foundation
import TollgateCrypto

/// The run's trace: every event description and every delivered message's bytes, in order. Feeds a
/// SHA-256 chain (the trace hash: same seed and build, same hash) and keeps the most recent lines
/// so a failing run can write them out.
struct TraceRecorder {
    /// How many recent lines are kept for the trace file.
    let capacity: Int
    private var lines: [String] = []
    private var start = 0
    private(set) var totalLines = 0
    private var chain: [UInt8] = Array(repeating: 0, count: SHA256Digest.byteCount)
    private var pending: [UInt8] = []
    private static let chunk = 1 << 16

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        pending.reserveCapacity(Self.chunk + 4_096)
    }

    /// Records an event: simulated time in milliseconds and what happened.
    mutating func record(_ time: Int64, _ description: String) {
        let line = "\(Self.stamp(time)) \(description)"
        absorb(Array(line.utf8))
        absorb([0x0A])
        if lines.count < capacity {
            lines.append(line)
        } else {
            lines[start] = line
            start = (start + 1) % capacity
        }
        totalLines += 1
    }

    /// Adds a message's bytes to the hash without keeping them.
    mutating func absorb(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.chunk { flush() }
    }

    private mutating func flush() {
        guard !pending.isEmpty else { return }
        chain = SHA256Digest.hash(concatenating: [chain, pending])
        pending.removeAll(keepingCapacity: true)
    }

    /// The hash of everything recorded so far, hex.
    mutating func hash() -> String {
        flush()
        return Hex.encode(chain)
    }

    /// One hash for several traces (the event loop's, then each customer desk's), hex.
    static func combinedHash(_ traces: inout [TraceRecorder]) -> String {
        var joined: [UInt8] = []
        for index in traces.indices { joined += Array(traces[index].hash().utf8) + [0x0A] }
        return Hex.encode(SHA256Digest.hash(joined))
    }

    /// The most recent `capacity` lines of several traces, in time order (ties: in the order the
    /// traces are given, then each trace's own order).
    static func mergedRecentLines(_ traces: [TraceRecorder], capacity: Int) -> [String] {
        // A line starts with its stamp, `dDD HH:MM:SS.mmm`: longer (more days) is later, and stamps
        // of one length sort as their times do.
        let lines = traces.enumerated().flatMap { trace, recorder in
            recorder.recentLines.enumerated().map { position, line in
                let stamp = line.split(separator: " ", maxSplits: 2).prefix(2).joined(separator: " ")
                return (width: stamp.count, stamp: stamp, trace: trace, position: position, line: line)
            }
        }
        let sorted = lines.sorted {
            ($0.width, $0.stamp, $0.trace, $0.position) < ($1.width, $1.stamp, $1.trace, $1.position)
        }
        return sorted.suffix(capacity).map(\.line)
    }

    /// The lines kept, oldest first.
    var recentLines: [String] {
        Array(lines[start...] + lines[..<start])
    }

    /// `d03 14:05:09.120` for a simulated time in milliseconds.
    static func stamp(_ time: Int64) -> String {
        let day = time / 86_400_000
        let rest = time % 86_400_000
        let hours = rest / 3_600_000
        let minutes = rest / 60_000 % 60
        let seconds = rest / 1_000 % 60
        let millis = rest % 1_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "d\(pad(day, 2)) \(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))"
    }
}
