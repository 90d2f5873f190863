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
        try drive(at: now).result ?? .failure(SyncError(.unreachable, "the round was cut off"))
    }

    /// What one driven round did: its result (nil when the driver dropped it midway) and every push
    /// body the parent was handed, decoded, with its size.
    struct Drive {
        var result: Result<SyncRound.Outcome, SyncError>?
        var pushes: [(push: PushRequest, bytes: Int)] = []
        /// The parent's answer to each push that was answered, in order.
        var answers: [PushResponse] = []
    }

    /// Drives a round with the parent's API limiting pushes to `maxBodySize` (as `node serve
    /// --max-body` does), the driver dropping the round after `pushesAnswered` push answers, or with
    /// `answerLost` the answer to the push after them never reaching the child (the parent stored it).
    /// `pushCeiling` is the driver's ``PushPace`` ceiling for the round.
    func drive(at now: Int64, maxBodySize: Int? = nil, pushesAnswered cutOff: Int? = nil, answerLost: Bool = false,
               pushCeiling: PushBudget = .standard) throws -> Drive {
        let childExecutor = NodeExecutor(node: child), parentExecutor = NodeExecutor(node: parent)
        defer {
            childExecutor.stop()
            parentExecutor.stop()
        }
        let api = NodeAPI(executor: parentExecutor, token: OperatorToken("not used by sync"), anchorPEM: "",
                          nodeName: parent.identity.name, clock: { now })
        if let maxBodySize { api.limitPushes(toBodySize: maxBodySize) }
        var drive = Drive()
        var round = SyncRound(executor: childExecutor, pushCeiling: pushCeiling)
        do throws(SyncError) {
            var request = try round.start(at: now)
            while true {
                let isPush = request.path == Endpoint.syncPush.path.description
                if isPush {
                    if let cutOff, drive.pushes.count == cutOff, !answerLost { return drive }
                    // As the HTTP server does: a body over the limit is refused unread.
                    if let maxBodySize, request.body.count > maxBodySize {
                        Issue.record("a push of \(request.body.count) bytes exceeds the limit of \(maxBodySize)")
                    }
                    drive.pushes.append((try! PushRequest(json: request.body), request.body.count))
                }
                let answer = api.handle(request)
                if isPush, let cutOff, drive.pushes.count == cutOff + 1, answerLost { return drive }
                if isPush, let decoded = try? answer.decodeJSON(PushResponse.self) { drive.answers.append(decoded) }
                switch try round.receive(answer, at: now) {
                case .send(let next): request = next
                case .finished(let outcome):
                    drive.result = .success(outcome)
                    return drive
                }
            }
        } catch {
            try round.recordFailure(error, at: now)
            drive.result = .failure(error)
            return drive
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
