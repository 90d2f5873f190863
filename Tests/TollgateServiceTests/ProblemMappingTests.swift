import Foundation
import Testing
@testable import TollgateAPI
import TollgateCertificates
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// The one NodeError → HTTP mapping (`APIProblem.response(for:)`): each code's status and problem
/// type, the per-rule and per-storage-condition types, and that every type it answers with is
/// documented in `Deploy/openapi.yaml`.
@Suite struct ProblemMappingTests {
    static let base = "https://tollgate.dev/problems/"

    /// Every NodeError code with the status and problem type the API answers it with.
    static let table: [(code: NodeError.Code, status: Int, type: String)] = [
        (.invalidRequest, 400, "invalid-request"),
        (.notFound, 404, "not-found"),
        (.unauthorized, 403, "unauthorized"),
        (.serialsTaken, 409, "serials-taken"),
        (.quotaExhausted, 409, "quota-exhausted"),
        (.seatsInUse, 409, "seats-in-use"),
        (.replayed, 409, "replayed"),
        (.syncOverdue, 409, "sync-overdue"),
        (.logConflict, 409, "log-conflict"),
        (.usageOutOfSequence, 409, "usage-out-of-sequence"),
        (.customerMismatch, 409, "customer-mismatch"),
        (.ruleViolation, 422, "rule-violation"),
        (.certificateRejected, 422, "certificate-rejected"),
        (.noCertificate, 422, "no-certificate"),
        (.licenseInvalid, 422, "license-invalid"),
        (.findingUnproven, 422, "finding-unproven"),
        (.storage, 503, "storage"),
        (.noSeatFree, 409, "no-seat-free"),
        (.leaseExpired, 410, "lease-expired"),
        (.notLeaseHolder, 403, "not-lease-holder"),
        (.webhookURLInvalid, 400, "webhook-url-invalid"),
        (.unknownEventType, 400, "unknown-event-type"),
        (.tooManyWebhooks, 409, "too-many-webhooks"),
        (.orderConflict, 409, "order-conflict"),
        (.batchRefused, 422, "batch-refused"),
    ]

    @Test func eachCodeHasItsStatusTypeAndTitleAndKeepsTheReason() {
        var titles: Set<String> = []
        for (code, status, type) in Self.table {
            let response = APIProblem.response(for: NodeError(code, "reason for \(code)"))
            let problem = response.problemDetails
            #expect(response.status.code == status, "\(code)")
            #expect(problem?.type == Self.base + type, "\(code)")
            #expect(problem?.status == status, "\(code)")
            #expect(problem?.detail == "reason for \(code)", "\(code)")
            #expect(response.headers["Content-Type"] == "application/problem+json", "\(code)")
            #expect(response.headers["Retry-After"] == nil, "\(code)")
            titles.insert(problem?.title ?? "")
        }
        #expect(titles.count == Self.table.count, "each code has a title of its own")
    }

    /// A bulk call's refusal is a problem whose `errors` member names every bad row.
    @Test func aBatchRefusalNamesEveryBadRowInItsProblem() throws {
        var error = NodeError(.batchRefused, "2 rows are bad")
        error.rows = [OrderRowError(row: 2, order: "A-2", field: "price", code: "price_below_floor", reason: "below"),
                      OrderRowError(row: 5, order: nil, field: "order", code: "invalid_request", reason: "no order id")]
        let response = APIProblem.response(for: error)
        #expect(response.status.code == 422)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.problemDetails?.type == Self.base + "batch-refused")
        let body = try response.decodeJSON(APIBodies.BatchRefusalBody.self)
        #expect(body.errors == error.rows)
        #expect(body.detail == "2 rows are bad")
    }

    @Test func theTableCoversEveryCodeNodeErrorDeclares() throws {
        let source = try String(contentsOf: Self.nodeErrorSource(), encoding: .utf8)
        let declared = Set(source.matches(of: /static let \w+ = Code\("([a-z_]+)"\)/).map { String($0.output.1) })
        #expect(declared.count >= 14)
        #expect(declared == Set(Self.table.map(\.code.rawValue)))
    }

    @Test func aCodeTheMappingDoesNotKnowIsAServerError() {
        let response = APIProblem.response(for: NodeError(NodeError.Code("future_code"), "later"))
        #expect(response.status.code == 500)
        #expect(response.problemDetails?.type == Self.base + "future-code")
    }

    @Test func aRefusalByACertificateRuleNamesTheRule() {
        for code in [NodeError.Code.ruleViolation, .certificateRejected, .licenseInvalid] {
            let response = APIProblem.response(for: NodeError(code, "expired", rule: .expired))
            #expect(response.problemDetails?.type == Self.base + "rule/expired", "\(code)")
            #expect(response.status.code == 422)
        }
        // Malformed input keeps the generic type even when a rule is named.
        let malformed = APIProblem.response(for: NodeError(.invalidRequest, "bad", rule: .malformed))
        #expect(malformed.problemDetails?.type == Self.base + "invalid-request")
    }

    @Test func aStorageFailureTheStoreClassifiedSaysWhatToFixAndWhenToRetry() {
        for (condition, type) in [(StorageCondition.full, "storage-full"), (.readOnly, "storage-read-only")] {
            var error = NodeError(.storage, "no space")
            error.storageCondition = condition
            let response = APIProblem.response(for: error)
            #expect(response.status.code == 503)
            #expect(response.problemDetails?.type == Self.base + type)
            #expect(response.headers["Retry-After"] == "30")
        }
    }

    @Test func everyTypeTheMappingAnswersIsDocumented() throws {
        let documented = try OpenAPIDocument().problemTypes
        var answered = Set(Self.table.map { Self.base + $0.type })
        answered.formUnion([Self.base + "storage-full", Self.base + "storage-read-only", Self.base + "rule/expired", Self.base + "rule/malformed"])
        for response in [APIProblem.malformedBody(CocoaError(.fileReadCorruptFile)), APIProblem.nodeSignatureRequired, APIProblem.operatorTokenRequired] {
            answered.insert(response.problemDetails?.type ?? "none")
        }
        #expect(answered.subtracting(documented).sorted() == [])
    }

    /// Sources/TollgateNode/…/NodeError.swift of this package.
    static func nodeErrorSource() throws -> URL {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TollgateNode")
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            if url.lastPathComponent == "NodeError.swift" { return url }
        }
        throw CocoaError(.fileNoSuchFile)
    }
}
