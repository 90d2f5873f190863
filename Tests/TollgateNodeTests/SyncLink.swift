import Foundation
import TollgateCertificates
import Testing
import TollgateNode

/// Runs the sync protocol between a child and its parent in process: pull, then push, with the
/// messages passed through JSON as they would be over HTTP.
struct SyncLink {
    let child: LicensingNode
    let parent: LicensingNode

    @discardableResult
    func sync(at now: Int64) throws -> PushResponse {
        let descendant = try #require(try parent.store.descendant(keyID: child.identity.keyID))
        let pull = try roundTrip(try parent.answerPull(for: descendant, at: now))
        try child.receivePull(pull, at: now)
        let push = try roundTrip(try child.makePush(at: now))
        let response = try roundTrip(try parent.receivePush(push, from: descendant, at: now))
        try child.recordPushResponse(response, pushed: push, at: now)
        return response
    }

    func roundTrip<T: Codable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }
}
