import Foundation
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateNode
import TollgateWire

/// Runs the production sync round (``SyncRound``) between a child and its parent in process: each
/// request the round makes is handed to the parent's ``NodeAPI`` as the HTTP server would hand it,
/// and each answer back to the round. Only the sockets are left out.
struct SyncLink {
    let child: LicensingNode
    let parent: LicensingNode

    @discardableResult
    func sync(at now: Int64) throws -> SyncRound.Outcome {
        try attempt(at: now).get()
    }

    /// A round whose failure is the test's subject: the parent refusing the child's log, say.
    func attempt(at now: Int64) throws -> Result<SyncRound.Outcome, SyncError> {
        let childExecutor = NodeExecutor(node: child), parentExecutor = NodeExecutor(node: parent)
        defer {
            childExecutor.stop()
            parentExecutor.stop()
        }
        let api = NodeAPI(executor: parentExecutor, token: OperatorToken("not used by sync"), anchorPEM: "",
                          nodeName: parent.identity.name, clock: { now })
        var round = SyncRound(executor: childExecutor)
        do throws(SyncError) {
            var request = try round.start(at: now)
            while true {
                switch try round.receive(api.handle(request), at: now) {
                case .send(let next): request = next
                case .finished(let outcome): return .success(outcome)
                }
            }
        } catch {
            try round.recordFailure(error, at: now)
            return .failure(error)
        }
    }
}

extension Result<SyncRound.Outcome, SyncError> {
    /// Whether the parent refused the child's own log.
    var logRefused: Bool {
        if case .failure(let error) = self { return error.code == .logRefused }
        return false
    }
}
