import TollgateCertificates
import TollgateCommandLine

/// Options that many commands take, declared once: each command lists these values in its spec
/// (with its own help where the meaning narrows) and reads its arguments through them.
enum CommonOptions {
    static let dir = Option<String>("dir", value: "directory", help: "The node directory.")
    static let node = Option<String>("node", value: "url", help: "A running node, e.g. http://127.0.0.1:7401.")
    static let tokenFile = Option<String>("token-file", value: "file", help: "The node's operator.token (or set TOLLGATE_TOKEN).")
    static let ca = Option<String>("ca", value: "pem", help: "CA bundle to trust for an https node.")
    static let anchor = Option<String>("anchor", value: "public-key.pem", help: "The vendor's trust anchor (the root's anchor.pub).")
    static let out = Option<String>("out", value: "file", help: "Where to write the result.")
    static let from = Option<String>("from", value: "id", help: "The held certificate's id as 'list certificates' prints it, or a unique prefix.")
    static let customer = Option<String>("customer", value: "name", help: "The customer.")
    static let country = Option<String>("country", value: "CC", help: "Country of sale.")
    static let product = Option<String>("product", value: "id", help: "The product.")
    /// At most a thousand years, so the end it sets (now + days) is a time the certificates can hold.
    static let days = Option<Int64>("days", value: "n", help: "Term in days from now.", range: 1...365_000)
    static let exp = Option<Int64>.time("exp", help: "End of a subscription or trial.")
    static let at = Option<Int64>.time("at", help: "Act as of this time instead of now.")
    static let price = Option<Price>("price", value: "CUR:amount", help: "Price per seat, e.g. EUR:49.00 (or EUR:4900minor in minor units).",
                                     parse: PriceArgument.parse)
    static let nodeName = Option<String>("name", value: "name", help: "The node's name.") { text throws(ValidationError) in
        guard NodeDirectory.isValidName(text) else { throw ValidationError("must be 1 to 64 letters, digits, '-', '_' or '.', got '\(text)'") }
        return text
    }
    static let json = Flag("json", help: "Print JSON.")
}
