import Foundation

/// How many proofs of consent of one kind were written on one day: a row of the consent log's daily aggregate.
///
/// It holds counts only, never an entry's time of day, services or anything that could single out a visitor.
public struct ConsentTally: Sendable, Hashable {
    /// The day, as whole days since 1970-01-01 in UTC.
    public var day: Int64
    /// The entry's action, as ``ConsentLogEntry/action`` stores it (`accept_all`, `refuse_all`, `save`, …).
    public var action: String
    /// The accepted categories, as ``ConsentLogEntry/acceptedCategories`` stores them (comma-separated).
    public var categories: String
    /// How many entries have this day, action and categories.
    public var count: Int

    public init(day: Int64, action: String, categories: String, count: Int) {
        self.day = day
        self.action = action
        self.categories = categories
        self.count = count
    }

    /// Seconds in a day: entries are grouped by `floor(created_at / secondsPerDay)`, on every engine.
    public static let secondsPerDay: Double = 86_400
}

/// The consent log's figures for the data protection officer: counts grouped in the database, never entries.
///
/// Conformers: ``SQLiteStore`` and ``PostgreSQLStore``; both group by the same day number (UTC), so they answer alike.
public protocol ConsentFigures: Sendable {
    /// The entries written from `from` (included) to `to` (excluded), counted per day, action and accepted
    /// categories, ordered by day, then action, then categories.
    func consentTallies(from: Date, to: Date) async throws -> [ConsentTally]
}
