/// `wallet.json`: what a wallet directory is for — the vendor's product and the key id of the
/// vendor's trust anchor (whose PEM sits next to it in `anchor.pem`).
struct WalletManifest: Codable, Hashable, Sendable {
    static let format = "tollgate-machine-wallet/1"

    var format: String
    var product: String
    /// RFC 7638 thumbprint of the anchor, checked against `anchor.pem` on every open.
    var anchor: String

    init(product: String, anchor: String) {
        self.format = Self.format
        self.product = product
        self.anchor = anchor
    }
}
