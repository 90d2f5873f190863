import TollgateWire

/// A bulk call the node refused because of bad rows, nothing of it issued: every bad row, numbered
/// from 1 in the call (``OrderRun`` says which line of the file each is).
struct BatchRefused: Error {
    let rows: [OrderRowError]
}
