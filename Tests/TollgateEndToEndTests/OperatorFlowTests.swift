import Foundation
import Testing
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages

extension EndToEnd {
    /// The operator API of three running nodes: delegate, accept, issue, renew, return and receive,
    /// revoke and receive, list, and the public log endpoints.
    @Suite struct OperatorFlowTests {
        @Test func delegationWiresTheChannelAndRefusesWideningOrOverlap() throws {
            let channel = try ChannelFixture("delegation")
            let vendorView = try channel.vendorAPI.expect(Wire.Certificates.self, status: 200, .get, "/v1/certificates")
            #expect(vendorView.held.isEmpty)
            #expect(vendorView.delegated.map(\.subject) == ["ga-europe"])

            let generalView = try channel.generalAPI.expect(Wire.Certificates.self, status: 200, .get, "/v1/certificates")
            let held = try #require(generalView.held.first)
            #expect(generalView.held.count == 1 && held.subject == "ga-europe" && held.seats.count == 10_000)
            #expect(generalView.delegated.map(\.subject) == ["ra-dach"])
            #expect(held.seats.contains(try #require(generalView.delegated.first).seats))
            #expect(channel.regionalHeld.chain.count == 2)
            #expect(throws: Never.self) { try channel.verifier.verifyChain(channel.regionalHeld.chain) }

            // Accepting the same chain again changes nothing.
            let again = try channel.regionalAPI.expect(Wire.Held.self, status: 201, .post, "/v1/certificates",
                                                       json: ["chain": channel.regionalHeld.chain])
            #expect(again.hash == channel.regionalHeld.hash)
            let regionalView = try channel.regionalAPI.expect(Wire.Certificates.self, status: 200, .get, "/v1/certificates")
            #expect(regionalView.held.count == 1)

            // A child wider than its parent, serials already delegated, a chain for another node.
            let subjectKey = try ChannelFixture.subjectKey(channel.regional.directory)
            let widening = try channel.generalAPI.send(.post, "/v1/delegations", json: [
                "subject": "ra-us", "subject_key": subjectKey, "count": 10, "countries": ["US"],
            ] as [String: Any])
            #expect(widening.status.code == 422)
            #expect(widening.problemDetails?.type == ProblemType.rule("countries_widened"))
            let overlapping = try channel.generalAPI.send(.post, "/v1/delegations", json: [
                "subject": "ra-other", "subject_key": subjectKey,
                "seats": [channel.regionalHeld.seats.start, channel.regionalHeld.seats.start + 5],
            ] as [String: Any])
            #expect(overlapping.status.code == 409)
            #expect(overlapping.problemDetails?.type == ProblemType.named("serials-taken"))
            let foreign = try channel.vendorAPI.send(.post, "/v1/certificates", json: ["chain": channel.regionalHeld.chain])
            #expect(foreign.status.code == 422)
            #expect(foreign.problemDetails?.type == ProblemType.named("certificate-rejected"))

            #expect(channel.stop() == [0, 0, 0])
        }

        @Test func issueRenewReturnRevokeAndList() throws {
            let channel = try ChannelFixture("lifecycle")
            let api = channel.regionalAPI

            // Sell: a perpetual license and a subscription, both verifiable with only the vendor's key.
            let perpetual = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses",
                                           json: ChannelFixture.sale(customer: "Muster GmbH", seats: 3))
            let subscription = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses",
                                              json: ChannelFixture.sale(customer: "Beispiel AG", model: "subscription",
                                                                        exp: Clock.now + 30 * 86_400))
            let perpetualLicense = try channel.verifier.verify(perpetual, at: Clock.now).license
            let subscriptionLicense = try channel.verifier.verify(subscription, at: Clock.now).license
            #expect(perpetualLicense.payload.seats.count == 3)
            #expect(channel.regionalHeld.seats.contains(perpetualLicense.payload.seats))
            #expect(!perpetualLicense.payload.seats.overlaps(subscriptionLicense.payload.seats))

            // Refused sales name the rule.
            let cheap = try api.send(.post, "/v1/licenses", json: ChannelFixture.sale(customer: "Cheap AG", amount: 100))
            #expect(cheap.status.code == 422)
            #expect(cheap.problemDetails?.type == ProblemType.rule("price_below_floor"))
            var abroad = ChannelFixture.sale(customer: "Faraway Inc", territory: ["US"])
            abroad["country"] = "US"
            let outside = try api.send(.post, "/v1/licenses", json: abroad)
            #expect(outside.status.code == 422)
            #expect(outside.problemDetails?.type == ProblemType.rule("country_not_allowed"))

            // Renew the subscription: a new license in the same lineage; the status names it as current.
            let renewed = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses/\(subscriptionLicense.hash)/renewals",
                                         json: ["exp": Clock.now + 400 * 86_400])
            let renewal = try channel.verifier.verify(renewed, at: Clock.now).license
            #expect(renewal.payload.seats == subscriptionLicense.payload.seats)
            let status = try api.expect(Wire.Status.self, status: 200, .get, "/v1/licenses/\(subscriptionLicense.hash)/status")
            #expect(status.current == renewal.hash && status.valid)
            let perpetualRenewal = try api.send(.post, "/v1/licenses/\(perpetualLicense.hash)/renewals", json: ["exp": Clock.now + 86_400])
            #expect(perpetualRenewal.status.code == 400)

            let licenses = try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            #expect(Set(licenses.map(\.hash)) == [perpetualLicense.hash, subscriptionLicense.hash, renewal.hash])
            #expect(licenses.first { $0.hash == renewal.hash }?.renews == subscriptionLicense.hash)

            // Return the top 100 serials: the parent may re-delegate them only once the return reached it.
            let top = SerialRange(channel.regionalHeld.seats.end - 100, channel.regionalHeld.seats.end)
            let returned = try api.expect(Wire.SignedObject.self, status: 201, .post, "/v1/returns", json: ["seats": [top.start, top.end]])
            let redelegation: [String: Any] = [
                "subject": "ra-swiss", "subject_key": try ChannelFixture.subjectKey(channel.regional.directory),
                "seats": [top.start, top.end],
            ]
            let early = try channel.generalAPI.send(.post, "/v1/delegations", json: redelegation)
            #expect(early.status.code == 409)
            #expect(early.problemDetails?.type == ProblemType.named("serials-taken"))
            _ = try channel.generalAPI.expect(Wire.SignedObject.self, status: 200, .post, "/v1/returns/received",
                                              json: ["object": returned.object])
            let redelegated = try channel.generalAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: redelegation)
            #expect(try channel.verifier.verifyChain(redelegated.chain).last?.payload.seats == top)
            // The regional agent never sells the returned serials.
            let usedAgain = try api.send(.post, "/v1/returns", json: ["seats": [top.start, top.end]])
            #expect(usedAgain.status.code == 409)

            // Revoke the regional agent: its later sales stop, the licenses sold before stay valid.
            Clock.waitUntilAfter(max(perpetualLicense.payload.iat, renewal.payload.iat))
            let revocation = try channel.generalAPI.expect(Wire.SignedObject.self, status: 201, .post, "/v1/revocations",
                                                           json: ["certificate": channel.regionalHeld.hash, "reason": "sold outside its region"])
            let known = try channel.generalAPI.expect([Wire.SignedObject].self, status: 200, .get, "/v1/revocations")
            #expect(known.map(\.object) == [revocation.object])
            _ = try api.expect(Wire.SignedObject.self, status: 200, .post, "/v1/revocations/received", json: ["object": revocation.object])
            let afterRevocation = try api.send(.post, "/v1/licenses", json: ChannelFixture.sale(customer: "Late GmbH"))
            #expect(afterRevocation.status.code == 422)
            #expect(afterRevocation.problemDetails?.type == ProblemType.named("no-certificate"))
            let stillValid = try api.expect(Wire.Status.self, status: 200, .get, "/v1/licenses/\(perpetualLicense.hash)/status")
            #expect(stillValid.valid && stillValid.revocations == [revocation.object])
            #expect(throws: Never.self) { try channel.verifier.verify(perpetual, at: Clock.now, revocations: [revocation.object]) }

            // The log holds every change, and its checkpoint and proofs are public.
            let checkpoint = try api.get("/v1/log/checkpoint")
            #expect(checkpoint.status.code == 200)
            let lines = checkpoint.bodyText.split(separator: "\n", omittingEmptySubsequences: false)
            let size = try #require(lines.count > 2 ? UInt64(lines[1]) : nil)
            let entries = try api.expect([Wire.Entry].self, status: 200, .get, "/v1/log/entries?start=0&end=\(size)")
            #expect(entries.count == Int(size) && entries.map(\.index) == Array(0..<size))
            #expect(Set(entries.map(\.kind)).isSuperset(of: ["certificate-received", "license-issued", "license-renewed", "quota-returned", "revocation-received"]))
            let inclusion = try api.expect(Wire.Proof.self, status: 200, .get, "/v1/log/proof/inclusion?index=1&size=\(size)")
            #expect(!inclusion.proof.isEmpty)
            let consistency = try api.expect(Wire.Proof.self, status: 200, .get, "/v1/log/proof/consistency?from=2&to=\(size)")
            #expect(!consistency.proof.isEmpty)

            #expect(channel.stop() == [0, 0, 0])
        }
    }
}
