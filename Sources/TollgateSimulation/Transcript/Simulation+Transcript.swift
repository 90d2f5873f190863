import TollgateHTTPMessages
import TollgateWire

extension Simulation {
    /// Every operator and machine call of the run with its answer, when
    /// ``SimulationOptions/recordsTranscript`` is set; empty otherwise.
    public var transcript: ChannelTranscript {
        context.record.transcript?.transcript ?? ChannelTranscript()
    }

    /// The answer of the node named `name` to `request`, now (after ``run()``, the state the run
    /// ended in): handed to its `NodeAPI` as any call is, with its operator's token. Not recorded.
    public func respond(to request: HTTPRequest, at name: String) throws(ScenarioError) -> HTTPResponse {
        let scenario = context.scenario
        guard let node = channel.node(named: name), let service = node.service else {
            throw ScenarioError(.unknownNode, "no running node \(name)", path: scenario.path ?? scenario.name, lineNumber: 0)
        }
        var request = request
        if let match = Endpoint.match(method: request.method, path: request.path), match.endpoint.caller == .operator {
            request.headers.add(name: "Authorization", value: "Bearer \(node.operatorToken)")
        }
        let now = context.now
        return service.handle(request, at: node.clock(at: now), time: now).response
    }
}
