import TollgateCertificates

/// A license a customer received from a node, as its software reads it, with the certificate it
/// was issued under.
struct Delivery {
    let license: SignedLicense
    let certificate: SignedCertificate
}
