/// The shape every layer's error shares, after swift-certificates' `CertificateError`: a stable
/// ``code`` that callers and tests match, a ``reason`` written for the person who reads it, and the
/// place it was raised, for the developer who has to find it. Each layer has one such struct (this
/// one's is ``CryptoError``); the defaults here keep each of them down to its codes and fields.
///
/// Conforming structs take `file: String = #fileID, line: UInt = #line` in their initialisers, so a
/// call site records its place without saying so.
public protocol LayerError: Error, Hashable, Sendable, CustomStringConvertible {
    associatedtype Code: ErrorCode
    /// What kind of failure this is. Match on it, never on ``reason``, whose wording may change.
    var code: Code { get }
    /// What went wrong, in words for people.
    var reason: String { get }
    /// Where the error was raised; equality and hashing ignore it.
    var location: ErrorLocation { get }
}

extension LayerError {
    /// `code: reason`, which is what users read: the source location means nothing to them.
    public var description: String { "\(code): \(reason)" }
    /// The `#fileID` of the line that raised the error.
    public var file: String { location.file }
    /// The line that raised the error.
    public var line: UInt { location.line }
}
