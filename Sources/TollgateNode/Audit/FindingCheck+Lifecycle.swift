import TollgateCertificates

extension FindingCheck.Context {
    /// An upgrade, add-on or conversion against the license it follows: both verify from the
    /// anchor, the second names the first, and it breaks the rule the finding claims (a price below
    /// the added features' floors, a customer, serials or product of its own) or is signed by a key
    /// that holds no certificate of the first's chain.
    func change() throws {
        let licenses = items(.license)
        guard licenses.count == 2 else { throw unproven("a change needs the license it follows and the change") }
        let (previous, previousChain) = try license(licenses[0])
        let (follower, chain) = try license(licenses[1])
        let claims = follower.payload
        let lineage = previous.lineage
        guard claims.supersedes == previous.hash || claims.converts == previous.hash || claims.addonOf == lineage else {
            throw unproven("the second license does not follow the first")
        }
        let authorities = Set([check.anchor.keyID] + previousChain.map(\.subjectKey.thumbprint))
        if finding.kind == .unauthorizedChange {
            guard !authorities.contains(claims.iss) else { throw unproven("the change is signed by the first license's issuer or an ancestor") }
            return
        }
        do {
            try LicenseRules.checkSuccession(claims, of: previous.payload, within: chain[chain.count - 1].payload)
            throw unproven("the change breaks no rule against the license it follows")
        } catch let error as VerificationError {
            let kind: AuditFinding.Kind = error.rule == .upgradeBelowFloor ? .upgradeBelowFloor : .lineageMismatch
            guard kind == finding.kind else { throw unproven("the change breaks \(error.rule), not \(finding.kind)") }
        }
    }

    /// More trials than the certificate allows: every license verifies from the anchor, is a first
    /// trial, and all are for one customer and product from one issuer, one more than the count of
    /// the last one's certificate.
    func trialsBeyondCount() throws {
        let trials = try items(.license).map { try license($0) }
        guard let last = trials.last else { throw unproven("the evidence has no trial") }
        let issuer = last.1[last.1.count - 1].subjectKey.thumbprint
        let claims = last.0.payload
        guard Set(trials.map(\.0.hash)).count == trials.count else { throw unproven("a trial is counted twice") }
        for (license, chain) in trials {
            guard license.payload.model == TrialAllowance.model, license.payload.renews == nil else { throw unproven("license \(HashID.short(license.hash)) is not a first trial") }
            guard license.payload.customer == claims.customer, license.payload.product == claims.product,
                  chain[chain.count - 1].subjectKey.thumbprint == issuer else {
                throw unproven("the trials are not all for one customer and product from one issuer")
            }
        }
        guard let allowance = last.1[last.1.count - 1].payload.trials else { throw unproven("the last trial's certificate grants no trials") }
        guard trials.count > allowance.perCustomer else {
            throw unproven("\(trials.count) trial(s) are within the certificate's \(allowance.perCustomer) per customer")
        }
    }
}
