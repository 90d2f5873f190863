/// A problem with what the user typed: printed with the command's usage, exit code 2.
struct ValidationError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
