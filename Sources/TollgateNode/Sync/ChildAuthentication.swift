import TollgateWire

/// Who may call this node as a child: a node-signed request must come from a direct child, be
/// dated inside the window and carry a nonce never used before.
struct ChildAuthentication: NodePart {
    let context: NodeContext

    /// See ``LicensingNode/authenticateChild(_:method:target:body:at:)``.
    func authenticate(_ signature: RequestSignature, method: String, target: String, body: [UInt8],
                      at now: Int64) throws(NodeError) -> Descendant {
        guard let child = try storage({ try store.descendant(keyID: signature.keyID) }), child.parentKeyID == identity.keyID else {
            throw NodeError(.unauthorized, "\(signature.keyID) is not a child of this node")
        }
        guard signature.isValid(method: method, target: target, body: body, key: child.publicKey, record: store.verifiedSignatures.objects) else {
            throw NodeError(.unauthorized, "the request signature does not verify with \(child.subject)'s key")
        }
        guard signature.date >= now - RequestSignature.window, signature.date <= now + RequestSignature.window else {
            throw NodeError(.replayed, "the request is dated \(signature.date), more than \(RequestSignature.window) s from now (\(now))")
        }
        guard try storage({ try store.recordRequestNonce(signature.nonce, keyID: signature.keyID, at: now) }) else {
            throw NodeError(.replayed, "nonce \(signature.nonce) was already used")
        }
        return child
    }

    /// See ``LicensingNode/checkChildRequestHead(_:at:)``.
    func checkHead(_ signature: RequestSignature, at now: Int64) throws(NodeError) -> Descendant {
        guard let child = try storage({ try store.descendant(keyID: signature.keyID) }), child.parentKeyID == identity.keyID else {
            throw NodeError(.unauthorized, "\(signature.keyID) is not a child of this node")
        }
        guard abs(signature.date - now) <= RequestSignature.window else {
            throw NodeError(.replayed, "the request is dated \(signature.date), more than \(RequestSignature.window) s from now (\(now))")
        }
        guard try !storage({ try store.isRequestNonceUsed(signature.nonce) }) else {
            throw NodeError(.replayed, "nonce \(signature.nonce) was already used")
        }
        return child
    }
}
