import TollgateCertificates

/// What a customer received from a node, as its software reads it: the license, the certificate
/// it was issued under and, for an activation, the activation.
struct Delivery {
    let license: SignedLicense
    let certificate: SignedCertificate
    let activation: SignedActivation?
}
