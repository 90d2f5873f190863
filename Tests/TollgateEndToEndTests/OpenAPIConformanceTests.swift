import Foundation
import Testing
import TollgateHTTP
import TollgateHTTPMessages

extension EndToEnd {
    /// `Deploy/openapi.yaml` against a running node, by behaviour: every documented operation is
    /// served (neither "no such endpoint" nor "method not allowed"), every other method on a documented
    /// path is answered 405 with exactly the documented methods in `Allow`, and every problem type the
    /// node answers with is documented.
    @Suite struct OpenAPIConformanceTests {
        static let document = TollgateBinary.packageRoot.appendingPathComponent("Deploy/openapi.yaml")
        static let probeMethods: [HTTPMethod] = [.get, .post, .put, .delete, .patch]

        @Test func documentParsesIntoOperations() throws {
            let spec = try OpenAPIDocument(contentsOf: Self.document)
            #expect(spec.operations.count >= 20)
            #expect(spec.operations.contains(.init(method: "POST", path: "/v1/activations")))
            #expect(spec.problemTypes.contains(ProblemType.named("operator-token-required")))
        }

        @Test func everyDocumentedOperationIsServedAndNothingElseOnItsPaths() throws {
            let spec = try OpenAPIDocument(contentsOf: Self.document)
            let agent = try AgentFixture("openapi")
            let api = try agent.client()
            var answeredTypes: Set<String> = []

            for operation in spec.operations {
                let path = Self.concrete(operation.path)
                let method = HTTPMethod(operation.method)
                let response = method == .get ? try api.send(method, path) : try api.send(method, path, json: [String: Any]())
                let type = response.problemDetails?.type
                #expect(!(response.status.code == 404 && type == ProblemType.named("no-such-endpoint")),
                        "\(operation) is documented but not served: \(response.bodyText)")
                #expect(response.status.code != 405, "\(operation) is documented but refused: \(response.bodyText)")
                if let type { answeredTypes.insert(type) }
            }

            for (documentedPath, documented) in spec.methodsByPath {
                let path = Self.concrete(documentedPath)
                for method in Self.probeMethods where !documented.contains(method.rawValue) {
                    let response = try api.send(method, path)
                    #expect(response.status.code == 405, "\(method) \(documentedPath) is served but not documented: \(response.status.code) \(response.bodyText)")
                    #expect(response.headers["Allow"] == documented.sorted().joined(separator: ", "),
                            "\(documentedPath): the node allows \(response.headers["Allow"] ?? "nothing"), the document \(documented.sorted())")
                    if let type = response.problemDetails?.type { answeredTypes.insert(type) }
                }
            }

            let undocumented = answeredTypes.subtracting(spec.problemTypes)
            #expect(undocumented.isEmpty, "problem types answered but not documented: \(undocumented.sorted())")
            agent.node.expectCleanExit()
        }

        /// A documented path with its parameters filled in.
        static func concrete(_ path: String) -> String {
            path.replacingOccurrences(of: "{hash}", with: String(repeating: "0", count: 64))
                .replacingOccurrences(of: "{name}", with: "quota")
        }
    }
}
