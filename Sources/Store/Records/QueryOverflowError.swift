/// A query whose integer arithmetic overflowed while the database ran it: `sum()` of whole numbers past
/// ±9,223,372,036,854,775,807 (SQLite stops with "integer overflow" instead of rounding).
///
/// The query is the client's, so this is a 400 for it, never a 500: each engine turns its own overflow error into
/// this one, and Web's error middleware names the cause and the way around it.
public struct QueryOverflowError: Error, Sendable, Equatable {
    /// What the client is told: the cause and how to get a decimal sum instead.
    public static let message =
        "An integer sum in the query is beyond ±9223372036854775807 and cannot be computed; "
        + "multiply the values by 1.0 to sum them as decimals, e.g. sum(field * 1.0)."

    /// Creates the error.
    public init() {}
}
