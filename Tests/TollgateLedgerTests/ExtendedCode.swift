import CSQLite

/// SQLite's extended result codes are C macros over expressions, which Swift does not import.
enum ExtendedCode {
    static let ioErrorWrite = SQLITE_IOERR | (3 << 8)
    static let ioErrorFsync = SQLITE_IOERR | (4 << 8)
    static let constraintNotNull = SQLITE_CONSTRAINT | (5 << 8)
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
}
