import Synchronization
import TollgateHTTPMessages
import TollgateWire

/// Collects a run's ``ChannelTranscript`` as its nodes answer calls. Customers' desks call their
/// agents from the desks' thread while the event loop calls other nodes, so each call is stamped
/// with its simulated time and a run-wide sequence number, and the transcript is in that order;
/// calls at one node keep the order that node answered them in.
final class TranscriptRecorder: Sendable {
    private struct Stamped {
        let time: Int64
        let sequence: UInt64
        let call: ChannelTranscript.Call
    }

    private let state = Mutex<(nodes: [ChannelTranscript.Node], calls: [Stamped], next: UInt64)>(([], [], 0))

    func add(_ node: ChannelTranscript.Node) {
        state.withLock { $0.nodes.append(node) }
    }

    func record(_ endpoint: Endpoint, at node: String, request: HTTPRequest, response: HTTPResponse, time: Int64) {
        state.withLock { state in
            state.calls.append(Stamped(time: time, sequence: state.next,
                                       call: ChannelTranscript.Call(node: node, endpoint: endpoint, request: request, response: response)))
            state.next += 1
        }
    }

    var transcript: ChannelTranscript {
        state.withLock { state in
            var transcript = ChannelTranscript()
            transcript.nodes = state.nodes
            transcript.calls = state.calls.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }.map(\.call)
            return transcript
        }
    }
}
