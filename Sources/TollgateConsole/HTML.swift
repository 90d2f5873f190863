/// The one escaping function of the console: every value that is not the console's own markup goes
/// through it, in text and in attribute values alike (``Markup`` calls it for every interpolated
/// string). Customer and node names are chosen by whoever signs a license or a certificate, so they
/// are attacker-controlled; escaped, `<script>` is four characters of text.
enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as character references: safe between tags and inside a quoted
    /// attribute value (the console quotes every attribute with `"`).
    static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return value }
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count + 16)
        for character in value.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
