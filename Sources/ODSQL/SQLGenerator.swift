import Vocabulary

/// Emits SQL for typed expressions. Identifiers come only from the schema and the layout; values are bound.
struct SQLGenerator {
    let dialect: any SQLDialect
    let layout: TableLayout
    /// True when the query groups rows (changes `random()`).
    var grouped = false
    /// Qualifies columns with the records table (outer references of correlated subqueries).
    var qualifier: String?
    /// Group keys, for the correlated source of percentiles.
    var groupKeys: [TypedExpression] = []
    var filter: TypedExpression?
    /// A multivalued field whose values are expanded to one row each (`"mv"."value"`), when grouped by.
    var expandedField: String?
    /// Whether ORs are written so that the engine's planner does not try an index per alternative (see
    /// ``SQLGenerator/plansDisjunctions(in:)``).
    var hidesDisjunctions = false

    func quote(_ name: String) -> String { dialect.quoteIdentifier(name) }

    /// The columns of `json_each` and `json_array_elements_text`, which hide a list field of the same name.
    static let arrayFunctionColumns: Set<String> = [
        "key", "value", "type", "atom", "id", "parent", "fullkey", "path", "json", "root",
    ]

    func column(_ field: ODSQL.Field, _ suffix: String = "") -> SQLFragment {
        let name = quote(field.name + suffix)
        // A list field is read inside `json_each(…)` (SQLite) or `json_array_elements_text(…)` (PostgreSQL), whose own
        // columns would hide a field of the same name: such a field is qualified with its table.
        let hidden = field.isMultivalued && Self.arrayFunctionColumns.contains(field.name)
        let qualifier = qualifier ?? (hidden ? layout.recordsTable : nil)
        return SQLFragment(sql: qualifier.map { quote($0) + "." + name } ?? name)
    }

    /// The bound text of a full-text query.
    func fullTextText(_ query: FullTextQuery) -> SQLFragment {
        .bind(.text(dialect.fullTextQuery(query.terms, columns: query.fields.map(\.name))))
    }

    /// The rowids matching a full-text query, from the index alone, when the dialect can.
    func fullTextMatches(_ query: FullTextQuery) -> SQLFragment? {
        dialect.fullTextMatches(layout: layout, query: fullTextText(query), columns: query.fields.map(\.name))
    }

    /// The SQL columns of an output value (two for points, four for bounding boxes).
    func outputColumns(_ expression: TypedExpression) -> [SQLFragment] {
        switch expression.node {
        case .column(let field) where field.type == .geoPoint2D:
            return [column(field, TableLayout.latitudeSuffix), column(field, TableLayout.longitudeSuffix)]
        case .extent(let field):
            let suffixes = TableLayout.boundingBoxSuffixes
            if field.type == .geoPoint2D {
                let lat = column(field, TableLayout.latitudeSuffix)
                let lon = column(field, TableLayout.longitudeSuffix)
                return ["MIN(\(lon))", "MIN(\(lat))", "MAX(\(lon))", "MAX(\(lat))"]
            }
            return [
                "MIN(\(column(field, suffixes.minLon)))", "MIN(\(column(field, suffixes.minLat)))",
                "MAX(\(column(field, suffixes.maxLon)))", "MAX(\(column(field, suffixes.maxLat)))",
            ]
        default:
            return [sql(expression)]
        }
    }

    /// A single-valued expression (a point reads as its latitude, enough for IS NULL and COUNT).
    func sql(_ expression: TypedExpression) -> SQLFragment {
        switch expression.node {
        case .column(let field):
            if field.name == expandedField { return "\"mv\".\"value\"" }
            return field.type == .geoPoint2D ? column(field, TableLayout.latitudeSuffix) : column(field)
        case .value(let value): return .bind(value)
        case .dateAsDateTime(let inner): return "(\(sql(inner)) || 'T00:00:00Z')"
        case .localTime(let inner, let zone): return dialect.localDateTime(sql(inner), zone: zone)
        case .negate(let inner): return "(- \(sql(inner)))"
        case .arithmetic(let op, let left, let right):
            if op == .divide { return "(CAST(\(sql(left)) AS DOUBLE PRECISION) / NULLIF(\(sql(right)), 0))" }
            return "(\(sql(left)) \(raw: op.rawValue) \(sql(right)))"
        case .comparison(let op, let left, let right):
            return "(\(sql(left)) \(raw: op == .notEqual ? "<>" : op.rawValue) \(sql(right)))"
        case .and(let items): return Self.chain(items.map { sql($0) }, " AND ")
        case .or(let items):
            let disjunction = Self.chain(items.map { sql($0) }, " OR ")
            return hidesDisjunctions ? dialect.unplannedCondition(disjunction) : disjunction
        case .not(let inner): return "((\(sql(inner))) IS NOT TRUE)"
        case .isNull(let inner, let negated): return "(\(sql(inner)) IS \(raw: negated ? "NOT " : "")NULL)"
        case .isBoolean(let inner, let flag, let negated):
            let value = SQLFragment(sql: flag ? "1" : "0")
            return negated ? "(\(sql(inner)) IS DISTINCT FROM \(value))" : "(\(sql(inner)) = \(value))"
        case .inList(let inner, let values):
            return "(\(sql(inner)) IN (" + values.map { SQLFragment.bind($0) }.joined(separator: ", ") + "))"
        case .inRange(let inner, let lower, let upper, let lowerInclusive, let upperInclusive):
            let value = sql(inner)
            return
                "(\(value) \(raw: lowerInclusive ? ">=" : ">") \(bind: lower) AND \(value) \(raw: upperInclusive ? "<=" : "<") \(bind: upper))"
        case .member(let field, let value): return dialect.arrayContains(column: column(field), value: value)
        case .like(let inner, let terms):
            let value = sql(inner)
            let likes = terms.map { term in
                dialect.caseInsensitiveLike(value, pattern: .bind(.text("%" + SQLGenerator.escapeLike(term) + "%")))
            }
            return likes.count == 1 ? likes[0] : "(" + likes.joined(separator: " AND ") + ")"
        case .fullText(let query):
            let columns = query.fields.map(\.name)
            return dialect.fullTextPredicate(layout: layout, query: fullTextText(query), columns: columns)
        case .startsWith(let fields, let prefix):
            let length = Int64(prefix.unicodeScalars.count)
            let tests = fields.map { field -> SQLFragment in
                let test = { (value: SQLFragment) -> SQLFragment in
                    "substr(\(value), 1, \(bind: .int(length))) = \(bind: .text(prefix))"
                }
                // A multivalued field starts with the prefix when one of its values does.
                return field.isMultivalued ? dialect.arrayAny(column: column(field), test) : test(column(field))
            }
            return tests.count == 1 ? tests[0] : "(" + tests.joined(separator: " OR ") + ")"
        case .withinDistance(let field, let lat, let lon, let metres):
            return withinDistance(field, lat: lat, lon: lon, metres: metres)
        case .inBoundingBox(let field, let minLat, let minLon, let maxLat, let maxLon):
            return inBoundingBox(field, minLat: minLat, minLon: minLon, maxLat: maxLat, maxLon: maxLon)
        case .geoRelation(let relation, let field, let geometry):
            return geoRelation(relation, field, geometry)
        case .scalar(let function, let arguments):
            let list = arguments.map { sql($0) }.joined(separator: ", ")
            return function == .ifnull ? "COALESCE(\(list))" : "\(raw: function.rawValue)(\(list))"
        case .datePart(let part, let inner): return datePart(part, of: sql(inner))
        case .dateFormat(let inner, let pieces): return dateFormat(sql(inner), pieces)
        case .distance(let field, let lat, let lon):
            return dialect.distanceInMetres(
                lat: column(field, TableLayout.latitudeSuffix),
                lon: column(field, TableLayout.longitudeSuffix), toLat: .bind(.double(lat)), toLon: .bind(.double(lon)))
        case .jsonFormat(let inner, let fallback):
            let value = sql(inner)
            guard let fallback, let valid = dialect.isValidJSON(value) else { return value }
            return "CASE WHEN \(valid) THEN \(value) ELSE \(bind: fallback) END"
        case .aggregate(let function, let argument, let distinct):
            guard let argument else { return "COUNT(*)" }
            if function == .avg, !distinct, argument.type == .int {
                return dialect.integerAverage(sql(argument))
            }
            return "\(raw: function.rawValue.uppercased())(\(raw: distinct ? "DISTINCT " : "")\(sql(argument)))"
        case .percentile(let inner, let percent): return percentile(inner, percent)
        case .extent: return outputColumns(expression)[0]
        case .staticRanges(let inner, let buckets): return staticRanges(sql(inner), buckets)
        case .widthRanges(let inner, let width, let integerLabels):
            return widthRanges(sql(inner), width: width, integerLabels: integerLabels)
        case .dateRanges(let inner, let interval):
            let bucket = dialect.dateBucket(sql(inner), interval: interval)
            guard case .localTime = inner.node else { return "('[' || \(bucket.start) || ', ' || \(bucket.end) || '[')" }
            // Wall-clock bounds of the `timezone`: ISO local times, without the `Z` of an instant.
            return "('[' || replace(\(bucket.start), 'Z', '') || ', ' || replace(\(bucket.end), 'Z', '') || '[')"
        case .geoCluster(let field, _): return clusterCentroid(field)
        case .random(let seed): return dialect.randomOrder(seed: seed, layout: layout, grouped: grouped)
        case .constant(let flag): return flag ? "(1 = 1)" : "(1 = 0)"
        }
    }

    /// The expression to sort on for an output: range keys sort by their smallest value, not their label.
    func sortKey(_ expression: TypedExpression) -> SQLFragment? {
        switch expression.node {
        case .staticRanges(let inner, _), .widthRanges(let inner, _, _), .dateRanges(let inner, _):
            return "MIN(\(sql(inner)))"
        default: return nil
        }
    }

    /// `text` as a LIKE pattern matching itself: `%`, `_` and `\` escaped with `\`, per Unicode scalar (a `%`
    /// fused with a combining mark into one Character is still a wildcard to SQL).
    static func escapeLike(_ text: String) -> String { SQLQuoting.backslashing(["%", "_", "\\"], in: text) }
}

extension SQLGenerator {
    /// The most OR alternatives, over a whole filter, that the engine's planner is left to plan.
    static let plannedAlternatives = 256

    /// Whether the planner may see the ORs of `filter`: false past ``plannedAlternatives`` alternatives in all.
    /// SQLite weighs an index for every alternative of every OR against the other conditions, and that planning,
    /// which its progress handler (the query budget) cannot interrupt, grows much faster than the alternatives:
    /// three filters of 520 alternating equalities on two indexed columns kept it busy for 20 s. Past the bound
    /// the ORs are evaluated row by row instead, which the budget does interrupt.
    static func plansDisjunctions(in filter: TypedExpression) -> Bool {
        var remaining = plannedAlternatives
        func visit(_ expression: TypedExpression) -> Bool {
            switch expression.node {
            case .or(let items):
                remaining -= items.count
                return remaining >= 0 && items.allSatisfy(visit)
            case .and(let items): return items.allSatisfy(visit)
            case .not(let inner): return visit(inner)
            default: return true
            }
        }
        return visit(filter)
    }

    /// Terms joined flat in one pair of parentheses, at most.
    static let chainLength = 64

    /// `(a AND b AND c)`; past ``chainLength`` terms, parenthesized runs of that many joined the same way. SQLite
    /// parses a flat chain of n terms as a tree n levels deep and refuses more than 1,000 levels ("Expression tree is
    /// too large"), which 1,400 `1=1 or` in one filter reached; runs nest only a few levels. AND and OR are
    /// associative, so the meaning is the same.
    static func chain(_ terms: [SQLFragment], _ separator: String) -> SQLFragment {
        guard terms.count > chainLength else { return "(" + terms.joined(separator: separator) + ")" }
        let runs = stride(from: 0, to: terms.count, by: chainLength).map { start in
            chain(Array(terms[start..<min(start + chainLength, terms.count)]), separator)
        }
        return chain(runs, separator)
    }
}
