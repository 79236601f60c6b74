/// The SQL flavour ODSQL compiles to. Everything that differs between engines goes through these hooks; the rest
/// of the generated SQL (CAST, CASE, `IS DISTINCT FROM`, `NULLS LAST`, `substr`) is common to SQLite ≥ 3.39 and
/// PostgreSQL ≥ 15.
///
/// Implementations receive only fragments built by the generator, whose values are already bound; they must not
/// splice anything else into SQL text.
public protocol SQLDialect: Sendable {
    /// The placeholder for the binding at `index` (1-based): `?` or `$1`.
    func placeholder(_ index: Int) -> String

    /// The text bound as the full-text query, built from safe terms; `columns` restricts the fields searched
    /// (empty means every text field).
    func fullTextQuery(_ terms: [FullTextTerm], columns: [String]) -> String

    /// A predicate true for records matching `query`, a fragment binding ``fullTextQuery(_:columns:)``'s text.
    func fullTextPredicate(layout: TableLayout, query: SQLFragment, columns: [String]) -> SQLFragment

    /// The rowids of the records matching `query`, read from the full-text index alone: a subquery with one column,
    /// `rowid`, in ascending order. Plans may start from it instead of testing ``fullTextPredicate(layout:query:columns:)``
    /// on every record. Nil when the engine's full-text index is not a separate table.
    func fullTextMatches(layout: TableLayout, query: SQLFragment, columns: [String]) -> SQLFragment?

    /// `value LIKE pattern` ignoring case; the pattern escapes `%` and `_` with `\`.
    func caseInsensitiveLike(_ value: SQLFragment, pattern: SQLFragment) -> SQLFragment

    /// The great-circle distance in metres between two points given in degrees.
    func distanceInMetres(lat: SQLFragment, lon: SQLFragment, toLat: SQLFragment, toLon: SQLFragment)
        -> SQLFragment

    /// An aggregate computing the interpolated percentile of a numeric expression.
    func percentile(_ input: PercentileInput) -> SQLFragment

    /// An integer component of a date or datetime stored as ISO text.
    func dateNumber(_ part: DateNumber, of value: SQLFragment) -> SQLFragment

    /// The start and the end of the bucket holding `value`, as `YYYY-MM-DDTHH:MM:SS.sssZ` text.
    func dateBucket(_ value: SQLFragment, interval: DateBucketInterval) -> (start: SQLFragment, end: SQLFragment)

    /// A stored datetime (`YYYY-MM-DDTHH:MM:SSZ` text) read as the wall-clock time of `zone`, in the same form.
    func localDateTime(_ value: SQLFragment, zone: ZoneOffsets) -> SQLFragment

    /// A number as text with exactly `digits` decimals, the same digits on every engine.
    func fixedDecimalText(_ value: SQLFragment, digits: Int) -> SQLFragment

    /// GeoJSON Point text built from latitude and longitude columns.
    func pointGeoJSON(lat: SQLFragment, lon: SQLFragment) -> SQLFragment

    /// A test that `value` is valid JSON, or nil when the engine has none (then no fallback is applied).
    func isValidJSON(_ value: SQLFragment) -> SQLFragment?

    /// A predicate true when the JSON array text in `column` contains `value`.
    func arrayContains(column: SQLFragment, value: SQLValue) -> SQLFragment

    /// A predicate true when some element of the JSON array text in `column`, read as text, passes `test`.
    func arrayAny(column: SQLFragment, _ test: (SQLFragment) -> SQLFragment) -> SQLFragment

    /// A join clause (after `FROM table`) expanding the JSON array in `column` to rows whose value is `"mv"."value"`.
    func arrayExpansion(column: SQLFragment) -> SQLFragment

    /// A non-negative integer as text, left-padded with zeros to `width` digits.
    func zeroPad(_ value: SQLFragment, width: Int) -> SQLFragment

    /// `floor(value)` as a number.
    func floor(_ value: SQLFragment) -> SQLFragment

    /// A deterministic pseudo-random sort key; `grouped` when the query has GROUP BY.
    func randomOrder(seed: Int64, layout: TableLayout, grouped: Bool) -> SQLFragment

    /// `LIMIT … OFFSET …`, with `limit == nil` meaning no limit.
    func limitClause(limit: Int?, offset: Int) -> SQLFragment
    /// `condition` with the same value (NULL included), written so that the planner does not look for indexes inside
    /// it; ``SQLGenerator`` uses it on ORs too large to plan.
    func unplannedCondition(_ condition: SQLFragment) -> SQLFragment
    /// A real number as text, written as SQLite writes it (`10.0`, `2.5`), for labels such as `range()` buckets.
    func realText(_ value: SQLFragment) -> SQLFragment
    /// The 1-based position, in characters, of the first `needle` in the text `haystack`; 0 when absent.
    func textPosition(of needle: SQLFragment, in haystack: SQLFragment) -> SQLFragment
    /// The mean of an integer expression, as SQLite computes it: the exact sum as a real, divided by the count.
    func integerAverage(_ value: SQLFragment) -> SQLFragment
}

extension SQLDialect {
    public func fullTextMatches(layout: TableLayout, query: SQLFragment, columns: [String]) -> SQLFragment? { nil }

    public func realText(_ value: SQLFragment) -> SQLFragment { "CAST(\(value) AS TEXT)" }

    public func integerAverage(_ value: SQLFragment) -> SQLFragment { "AVG(\(value))" }

    /// Quotes an identifier taken from the schema or the layout: `"name"`, inner quotes doubled.
    public func quoteIdentifier(_ name: String) -> String {
        "\"" + SQLQuoting.doubling("\"", in: name) + "\""
    }

    /// Replaces each `?` outside quotes with ``placeholder(_:)``.
    func numberPlaceholders(_ sql: String) -> String {
        var output = ""
        var quote: Character?
        var index = 0
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                output.append(character)
            } else if character == "\"" || character == "'" {
                quote = character
                output.append(character)
            } else if character == "?" {
                index += 1
                output += placeholder(index)
            } else {
                output.append(character)
            }
        }
        return output
    }
}

/// A term of a full-text query: a word, searched exactly or as a prefix.
public struct FullTextTerm: Sendable, Hashable {
    public var text: String
    public var isPrefix: Bool
    /// Words of the index this one may be a typo of (see ``SearchCorrections``): the term matches any of them too.
    public var alternatives: [String] = []

    /// Creates a term.
    public init(text: String, isPrefix: Bool) {
        self.text = text
        self.isPrefix = isPrefix
    }
}

/// What a percentile aggregate needs: the value, the fraction, and a correlated source for engines without
/// an ordered-set aggregate.
public struct PercentileInput: Sendable, Hashable {
    /// The value as seen by the grouped query.
    public var value: SQLFragment
    /// The percentile between 0 and 1.
    public var fraction: Double
    /// `FROM "t" AS "p" WHERE …`: the rows of the current group, where the value reads as ``value``.
    public var correlatedSource: SQLFragment

    /// Creates the input.
    public init(value: SQLFragment, fraction: Double, correlatedSource: SQLFragment) {
        self.value = value
        self.fraction = fraction
        self.correlatedSource = correlatedSource
    }
}

/// Integer components of a date that need calendar arithmetic.
public enum DateNumber: String, Sendable, Hashable {
    /// 1 for Monday to 7 for Sunday.
    case isoWeekday
    /// ISO 8601 week of the week-year.
    case isoWeek
    /// ISO 8601 week-year.
    case isoWeekYear
    /// 1 to 366.
    case dayOfYear
}

/// The width of an equal-width date range: a count of a unit; calendar units (week…year) only with a count of 1.
public struct DateBucketInterval: Sendable, Hashable {
    /// Units of `range(date_field, 1 day)`.
    public enum Unit: String, Sendable, Hashable {
        case millisecond, second, minute, hour, day, week, month, quarter, year
    }
    public var count: Int64
    public var unit: Unit

    /// Creates an interval.
    public init(count: Int64, unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// The width in milliseconds for fixed-width units, nil for calendar units.
    public var milliseconds: Int64? {
        switch unit {
        case .millisecond: count
        case .second: count * 1_000
        case .minute: count * 60_000
        case .hour: count * 3_600_000
        case .day: count * 86_400_000
        case .week, .month, .quarter, .year: nil
        }
    }
}

/// Quoting for SQL identifiers, SQL strings, full-text query strings and ODSQL literals, per Unicode scalar.
public enum SQLQuoting {
    /// `text` with every `quote` doubled, per Unicode scalar: a quote fused with a combining mark into one
    /// `Character` (`"\u{301}`) is still a quote to SQL, and splitting on `Character`s would miss it.
    public static func doubling(_ quote: Unicode.Scalar, in text: String) -> String {
        guard text.unicodeScalars.contains(quote) else { return text }
        var doubled = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            doubled.append(scalar)
            if scalar == quote { doubled.append(scalar) }
        }
        return String(doubled)
    }

    /// `text` with a `\` before every scalar of `specials`, as ODSQL string literals and backquoted names escape
    /// (`"` and `\` in `search("…")`; `` ` `` and `\` in `` `name` ``).
    public static func backslashing(_ specials: Set<Unicode.Scalar>, in text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if specials.contains(scalar) { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped)
    }
}
