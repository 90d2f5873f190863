import Foundation
import Testing
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages

extension EndToEnd {
    /// What end customers' machines do against a running regional agent: activate online, give a
    /// seat back with proof (rehost), stand in for a failed machine, activate by request file, and
    /// ask for the license's status — each result checked with the offline verifier alone.
    @Suite struct CustomerFlowTests {
        @Test func activateRehostEmergencyOfflineAndStatus() throws {
            let channel = try ChannelFixture("customer")
            let api = channel.regionalAPI
            let customer = try NodeAPIClient(baseURL: channel.regional.baseURL, token: nil)
            let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses",
                                      json: ChannelFixture.sale(customer: "Muster GmbH", seats: 2, territory: ["DE", "AT"]))
            let license = try channel.verifier.verify(file, at: Clock.now).license

            // Online activation: the receipt verifies offline and binds the machine's key.
            let first = try TestMachine()
            let firstReceipt = try customer.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                                   body: try first.body(.activate, license: license.hash), contentType: "application/jose")
            let firstActivation = try channel.verifier.verify(firstReceipt.license, at: Clock.now, activation: firstReceipt.activation,
                                                              machine: first.identity).activation
            let firstSerial = try #require(firstActivation?.payload.serial)
            #expect(license.payload.seats.contains(firstSerial))
            #expect(firstActivation?.payload.kind == .standard)
            // Another machine may not verify with it.
            let stranger = try TestMachine()
            #expect(throws: VerificationError.self) {
                try channel.verifier.verify(firstReceipt.license, at: Clock.now, activation: firstReceipt.activation, machine: stranger.identity)
            }

            // Rehost: only the activated machine can give its seat back; then a new machine gets it.
            let firstHash = try #require(firstActivation?.hash)
            let stolen = try customer.send(.post, "/v1/activations", body: try stranger.body(.deactivate, license: license.hash, activation: firstHash),
                                           contentType: "application/jose")
            #expect(stolen.status.code == 403)
            #expect(stolen.problemDetails?.type == ProblemType.named("unauthorized"))
            let deactivation = try customer.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                                   body: try first.body(.deactivate, license: license.hash, activation: firstHash),
                                                   contentType: "application/jose")
            let ended = try SignedDeactivation(compact: deactivation.activation)
            #expect(ended.payload.activation == firstHash && ended.payload.serial == firstSerial)
            // The deactivation carries the machine's signed request as its proof.
            #expect(try SignedMachineRequest(compact: ended.payload.proof).payload.machineKey == first.machineKey)
            let second = try TestMachine()
            let secondReceipt = try customer.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                                    body: try second.body(.activate, license: license.hash), contentType: "application/jose")
            let secondActivation = try #require(try channel.verifier.verify(secondReceipt.license, at: Clock.now, activation: secondReceipt.activation,
                                                                             machine: second.identity).activation)

            // Emergency: a temporary seat standing in for the second machine, which has failed.
            let standIn = try TestMachine()
            let emergencyReceipt = try customer.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                                       body: try standIn.body(.emergency, license: license.hash, activation: secondActivation.hash),
                                                       contentType: "application/jose")
            let emergency = try #require(try channel.verifier.verify(emergencyReceipt.license, at: Clock.now, activation: emergencyReceipt.activation,
                                                                      machine: standIn.identity).activation)
            #expect(emergency.payload.kind == .temporary && emergency.payload.serial == secondActivation.payload.serial)
            #expect(emergency.payload.replaces == secondActivation.hash)
            #expect(try #require(emergency.payload.exp) <= Clock.now + 72 * 3_600)

            // Offline: the request file goes through the operator, the response file back to the machine.
            let remote = try TestMachine(country: "AT")
            let requestFile = try remote.body(.activate, license: license.hash)
            let withoutToken = try customer.send(.post, "/v1/activations/offline", body: requestFile, contentType: "application/jose")
            #expect(withoutToken.status.code == 401)
            let response = try api.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations/offline", body: requestFile,
                                          contentType: "application/jose")
            #expect(response.format == "tollgate-activation-receipt/1")
            let offline = try #require(try channel.verifier.verify(response.license, at: Clock.now, activation: response.activation,
                                                                    machine: remote.identity).activation)
            #expect(offline.payload.country == "AT")

            // Both seats are taken now; a third machine is refused, and outside the territory too.
            let third = try TestMachine()
            let full = try customer.send(.post, "/v1/activations", body: try third.body(.activate, license: license.hash), contentType: "application/jose")
            #expect(full.status.code == 409)
            #expect(full.problemDetails?.type == ProblemType.named("seats-in-use"))
            let traveller = try TestMachine(country: "FR")
            let abroad = try customer.send(.post, "/v1/activations", body: try traveller.body(.activate, license: license.hash),
                                           contentType: "application/jose")
            #expect(abroad.status.code == 422)
            #expect(abroad.problemDetails?.type == ProblemType.rule("activation_outside_territory"))

            // Status (public) and the operator's view of the activations.
            let status = try customer.expect(Wire.Status.self, status: 200, .get, "/v1/licenses/\(license.hash)/status")
            #expect(status.valid && status.current == license.hash && status.seats == 2 && status.active == 2)
            let unknown = try customer.send(.get, "/v1/licenses/\(String(repeating: "0", count: 64))/status")
            #expect(unknown.status.code == 404)
            #expect(unknown.problemDetails?.type == ProblemType.named("not-found"))
            let activations = try api.expect([Wire.ActivationRow].self, status: 200, .get, "/v1/activations")
            #expect(activations.count == 4)
            #expect(activations.first { $0.hash == firstHash }?.endedAt != nil)
            #expect(activations.filter { $0.endedAt == nil }.map(\.kind).sorted() == ["standard", "standard", "temporary"])
            let anchor = try customer.get("/v1/anchor")
            #expect(anchor.status.code == 200 && anchor.bodyText.contains("BEGIN PUBLIC KEY"))

            #expect(channel.stop() == [0, 0, 0])
        }
    }
}
