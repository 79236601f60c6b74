/// PostgreSQL 15+, with the same storage layout as SQLite (TEXT ISO dates, BIGINT 0/1 booleans, DOUBLE PRECISION
/// reals, text compared byte-wise with `COLLATE "C"`) plus a `tsvector` column ``TableLayout/searchVectorColumn``
/// over every text field and one of each text field (``TableLayout/fieldSearchVectorColumn(_:)``). The store's migrations define the functions this SQL calls, in plain SQL and PL/pgSQL
/// (no PostGIS), each computing what SQLite's counterpart computes:
/// - `garona_distance(lat1, lon1, lat2, lon2)`: the same haversine, operation for operation;
/// - `garona_intersects`, `garona_within` over GeoJSON text: the same planar tests as SQLite's;
/// - `garona_search_vector(text)` and `garona_search_query(text)`: words of letters and digits, lower-cased and
///   without accents, as SQLite's FTS5 `unicode61 remove_diacritics 2` tokenizer cuts them;
/// - `garona_json_valid(text)`: whether the text is JSON.
///
/// Percentiles use `percentile_cont`, which interpolates as SQLite's correlated subquery does.
public struct PostgreSQLDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    public func placeholder(_ index: Int) -> String { "$\(index)" }

    public func fullTextQuery(_ terms: [FullTextTerm], columns: [String]) -> String {
        let quoted = { (word: String) in "'" + SQLQuoting.doubling("'", in: word) + "'" }
        return terms.map { term in
            term.alternatives.isEmpty
                ? quoted(term.text) + (term.isPrefix ? ":*" : "")
                : "("
                    + ([term.text] + term.alternatives).map { quoted($0) + (term.isPrefix ? ":*" : "") }
                    .joined(separator: " | ") + ")"
        }.joined(separator: " & ")
    }

    /// The stored vector for every text field; for some fields only, the stored vector for every text field as a
    /// prefilter (the GIN index chooses the candidates: the query is a conjunction of words, and the words of some
    /// fields are among the words of all of them), then the fields' own stored vectors
    /// (``TableLayout/fieldSearchVectorColumn(_:)``, joined with `||`, which keeps every word), or, for a field whose
    /// name is too long for one, the vector of those fields computed on the fly by the same function.
    public func fullTextPredicate(layout: TableLayout, query: SQLFragment, columns: [String]) -> SQLFragment {
        let everyField: SQLFragment = "\(raw: quoteIdentifier(layout.searchVectorColumn)) @@ garona_search_query(\(query))"
        if columns.isEmpty { return everyField }
        let stored = columns.compactMap(TableLayout.fieldSearchVectorColumn)
        let document =
            stored.count == columns.count
            ? (stored.count == 1 ? quoteIdentifier(stored[0]) : "(" + stored.map(quoteIdentifier).joined(separator: " || ") + ")")
            : Self.searchDocument(columns.map(quoteIdentifier))
        return "(\(everyField) AND \(raw: document) @@ garona_search_query(\(query)))"
    }

    /// The `tsvector` of some text columns (quoted identifiers): the expression of the stored search column, and
    /// of a search restricted to some fields.
    public static func searchDocument(_ quotedColumns: [String]) -> String {
        guard !quotedColumns.isEmpty else { return "garona_search_vector('')" }
        let text = quotedColumns.map { "coalesce(\($0), '')" }.joined(separator: " || ' ' || ")
        return "garona_search_vector(\(text))"
    }

    /// SQLite's LIKE: only ASCII letters match regardless of case (`ILIKE` would fold `É` to `é` too).
    public func caseInsensitiveLike(_ value: SQLFragment, pattern: SQLFragment) -> SQLFragment {
        let upper = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"
        let lower = "'abcdefghijklmnopqrstuvwxyz'"
        return """
            translate(CAST(\(value) AS text), \(raw: upper), \(raw: lower)) \
            LIKE translate(\(pattern), \(raw: upper), \(raw: lower)) ESCAPE '\\'
            """
    }

    public func distanceInMetres(lat: SQLFragment, lon: SQLFragment, toLat: SQLFragment, toLon: SQLFragment)
        -> SQLFragment
    {
        "garona_distance(\(lat), \(lon), \(toLat), \(toLon))"
    }

    public func percentile(_ input: PercentileInput) -> SQLFragment {
        "percentile_cont(\(bind: .double(input.fraction))) WITHIN GROUP (ORDER BY \(input.value))"
    }

    public func dateNumber(_ part: DateNumber, of value: SQLFragment) -> SQLFragment {
        let field: String
        switch part {
        case .isoWeekday: field = "ISODOW"
        case .isoWeek: field = "WEEK"
        case .isoWeekYear: field = "ISOYEAR"
        case .dayOfYear: field = "DOY"
        }
        return "CAST(EXTRACT(\(raw: field) FROM CAST(\(value) AS timestamp)) AS INTEGER)"
    }

    public func dateBucket(_ value: SQLFragment, interval: DateBucketInterval) -> (
        start: SQLFragment, end: SQLFragment
    ) {
        let format = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'"
        if let width = interval.milliseconds {
            let w = SQLFragment.bind(.int(width))
            let start: SQLFragment =
                "(floor(floor(EXTRACT(EPOCH FROM CAST(\(value) AS timestamp))) * 1000 / \(w)) * \(w))"
            func text(_ milliseconds: SQLFragment) -> SQLFragment {
                "to_char(to_timestamp(\(milliseconds) / 1000.0) AT TIME ZONE 'UTC', \(raw: format))"
            }
            return (text(start), text("(\(start) + \(w))"))
        }
        let unit = interval.unit.rawValue
        let start: SQLFragment = "date_trunc('\(raw: unit)', CAST(\(value) AS timestamp))"
        let step = interval.unit == .quarter ? "3 months" : "1 \(unit)"
        return ("to_char(\(start), \(raw: format))", "to_char(\(start) + interval '\(raw: step)', \(raw: format))")
    }

    public func pointGeoJSON(lat: SQLFragment, lon: SQLFragment) -> SQLFragment {
        "CAST(json_build_object('type', 'Point', 'coordinates', json_build_array(\(lon), \(lat))) AS text)"
    }

    public func isValidJSON(_ value: SQLFragment) -> SQLFragment? { "garona_json_valid(\(value))" }

    public func arrayContains(column: SQLFragment, value: SQLValue) -> SQLFragment {
        let text: SQLValue
        switch value {
        case .int(let number): text = .text(String(number))
        case .double(let number): text = .text(String(number))
        case .bool(let flag): text = .text(flag ? "true" : "false")
        default: text = value
        }
        return """
            EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST(\(column) AS jsonb)) AS "mv"("value") \
            WHERE "mv"."value" = CAST(\(bind: text) AS text))
            """
    }

    public func arrayAny(column: SQLFragment, _ test: (SQLFragment) -> SQLFragment) -> SQLFragment {
        "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST(\(column) AS jsonb)) AS \"e\"(\"value\") WHERE \(test("\"e\".\"value\""))"
            + ")"
    }

    public func arrayExpansion(column: SQLFragment) -> SQLFragment {
        " CROSS JOIN LATERAL jsonb_array_elements_text(CAST(\(column) AS jsonb)) AS \"mv\"(\"value\")"
    }

    public func textPosition(of needle: SQLFragment, in haystack: SQLFragment) -> SQLFragment {
        "strpos(\(haystack), \(needle))"
    }

    public func zeroPad(_ value: SQLFragment, width: Int) -> SQLFragment {
        "lpad(CAST(\(value) AS text), \(raw: String(width)), '0')"
    }

    public func floor(_ value: SQLFragment) -> SQLFragment { "floor(\(value))" }

    /// SQLite's generator on the row number, which the store keeps equal to SQLite's rowid (see
    /// ``rowNumberColumn``): the same records in the same pseudo-random order on both engines.
    public func randomOrder(seed: Int64, layout: TableLayout, grouped: Bool) -> SQLFragment {
        let row = quoteIdentifier(Self.rowNumberColumn)
        let key = grouped ? "MIN(\(row))" : row
        return "(((\(raw: key) + \(bind: .int(seed))) * 1103515245 + 12345) % 2147483648)"
    }

    /// The `bigint` column holding each record's position in its file (1, 2, …): SQLite's rowid.
    public static let rowNumberColumn = "_row"

    /// `avg(bigint)` is a `numeric` of about twenty digits, which read as a real can differ from SQLite's mean in the
    /// last digit: the exact sum made a real and divided by the count is SQLite's value, bit for bit (below 2^63).
    public func integerAverage(_ value: SQLFragment) -> SQLFragment {
        "(CAST(SUM(\(value)) AS double precision) / COUNT(\(value)))"
    }

    /// Unchanged: PostgreSQL plans many ORs as one bitmap scan, in time that grows with their number.
    /// SQLite writes a whole real with `.0` (`10.0`) where PostgreSQL writes `10`; other reals as PostgreSQL
    /// writes them, which agrees with SQLite on the short decimals of bucket bounds (`2.5`, `0.25`).
    public func realText(_ value: SQLFragment) -> SQLFragment {
        "(CASE WHEN \(value) = trunc(\(value)) AND abs(\(value)) < 1e15 "
            + "THEN CAST(CAST(\(value) AS BIGINT) AS TEXT) || '.0' ELSE CAST(\(value) AS TEXT) END)"
    }

    public func unplannedCondition(_ condition: SQLFragment) -> SQLFragment { condition }

    public func limitClause(limit: Int?, offset: Int) -> SQLFragment {
        var clause: SQLFragment = ""
        if let limit { clause = clause + " LIMIT \(bind: .int(Int64(limit)))" }
        if offset > 0 { clause = clause + " OFFSET \(bind: .int(Int64(offset)))" }
        return clause
    }
}
