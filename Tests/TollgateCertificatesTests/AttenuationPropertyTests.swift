import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

/// Property tests over seeded random chains: narrowing always verifies; widening any one limit is
/// rejected with the rule for that limit, at the certificate that widened it.
@Suite struct AttenuationPropertyTests {
    static let allCountries = ["AT", "BE", "CH", "DE", "DK", "ES", "FR", "GB", "IT", "NL", "PL", "SE", "US"]
    static let allProducts = ["cad": ["a", "b", "c", "d"], "cam": ["x", "y", "z"], "viewer": ["basic", "print"]]
    static let allModels = ["lease", "perpetual", "subscription", "trial"]

    struct Chain {
        var payloads: [AllocationCertificate]
        var keys: [Ed25519PrivateKey]  // keys[0] is the root; keys[i + 1] holds payloads[i]
    }

    static func randomSubset<T>(_ items: [T], _ rng: inout SeededGenerator) -> [T] {
        let kept = items.filter { _ in Bool.random(using: &rng) }
        return kept.isEmpty ? [items[Int.random(in: 0..<items.count, using: &rng)]] : kept
    }

    static func randomChain(_ rng: inout SeededGenerator) throws -> Chain {
        let length = Int.random(in: 1...6, using: &rng)
        var keys = [try Ed25519PrivateKey(seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })]
        var payloads: [AllocationCertificate] = []
        let slack = Int.random(in: 0...2, using: &rng)
        var parent = AllocationCertificate(
            iss: "", sub: "", subKey: "", parent: nil, seats: SerialRange(0, 1 << 40), countries: allCountries,
            products: allProducts, models: allModels, priceFloor: ["EUR": 1_000, "USD": 1_200, "GBP": 900],
            depth: 8, nbf: 1_700_000_000, exp: 1_900_000_000, syncWithin: 90 * 86_400, jti: "")
        for level in 0..<length {
            let key = try Ed25519PrivateKey(seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let start = UInt64.random(in: parent.seats.start..<parent.seats.end, using: &rng)
            let end = UInt64.random(in: (start + 1)...parent.seats.end, using: &rng)
            var products: [String: [String]] = [:]
            for product in randomSubset(parent.products.keys.sorted(), &rng) {
                products[product] = randomSubset(parent.products[product]!, &rng)
            }
            let nbf = parent.nbf + Int64.random(in: 0...1_000, using: &rng)
            let child = AllocationCertificate(
                iss: keys[level].publicKey.thumbprint, sub: "node-\(level)", subKey: Base64URL.encode(key.publicKey.rawRepresentation),
                parent: nil, seats: SerialRange(start, end), countries: randomSubset(parent.countries, &rng),
                products: products, models: randomSubset(parent.models, &rng),
                priceFloor: parent.priceFloor.mapValues { $0 + Int64.random(in: 0...500, using: &rng) },
                depth: length - 1 - level + slack,
                nbf: nbf, exp: parent.exp - Int64.random(in: 0...1_000, using: &rng),
                syncWithin: parent.syncWithin - Int64.random(in: 0...3_600, using: &rng), jti: "cert-\(level)")
            payloads.append(child)
            keys.append(key)
            parent = child
        }
        return Chain(payloads: payloads, keys: keys)
    }

    static func sign(_ chain: Chain) throws -> [String] {
        var compacts: [String] = []
        var parentHash: String?
        for (index, payload) in chain.payloads.enumerated() {
            var linked = payload
            linked.parent = parentHash
            let signed = try SignedCertificate.sign(linked, with: chain.keys[index])
            compacts.append(signed.compact)
            parentHash = signed.hash
        }
        return compacts
    }

    enum Widening: CaseIterable {
        case seats, countries, products, features, models, priceFloor, depth, window, syncWithin
    }

    static func widen(_ child: inout AllocationCertificate, beyond parent: AllocationCertificate, _ how: Widening,
                      _ rng: inout SeededGenerator) -> VerificationError.Rule {
        switch how {
        case .seats:
            child.seats = Bool.random(using: &rng) && parent.seats.start > 0
                ? SerialRange(parent.seats.start - 1, child.seats.end)
                : SerialRange(child.seats.start, parent.seats.end + 1)
            return .seatsOutsideParent
        case .countries:
            child.countries = (child.countries + ["ZZ"]).sorted()
            return .countriesWidened
        case .products:
            child.products["unlisted-product"] = ["a"]
            return .productsWidened
        case .features:
            let product = child.products.keys.sorted()[0]
            child.products[product, default: []].append("unlisted-feature")
            return .featuresWidened
        case .models:
            child.models = (child.models + ["unlisted-model"]).sorted()
            return .modelsWidened
        case .priceFloor:
            let currency = parent.priceFloor.keys.sorted()[Int.random(in: 0..<parent.priceFloor.count, using: &rng)]
            child.priceFloor[currency] = parent.priceFloor[currency]! - 1
            return .priceFloorLowered
        case .depth:
            child.depth = parent.depth
            return .depthNotReduced
        case .window:
            if Bool.random(using: &rng) { child.exp = parent.exp + 1 } else { child.nbf = parent.nbf - 1 }
            return .windowOutsideParent
        case .syncWithin:
            child.syncWithin = parent.syncWithin + 1
            return .syncWithinWidened
        }
    }

    @Test(arguments: 0..<200)
    func narrowingVerifiesAndWideningIsRejected(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var chain = try Self.randomChain(&rng)
        let verifier = LicenseVerifier(anchor: TrustAnchor(publicKey: chain.keys[0].publicKey))
        let verified = try verifier.verifyChain(Self.sign(chain))
        #expect(verified.count == chain.payloads.count, "seed \(seed)")

        guard chain.payloads.count >= 2 else { return }
        let index = Int.random(in: 1..<chain.payloads.count, using: &rng)
        let how = Widening.allCases[Int.random(in: 0..<Widening.allCases.count, using: &rng)]
        let expected = Self.widen(&chain.payloads[index], beyond: chain.payloads[index - 1], how, &rng)
        let widened = try Self.sign(chain)
        do {
            _ = try verifier.verifyChain(widened)
            Issue.record("seed \(seed): widening \(how) at certificate[\(index)] was accepted")
        } catch {
            #expect(error.rule == expected, "seed \(seed): widening \(how)")
            #expect(error.object.hasPrefix("certificate[\(index)]"), "seed \(seed): \(error.object)")
        }
    }
}
