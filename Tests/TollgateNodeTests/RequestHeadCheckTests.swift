import Foundation
import Testing
import TollgateCrypto
import TollgateNode
import TollgateWire

/// `checkChildRequestHead`: what a push's signature headers alone must show before its body is read.
@Suite struct RequestHeadCheckTests {
    @Test func headsAreCheckedForChildWindowAndNonceWithoutRecordingAnything() throws {
        let channel = try Channel()
        try channel.wire()
        let now = channel.now
        let body = Array("{}".utf8)
        let signed = try channel.general.signRequest(method: "POST", target: "/v1/sync/push", body: body, at: now)

        // A head check passes, and passes again: it records no nonce.
        #expect(try channel.root.checkChildRequestHead(signed, at: now).keyID == channel.general.identity.keyID)
        #expect(try channel.root.checkChildRequestHead(signed, at: now + 10).keyID == channel.general.identity.keyID)

        // Outside the window, or from a node that is not a direct child (a grandchild, a stranger).
        #expect { try channel.root.checkChildRequestHead(signed, at: now + RequestSignature.window + 1) } throws: {
            ($0 as? NodeError)?.code == .replayed
        }
        let grandchild = try channel.regional.signRequest(method: "POST", target: "/v1/sync/push", body: body, at: now)
        #expect { try channel.root.checkChildRequestHead(grandchild, at: now) } throws: {
            ($0 as? NodeError)?.code == .unauthorized
        }
        let stranger = try RequestSignature.sign(method: "POST", target: "/v1/sync/push", body: body, date: now, nonce: "n-1",
                                                 key: try Ed25519PrivateKey())
        #expect { try channel.root.checkChildRequestHead(stranger, at: now) } throws: {
            ($0 as? NodeError)?.code == .unauthorized
        }

        // Once the whole request was authenticated its nonce is used: the same head is now a replay.
        _ = try channel.root.authenticateChild(signed, method: "POST", target: "/v1/sync/push", body: body, at: now)
        #expect { try channel.root.checkChildRequestHead(signed, at: now) } throws: {
            ($0 as? NodeError)?.code == .replayed
        }
    }
}
