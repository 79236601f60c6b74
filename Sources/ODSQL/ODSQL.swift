/// Namespace of the Opendatasoft Query Language (ODSQL) front end: schema, AST, plan and compile entry points.
///
/// The pipeline is `Lexer` → `Parser` (AST with positions) → `Analyzer` (checks against a ``ODSQL/Schema``,
/// typed plan) → `SQLGenerator` (SQL text for a ``SQLDialect`` with bound parameters only).
public enum ODSQL {
    /// The clause a piece of ODSQL text comes from; every error names one.
    public enum Clause: String, Sendable, Hashable, CaseIterable {
        case select
        case `where`
        case groupBy = "group_by"
        case orderBy = "order_by"
        case refine
        case exclude
    }

    /// Hard limits that keep hostile input from exhausting the server.
    public struct Limits: Sendable, Hashable {
        /// Maximum length of one clause, in Unicode scalars.
        public var maxClauseLength: Int
        /// Maximum depth of an expression tree (parentheses, operators, function calls).
        public var maxDepth: Int
        /// Maximum number of values in an `IN (…)` list.
        public var maxInListSize: Int
        /// Maximum number of items in a select, group_by or order_by list, or of static range bounds.
        public var maxListItems: Int
        /// Maximum number of filters of one query: `where`, `refine` and `exclude` together.
        public var maxFilters: Int

        /// Creates limits; the defaults suit a public API.
        public init(
            maxClauseLength: Int = 10_000, maxDepth: Int = 64, maxInListSize: Int = 1_000,
            maxListItems: Int = 256, maxFilters: Int = 100
        ) {
            self.maxClauseLength = maxClauseLength
            self.maxDepth = maxDepth
            self.maxInListSize = maxInListSize
            self.maxListItems = maxListItems
            self.maxFilters = maxFilters
        }

        /// The limits used when none are given.
        public static let standard = Limits()
    }
}
