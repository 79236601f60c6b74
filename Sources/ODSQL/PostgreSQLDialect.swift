/// PostgreSQL 15+, with the same storage layout as SQLite (TEXT ISO dates, INTEGER 0/1 booleans,
/// DOUBLE PRECISION reals) plus a `tsvector` column ``TableLayout/searchVectorColumn`` built with the `simple`
/// configuration over every text field. Distances use an inline haversine expression (no extension needed);
/// shape predicates call the same `garona_intersects`/`garona_within` functions, which the store defines (or maps
/// to PostGIS). Percentiles use `percentile_cont`.
public struct PostgreSQLDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    public func placeholder(_ index: Int) -> String { "$\(index)" }

    public func fullTextQuery(_ terms: [FullTextTerm], columns: [String]) -> String {
        terms.map { term in
            "'" + SQLQuoting.doubling("'", in: term.text) + "'" + (term.isPrefix ? ":*" : "")
        }.joined(separator: " & ")
    }

    public func fullTextPredicate(layout: TableLayout, query: SQLFragment, columns: [String]) -> SQLFragment {
        if columns.isEmpty {
            return "\(raw: quoteIdentifier(layout.searchVectorColumn)) @@ to_tsquery('simple', \(query))"
        }
        let document = columns.map { "coalesce(\(quoteIdentifier($0)), '')" }.joined(separator: " || ' ' || ")
        return "to_tsvector('simple', \(raw: document)) @@ to_tsquery('simple', \(query))"
    }

    public func caseInsensitiveLike(_ value: SQLFragment, pattern: SQLFragment) -> SQLFragment {
        "\(value) ILIKE \(pattern) ESCAPE '\\'"
    }

    public func distanceInMetres(lat: SQLFragment, lon: SQLFragment, toLat: SQLFragment, toLon: SQLFragment)
        -> SQLFragment
    {
        """
        (12742017.6 * asin(sqrt(power(sin(radians(\(toLat) - \(lat)) / 2), 2) \
        + cos(radians(\(lat))) * cos(radians(\(toLat))) * power(sin(radians(\(toLon) - \(lon)) / 2), 2))))
        """
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
                "(floor(EXTRACT(EPOCH FROM CAST(\(value) AS timestamp)) * 1000 / \(w)) * \(w))"
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

    public func isValidJSON(_ value: SQLFragment) -> SQLFragment? { nil }

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

    public func zeroPad(_ value: SQLFragment, width: Int) -> SQLFragment {
        "lpad(CAST(\(value) AS text), \(raw: String(width)), '0')"
    }

    public func floor(_ value: SQLFragment) -> SQLFragment { "floor(\(value))" }

    public func randomOrder(seed: Int64, layout: TableLayout, grouped: Bool) -> SQLFragment {
        let id = quoteIdentifier(layout.recordIDColumn)
        let key = grouped ? "MIN(\(id))" : id
        return "md5(CAST(\(bind: .int(seed)) AS text) || \(raw: key))"
    }

    /// Unchanged: PostgreSQL plans many ORs as one bitmap scan, in time that grows with their number.
    public func unplannedCondition(_ condition: SQLFragment) -> SQLFragment { condition }

    public func limitClause(limit: Int?, offset: Int) -> SQLFragment {
        var clause: SQLFragment = ""
        if let limit { clause = clause + " LIMIT \(bind: .int(Int64(limit)))" }
        if offset > 0 { clause = clause + " OFFSET \(bind: .int(Int64(offset)))" }
        return clause
    }
}
