import Foundation
import TollgateCertificates
import TollgateHTTPMessages
import TollgateWire

extension CustomerDesk {
    // MARK: Calls at the agent's counter

    /// A customer's (or the agent's operator's) call to the agent, at its own site: the request's
    /// bytes through the agent's API (``NodeService``), the answer read with `read` when it has
    /// status `expected`; else the refusal, judged for the run first.
    func call<T>(_ endpoint: Endpoint, parameters: [String: String] = [:], body: [UInt8] = [], expecting expected: HTTPStatus,
                 _ what: String, read: (Data) throws -> T) throws(ServiceRefusal) -> T {
        guard let service = agent.service else { throw ServiceRefusal.down(agent.name) }
        let handled = service.call(endpoint, parameters: parameters, body: body, at: agent.clock(at: now), time: now)
        do {
            return try NodeService.read(handled.response, expecting: expected, read)
        } catch {
            if error.isUnexpected(handled, at: agent.name, what, checker: &checker) { unexpected(error, what) }
            throw error
        }
    }

    /// A machine's signed request (activate, deactivate, emergency), online or handed in offline by the operator.
    func machineCall(_ compact: String, offline: Bool = false, _ what: String) throws(ServiceRefusal) -> ActivationReceipt {
        try call(offline ? .answerOfflineRequest : .machineRequest, body: Array(compact.utf8), expecting: .created, what) {
            try ActivationReceipt(data: $0)
        }
    }
}
