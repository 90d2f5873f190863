import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// What every part of a ``LicensingNode`` shares: who the node is, where it stores, where its ids
/// come from and the verifier that remembers the chains it checked. A small value each part keeps a
/// copy of, so parts share the node's store and identity without reaching into each other.
struct NodeContext {
    let identity: NodeIdentity
    let store: NodeStore
    let ids: IdentifierSource
    let verifier: LicenseVerifier
    /// The decoded objects of the logs the reports read, shared by every copy of the context (so
    /// by every part and request) and checked against each log's root before use.
    let decodedLogs = DecodedLogs()

    init(identity: NodeIdentity, store: NodeStore, ids: IdentifierSource) {
        self.identity = identity
        self.store = store
        self.ids = ids
        self.verifier = LicenseVerifier(anchor: identity.anchor, cache: VerifiedCertificateCache(), signatures: store.verifiedSignatures.objects)
    }

    /// Runs `body` against the store, turning what it throws into a ``NodeError``; the error records
    /// the caller's line, so a storage failure names the operation that ran into it.
    func storage<T>(file: String = #fileID, line: UInt = #line, _ body: () throws -> T) throws(NodeError) -> T {
        do {
            return try body()
        } catch let error as NodeError {
            throw error
        } catch let error as VerificationError {
            // An object to sign broke a limit: nothing was signed.
            throw NodeError(.invalidRequest, error, file: file, line: line)
        } catch {
            throw NodeError(storing: error, databasePath: store.database.path, file: file, line: line)
        }
    }

    /// Signs an object with the node's key; the signature goes into the node's record of verified
    /// signatures, so the node (and verifiers sharing the record) need not verify it again.
    func signObject<Payload: SignedPayload>(_ payload: Payload) throws -> Signed<Payload> {
        try Signed<Payload>.sign(payload, with: identity.key, recordingIn: store.verifiedSignatures.objects)
    }

    /// Runs a signing `body`, turning a broken limit into a refused request and anything else into
    /// a storage failure.
    func sign<T>(_ body: () throws -> T) throws(NodeError) -> T {
        do {
            return try body()
        } catch let error as VerificationError {
            throw NodeError(.invalidRequest, error)  // the claims break a limit: nothing was signed
        } catch {
            throw NodeError(.storage, "signing failed: \(error)")
        }
    }
}
