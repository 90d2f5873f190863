import TollgateCertificates
import TollgateClient
import TollgateCrypto

/// Why a library call failed: the C layer's one error. Its code is what the caller's status code
/// stands for (``LibraryStatus``), and a verification failure carries the verifier's rule, so C,
/// C++ or Python code can branch on the same rule names the Swift verifier uses.
public struct LibraryError: LayerError {
    /// What kind of failure this is; the names match the client's codes where one is the cause.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// A failure without a code of its own in this library's version; the message says which.
        public static let failed = Code("failed")
        /// A null pointer, text that is not UTF-8, a time before 1970, or a call out of order
        /// (verifying before a key or license is loaded).
        public static let invalidArgument = Code("invalid_argument")
        /// The caller's buffer is too small; the length needed was written.
        public static let bufferTooSmall = Code("buffer_too_small")
        public static let fileAccess = Code(ClientError.Code.fileAccess.rawValue)
        public static let malformed = Code(ClientError.Code.malformed.rawValue)
        public static let verificationFailed = Code(ClientError.Code.verificationFailed.rawValue)
        public static let notActivated = Code(ClientError.Code.notActivated.rawValue)
        public static let machineIDMissing = Code(ClientError.Code.machineIDMissing.rawValue)
        public static let walletMissing = Code(ClientError.Code.walletMissing.rawValue)
        public static let walletConflict = Code(ClientError.Code.walletConflict.rawValue)
        public static let productMismatch = Code(ClientError.Code.productMismatch.rawValue)
        public static let receiptMismatch = Code(ClientError.Code.receiptMismatch.rawValue)
        public static let activationHeld = Code(ClientError.Code.activationHeld.rawValue)
        public static let crypto = Code(ClientError.Code.crypto.rawValue)
    }

    public var code: Code
    public var reason: String
    /// For `.verificationFailed`: the rule that failed and the object that broke it.
    public var verification: VerificationError?
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, verification: VerificationError? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.verification = verification
        location = ErrorLocation(file: file, line: line)
    }

    /// The client's error under the same code name (``Code/failed`` for codes the C API has no
    /// status for, such as the online ones it never makes).
    public init(_ client: ClientError, file: String = #fileID, line: UInt = #line) {
        let code = Code(client.code.rawValue)
        self.init(LibraryStatus.number(of: code) == nil ? .failed : code, client.reason, verification: client.verification,
                  file: file, line: line)
    }

    /// A verification failure, with the verifier's rule in the message.
    public init(_ verification: VerificationError, while action: String, file: String = #fileID, line: UInt = #line) {
        self.init(.verificationFailed, "\(action): \(verification)", verification: verification, file: file, line: line)
    }
}
