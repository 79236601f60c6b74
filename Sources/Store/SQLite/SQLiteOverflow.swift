import GRDB

extension QueryOverflowError {
    /// Whether `error` is SQLite's integer overflow (`sum()`, `abs()` of the smallest integer).
    static func isOverflow(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_ERROR && error.message == "integer overflow"
    }
}
