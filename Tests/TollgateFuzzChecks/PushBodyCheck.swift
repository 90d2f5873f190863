import Foundation
import TollgateCertificates
import TollgateNode
import TollgateWire

/// The body of `POST /v1/sync/push` (`PushRequest(json:)`): its canonical reader must read what
/// `JSONDecoder` reads wherever it answers, and an accepted push written with `encoded()` reads back
/// equal, byte for byte what the `Encodable` path writes.
public enum PushBodyCheck: FuzzCheck {
    public static let name = "push-body"

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        let read = try? PushRequest(json: input)
        let decoded = try? JSONDecoder().decode(PushRequest.self, from: Data(input))
        if let read {
            // Either the canonical reader answered, and must agree with the decoder, or the decoder did.
            guard let decoded else {
                throw FuzzFailure(.readersDisagree, "the push reader accepts a body JSONDecoder refuses")
            }
            try FuzzFailure.require(read == decoded, .readersDisagree, "the push reader and JSONDecoder read different pushes")
        }
        // Only what the node accepts (strict JSON, numbers in range) must round-trip.
        guard let push = read else { return }
        do {
            try push.validate()
        } catch {
            throw FuzzFailure(.roundTrip, "an accepted push breaks the ranges it was checked against: \(error)")
        }
        let encoded = push.encoded()
        let throughCodable: [UInt8]
        do {
            throughCodable = try CanonicalJSON.encodeThroughCodable(push)
        } catch {
            throw FuzzFailure(.roundTrip, "an accepted push cannot be encoded through Encodable: \(error)")
        }
        try FuzzFailure.require(encoded == throughCodable, .readersDisagree, "encoded() and the Encodable path write different pushes")
        let again: PushRequest
        do {
            again = try PushRequest(json: encoded)
        } catch {
            throw FuzzFailure(.roundTrip, "an accepted push written back is refused: \(error)")
        }
        try FuzzFailure.require(again == push, .roundTrip, "an accepted push written back reads differently")
    }
}
