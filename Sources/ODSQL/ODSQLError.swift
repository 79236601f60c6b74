/// A position in a clause's text: `offset` counts Unicode scalars from 0, `line` and `column` count from 1.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// Unicode scalars before this position (0-based).
    public var offset: Int
    /// Line number (1-based).
    public var line: Int
    /// Column number in the line (1-based, in Unicode scalars).
    public var column: Int

    /// Creates a position.
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The start of a clause.
    public static let start = SourcePosition(offset: 0, line: 1, column: 1)

    public var description: String { "\(offset)" }
}

/// An error in an ODSQL clause: always names the clause and the position, and never crashes the caller.
///
/// `message` reads like Opendatasoft's (`Unknown field "foo" in where clause at position 12`); the HTTP layer
/// answers it as `{"error_code": "ODSQLError", "message": …}` with status 400.
public struct ODSQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers that branch on it.
    public enum Kind: String, Sendable, Hashable {
        /// The text is not valid ODSQL (unexpected token, unterminated string…).
        case syntax
        /// A field name that the dataset does not have.
        case unknownField
        /// A function that ODSQL does not have, or a wrong number of arguments.
        case invalidFunction
        /// An operand or argument of the wrong type (arithmetic on text, `in_bbox` on a text field…).
        case typeMismatch
        /// A literal that cannot be read (date, geometry, number, unit…).
        case invalidLiteral
        /// An aggregation where it is not allowed, nested, or mixed with ungrouped fields.
        case aggregateMisuse
        /// A construct that exists but is not allowed in this clause.
        case notAllowedInClause
        /// A construct of the language that Garona does not support yet.
        case unsupported
        /// A query over one of the ``ODSQL/Limits``.
        case limitExceeded
    }

    /// The clause that holds the error.
    public var clause: ODSQL.Clause
    /// Where the error starts in the clause text.
    public var position: SourcePosition
    /// The category of the error.
    public var kind: Kind
    /// The human explanation, without clause and position.
    public var detail: String

    /// Creates an error.
    public init(clause: ODSQL.Clause, position: SourcePosition, kind: Kind, detail: String) {
        self.clause = clause
        self.position = position
        self.kind = kind
        self.detail = detail
    }

    /// The message for API clients, e.g. `Unknown field "foo" in where clause at position 12`.
    public var message: String {
        "\(detail) in \(clause.rawValue) clause at position \(position.offset)"
    }

    /// The value of `error_code` in the Opendatasoft error body.
    public var errorCode: String { "ODSQLError" }

    public var description: String { message }
}
