import Testing

/// Every end-to-end suite runs inside this one, one test at a time: each test starts real
/// `tollgate node serve` processes, and they should not compete for the CPU with one another.
@Suite(.serialized) enum EndToEnd {}
