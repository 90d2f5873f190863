import TollgateCertificates
import TollgateCrypto

extension ChannelAudit {
    /// A license of the subtree that follows another (an upgrade or downgrade, an add-on or a
    /// conversion) or a first trial, kept from the first read of the logs for the lifecycle rules.
    struct LifecycleLicense {
        let license: SignedLicense
        let node: String
        let index: UInt64
        let chain: [String]
    }

    /// The licenses of one chunk that the lifecycle rules read: those that follow another, and
    /// first trials under a certificate that grants trials.
    func lifecycleLicenses(_ objects: ParsedLogObjects, node: String) -> (followers: [LifecycleLicense], trials: [LifecycleLicense]) {
        var followers: [LifecycleLicense] = [], trials: [LifecycleLicense] = []
        for (license, index) in objects.licenses {
            let claims = license.payload
            guard let chain = view.chain(ending: claims.cert) else { continue }
            let item = LifecycleLicense(license: license, node: node, index: index, chain: chain)
            if claims.supersedes != nil || claims.addonOf != nil || claims.converts != nil { followers.append(item) }
            if claims.model == TrialAllowance.model, claims.renews == nil, view.certificates[claims.cert]?.payload.trials != nil { trials.append(item) }
        }
        return (followers, trials)
    }

    /// The lifecycle rules across logs: each upgrade, add-on and conversion against the license it
    /// follows (same customer, serials and product; an upgrade priced at least the feature floors of
    /// what it adds; signed by that license's issuer or an ancestor), and each issuer's trials per
    /// customer and product against its certificate's count. Each finding carries both signed
    /// licenses (or every trial counted) as evidence.
    mutating func auditLifecycle(followers: [LifecycleLicense], trials: [LifecycleLicense], licenses: [String: LoggedLicense]) throws {
        for follower in followers {
            let claims = follower.license.payload
            guard let named = claims.supersedes ?? claims.converts ?? claims.addonOf, let logged = licenses[named],
                  let previous = try? SignedLicense(compact: try view.compact(node: logged.node, index: logged.index)),
                  let certificate = view.certificates[claims.cert]?.payload else { continue }
            let evidence = [AuditEvidence(role: .license, object: previous.compact, chain: logged.chain),
                            AuditEvidence(role: .license, object: follower.license.compact, chain: follower.chain)]
            if !Self.authorities(of: logged.chain).contains(claims.iss) {
                add(.unauthorizedChange, node: follower.node,
                    "license for \(claims.customer) follows license \(HashID.short(previous.hash)), whose issuer it is neither the issuer nor an ancestor of", evidence)
                continue
            }
            do {
                try LicenseRules.checkSuccession(claims, of: previous.payload, within: certificate)
            } catch {
                add(error.rule == .upgradeBelowFloor ? .upgradeBelowFloor : .lineageMismatch, node: follower.node,
                    "license for \(claims.customer) breaks \(error.rule) against license \(HashID.short(previous.hash)): \(error.reason)", evidence)
            }
        }
        let byIssuer = Dictionary(grouping: trials) { "\($0.node)\n\($0.license.payload.customer)\n\($0.license.payload.product)" }
        for (_, given) in byIssuer.sorted(by: { $0.key < $1.key }) {
            let ordered = given.sorted { ($0.license.payload.iat, $0.index) < ($1.license.payload.iat, $1.index) }
            for (position, trial) in ordered.enumerated() {
                guard let allowance = view.certificates[trial.license.payload.cert]?.payload.trials, position >= allowance.perCustomer else { continue }
                let claims = trial.license.payload
                add(.trialsBeyondCount, node: trial.node,
                    "trial \(position + 1) of \(claims.product) for \(claims.customer); the certificate allows \(allowance.perCustomer) per customer",
                    ordered[...position].map { AuditEvidence(role: .license, object: $0.license.compact, chain: $0.chain) },
                    identity: [trial.license.compact])
            }
        }
    }

    /// The key ids that may change a license issued under `chain` (root first, ending with its
    /// certificate): the holders of every certificate of it, the issuer last, and the trust anchor.
    static func authorities(of chain: [String]) -> Set<String> {
        var ids: Set<String> = []
        for compact in chain {
            guard let certificate = try? SignedCertificate(compact: compact), let raw = try? Base64URL.decode(certificate.payload.subKey),
                  let key = try? Ed25519PublicKey(rawRepresentation: raw) else { continue }
            ids.insert(key.thumbprint)
            ids.insert(certificate.payload.iss)
        }
        return ids
    }
}
