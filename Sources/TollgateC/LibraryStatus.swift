/// The status codes every call returns, as `tollgate.h` declares them (`TOLLGATE_OK` and one per
/// ``LibraryError/Code``). The numbers are ABI: never renumber one, only add new ones at the end.
public enum LibraryStatus {
    /// The call did what was asked.
    public static let ok: Int32 = 0

    /// Code and number of every failure status, in the header's order.
    public static let failures: [(code: LibraryError.Code, number: Int32)] = [
        (.failed, 1),
        (.invalidArgument, 2),
        (.bufferTooSmall, 3),
        (.fileAccess, 4),
        (.malformed, 5),
        (.verificationFailed, 6),
        (.notActivated, 7),
        (.machineIDMissing, 8),
        (.walletMissing, 9),
        (.walletConflict, 10),
        (.productMismatch, 11),
        (.receiptMismatch, 12),
        (.activationHeld, 13),
        (.crypto, 14),
    ]

    /// The status number of `code`, nil for a code the C API has no status for.
    public static func number(of code: LibraryError.Code) -> Int32? {
        failures.first { $0.code == code }?.number
    }

}
