/// What a command spec lists as its options: an `Option` as is (optional, at most once), or the
/// `OptionDeclaration` of `option.required` / `option.repeatable`.
public protocol OptionDeclaring: Sendable {
    var declaration: OptionDeclaration { get }
}
