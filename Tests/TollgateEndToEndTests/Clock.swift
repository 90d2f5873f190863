import Foundation

/// Wall-clock time in Unix seconds, as the nodes read it.
enum Clock {
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// Sleeps until the clock reads a second later than `time`, so that what happens next is
    /// strictly after it at the nodes' one-second resolution.
    static func waitUntilAfter(_ time: Int64) {
        while now <= time { Thread.sleep(forTimeInterval: 0.02) }
    }
}
