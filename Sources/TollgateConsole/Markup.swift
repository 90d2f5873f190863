/// A piece of HTML the console wrote. String literals in a `Markup` are the console's own template;
/// every `String` interpolated into one is escaped by ``HTML/escape(_:)``, so a value reaches a page
/// raw only by being `Markup` already. Integers are digits and need no escaping.
struct Markup: Sendable, ExpressibleByStringInterpolation {
    private(set) var html: String

    init(stringLiteral value: String) {
        html = value
    }

    init(stringInterpolation: StringInterpolation) {
        html = stringInterpolation.html
    }

    /// Pieces one after another.
    init(joining pieces: [Markup]) {
        html = ""
        for piece in pieces { html += piece.html }
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var html = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            html.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            html += literal
        }

        mutating func appendInterpolation(_ value: String) {
            html += HTML.escape(value)
        }

        mutating func appendInterpolation<Number: BinaryInteger>(_ value: Number) {
            html += String(value)
        }

        mutating func appendInterpolation(_ markup: Markup) {
            html += markup.html
        }

        mutating func appendInterpolation(_ pieces: [Markup]) {
            for piece in pieces { html += piece.html }
        }
    }
}
