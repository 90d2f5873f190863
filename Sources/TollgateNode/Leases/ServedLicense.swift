import TollgateCertificates

/// A floating license as its lease server serves it: the license file (current renewal), the
/// lineage leases name, the floating terms in force, and, at a site, the site activation that
/// binds the site's key to the license.
struct ServedLicense {
    let file: LicenseFile
    let license: SignedLicense
    let lineage: String
    let terms: FloatingTerms
    let site: SignedActivation?
}
