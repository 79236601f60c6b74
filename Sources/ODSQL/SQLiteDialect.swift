/// SQLite 3.40+ (no extension). The store registers three functions on every connection:
/// - `garona_distance(lat1, lon1, lat2, lon2)`: haversine distance in metres (mean Earth radius 6,371,008.8 m);
/// - `garona_intersects(geojson_a, geojson_b)` and `garona_within(geojson_a, geojson_b)`: exact shape predicates,
///   always called after a bounding-box prefilter on REAL columns.
///
/// Percentiles use a correlated subquery with `ROW_NUMBER()`/`COUNT(*) OVER ()` windows over the rows of the
/// group, interpolating linearly between the two closest ranks (like PostgreSQL's `percentile_cont`).
public struct SQLiteDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    public func placeholder(_ index: Int) -> String { "?" }

    public func fullTextQuery(_ terms: [FullTextTerm], columns: [String]) -> String {
        let quoted = { (word: String) in "\"" + SQLQuoting.doubling("\"", in: word) + "\"" }
        let phrase = terms.map { term in
            // A corrected word is a group of alternatives, which FTS5 only joins to the others with an explicit AND.
            term.alternatives.isEmpty
                ? quoted(term.text) + (term.isPrefix ? "*" : "")
                : "("
                    + ([term.text] + term.alternatives).map { quoted($0) + (term.isPrefix ? "*" : "") }
                    .joined(separator: " OR ") + ")"
        }.joined(separator: terms.contains { !$0.alternatives.isEmpty } ? " AND " : " ")
        if columns.isEmpty { return phrase }
        return "{" + columns.map(quoteIdentifier).joined(separator: " ") + "} : (" + phrase + ")"
    }

    public func fullTextPredicate(layout: TableLayout, query: SQLFragment, columns: [String]) -> SQLFragment {
        // The outer rowid is qualified: a query that joins `json_each` (facets on list fields) has two.
        "\(raw: quoteIdentifier(layout.recordsTable)).rowid IN (\(matchingRowids(layout, query)))"
    }

    public func fullTextMatches(layout: TableLayout, query: SQLFragment, columns: [String]) -> SQLFragment? {
        matchingRowids(layout, query)
    }

    private func matchingRowids(_ layout: TableLayout, _ query: SQLFragment) -> SQLFragment {
        let table = quoteIdentifier(layout.fullTextTable)
        return "SELECT rowid FROM \(raw: table) WHERE \(raw: table) MATCH \(query)"
    }

    public func caseInsensitiveLike(_ value: SQLFragment, pattern: SQLFragment) -> SQLFragment {
        "\(value) LIKE \(pattern) ESCAPE '\\'"
    }

    public func distanceInMetres(lat: SQLFragment, lon: SQLFragment, toLat: SQLFragment, toLon: SQLFragment)
        -> SQLFragment
    {
        "garona_distance(\(lat), \(lon), \(toLat), \(toLon))"
    }

    public func percentile(_ input: PercentileInput) -> SQLFragment {
        let rank = "CAST(\"q\".\"r\" AS INTEGER)"
        return """
            (SELECT SUM("q"."v" * CASE WHEN "q"."n" = \(raw: rank) THEN 1.0 - ("q"."r" - \(raw: rank)) \
            ELSE "q"."r" - \(raw: rank) END) FROM (SELECT \(input.value) AS "v", \
            ROW_NUMBER() OVER (ORDER BY \(input.value)) - 1 AS "n", \
            (COUNT(*) OVER () - 1) * \(bind: .double(input.fraction)) AS "r" \(input.correlatedSource) \
            AND \(input.value) IS NOT NULL) AS "q" WHERE "q"."n" BETWEEN \(raw: rank) AND \(raw: rank) + 1)
            """
    }

    public func dateNumber(_ part: DateNumber, of value: SQLFragment) -> SQLFragment {
        let weekday: SQLFragment = "((CAST(strftime('%w', \(value)) AS INTEGER) + 6) % 7 + 1)"
        let thursday: SQLFragment = "date(\(value), printf('%+d days', 4 - \(weekday)))"
        switch part {
        case .isoWeekday: return weekday
        case .dayOfYear: return "CAST(strftime('%j', \(value)) AS INTEGER)"
        case .isoWeek: return "((CAST(strftime('%j', \(thursday)) AS INTEGER) - 1) / 7 + 1)"
        case .isoWeekYear: return "CAST(strftime('%Y', \(thursday)) AS INTEGER)"
        }
    }

    public func dateBucket(_ value: SQLFragment, interval: DateBucketInterval) -> (
        start: SQLFragment, end: SQLFragment
    ) {
        if let width = interval.milliseconds {
            let epoch: SQLFragment = "(CAST(strftime('%s', \(value)) AS INTEGER) * 1000)"
            let w = SQLFragment.bind(.int(width))
            let start: SQLFragment = "((\(epoch) / \(w) - (\(epoch) % \(w) < 0)) * \(w))"
            func text(_ milliseconds: SQLFragment) -> SQLFragment {
                "strftime('%Y-%m-%dT%H:%M:%f', \(milliseconds) / 1000.0, 'unixepoch') || 'Z'"
            }
            return (text(start), text("(\(start) + \(w))"))
        }
        let start: SQLFragment
        let step: String
        switch interval.unit {
        case .week:
            start = "date(\(value), printf('-%d days', \(dateNumber(.isoWeekday, of: value)) - 1))"
            step = "'+7 days'"
        case .quarter:
            start = "date(\(value), 'start of month', printf('-%d months', (CAST(strftime('%m', \(value)) AS INTEGER) - 1) % 3))"
            step = "'+3 months'"
        case .year:
            start = "date(\(value), 'start of year')"
            step = "'+1 year'"
        default:
            start = "date(\(value), 'start of month')"
            step = "'+1 month'"
        }
        return ("\(start) || 'T00:00:00.000Z'", "date(\(start), \(raw: step)) || 'T00:00:00.000Z'")
    }

    public func pointGeoJSON(lat: SQLFragment, lon: SQLFragment) -> SQLFragment {
        "json_object('type', 'Point', 'coordinates', json_array(\(lon), \(lat)))"
    }

    public func isValidJSON(_ value: SQLFragment) -> SQLFragment? { "json_valid(\(value))" }

    public func arrayContains(column: SQLFragment, value: SQLValue) -> SQLFragment {
        "EXISTS (SELECT 1 FROM json_each(\(column)) WHERE json_each.value = \(bind: value))"
    }

    public func arrayAny(column: SQLFragment, _ test: (SQLFragment) -> SQLFragment) -> SQLFragment {
        "EXISTS (SELECT 1 FROM json_each(\(column)) WHERE \(test("CAST(json_each.value AS TEXT)")))"
    }

    public func arrayExpansion(column: SQLFragment) -> SQLFragment {
        ", json_each(\(column)) AS \"mv\""
    }

    public func textPosition(of needle: SQLFragment, in haystack: SQLFragment) -> SQLFragment {
        "instr(\(haystack), \(needle))"
    }

    public func zeroPad(_ value: SQLFragment, width: Int) -> SQLFragment {
        "printf('%0\(raw: String(width))d', \(value))"
    }

    public func floor(_ value: SQLFragment) -> SQLFragment {
        "(CAST(\(value) AS INTEGER) - (\(value) < CAST(\(value) AS INTEGER)))"
    }

    public func randomOrder(seed: Int64, layout: TableLayout, grouped: Bool) -> SQLFragment {
        let key: SQLFragment = grouped ? "MIN(rowid)" : "rowid"
        return "(((\(key) + \(bind: .int(seed))) * 1103515245 + 12345) % 2147483648)"
    }

    /// A unary `+`: SQLite evaluates it as its operand, and its planner only looks for indexes in ORs at the top.
    public func unplannedCondition(_ condition: SQLFragment) -> SQLFragment { "(+\(condition))" }

    public func limitClause(limit: Int?, offset: Int) -> SQLFragment {
        switch (limit, offset) {
        case (nil, 0): ""
        case (nil, _): " LIMIT -1 OFFSET \(bind: .int(Int64(offset)))"
        case (let limit?, 0): " LIMIT \(bind: .int(Int64(limit)))"
        case (let limit?, _): " LIMIT \(bind: .int(Int64(limit))) OFFSET \(bind: .int(Int64(offset)))"
        }
    }
}
