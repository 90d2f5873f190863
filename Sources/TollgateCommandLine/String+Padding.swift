extension String {
    /// The text padded with spaces to `width` columns, or followed by two spaces when it is as wide
    /// or wider: the columns of help text and of benchmark tables.
    public func padding(to width: Int) -> String {
        count >= width - 1 ? self + "  " : self + String(repeating: " ", count: width - count)
    }
}
