import TollgateCertificates
import TollgateCrypto

extension ChannelView {
    /// ``ChannelActivity`` over the last `days` UTC days up to now (1 to 366); `decoded` as for ``report(_:customer:at:objects:)``.
    func activity(days: Int, objects decoded: Objects? = nil) throws(NodeError) -> ChannelActivity {
        guard (1...366).contains(days) else { throw NodeError(.invalidRequest, "an activity window is 1 to 366 days, not \(days)") }
        var activity = ChannelActivity(generatedAt: now)
        let objects = decoded ?? self.objects()
        let today = now >= 0 ? now / 86_400 : -((-now + 86_399) / 86_400)
        let first = today - Int64(days - 1)
        var sales = [Int](repeating: 0, count: days), renewals = sales, activations = sales
        func slot(_ time: Int64) -> Int? {
            let day = time >= 0 ? time / 86_400 : -((-time + 86_399) / 86_400)
            return day >= first && day <= today ? Int(day - first) : nil
        }
        for item in objects.licenses {
            guard let index = slot(item.license.payload.iat) else { continue }
            if item.license.payload.renews == nil { sales[index] += 1 } else { renewals[index] += 1 }
        }
        for item in objects.activations {
            if let index = slot(item.activation.payload.iat) { activations[index] += 1 }
        }
        activity.days = (0..<days).map { offset in
            let start = (first + Int64(offset)) * 86_400
            return .init(day: String(TimeText.iso(start).prefix(10)), start: start, sales: sales[offset], renewals: renewals[offset],
                         activations: activations[offset])
        }
        let position = Dictionary(treeOrder().enumerated().map { ($0.element.node, $0.offset) }, uniquingKeysWith: { first, _ in first })
        // What each node received, and what the nodes delegated (a child that never synced has
        // logged nothing this node holds, but its parent logged the certificate), once each.
        var seen: Set<String> = []
        var held: [(certificate: SignedCertificate, node: String, index: UInt64)] = []
        for item in objects.received where seen.insert(item.certificate.hash).inserted { held.append(item) }
        for item in objects.delegations where seen.insert(item.certificate.hash).inserted {
            let subject = (try? Base64URL.decode(item.certificate.payload.subKey)).flatMap { try? Ed25519PublicKey(rawRepresentation: $0) }?.thumbprint
            held.append((item.certificate, subject ?? item.certificate.payload.sub, item.index))
        }
        activity.certificates = held.sorted {
            (position[$0.node] ?? .max, $0.certificate.payload.nbf, $0.index) < (position[$1.node] ?? .max, $1.certificate.payload.nbf, $1.index)
        }.map { item in
            let claims = item.certificate.payload
            return .init(node: item.node, name: names[item.node] ?? claims.sub, hash: item.certificate.hash, seats: claims.seats,
                         countries: claims.countries, products: claims.products, models: claims.models, priceFloor: claims.priceFloor,
                         depth: claims.depth, nbf: claims.nbf, exp: claims.exp, syncWithin: claims.syncWithin)
        }
        return activity
    }
}
