import Vocabulary

extension ODSQL {
    /// Which values of a field a facet counts: the values themselves, or a date truncated to a level.
    public enum FacetLevel: String, Sendable, Hashable {
        case value
        /// `2023`.
        case year
        /// `2023/05`.
        case month
        /// `2023/05/14`.
        case day
    }

    /// Facet sort orders of the API (`sort=-count`, `alphanum`, `-num`…).
    public enum FacetSort: String, Sendable, Hashable {
        case countDescending = "-count"
        case countAscending = "count"
        case alphanumAscending = "alphanum"
        case alphanumDescending = "-alphanum"
        case numAscending = "num"
        case numDescending = "-num"
    }
}

extension ODSQL.Compiler {
    /// Facet values and counts of `field` under the query's filters: columns `value` (text key) then `count`.
    /// Multivalued fields count each value; `limit == nil` returns every value. With `hierarchy` (text fields), the
    /// values are the paths down to the next level below `hierarchy.parent` (``hierarchyLevel(_:_:)``).
    public func facet(
        _ query: ODSQL.QueryText, field name: String, level: ODSQL.FacetLevel = .value,
        sort: ODSQL.FacetSort = .countDescending, limit: Int? = nil, hierarchy: ODSQL.FacetHierarchy? = nil
    ) throws(ODSQLError) -> CompiledQuery {
        let planner = Planner(schema: schema, options: options)
        let filter = try planner.filter(query)
        guard let field = schema.field(named: name) else {
            throw ODSQLError(clause: .refine, position: .start, kind: .unknownField, detail: "Unknown field \"\(name)\"")
        }
        guard ![.geoPoint2D, .geoShape, .jsonBlob].contains(field.type) else {
            throw ODSQLError(
                clause: .refine, position: .start, kind: .typeMismatch,
                detail: "Cannot facet on \(field.type.rawValue) field \"\(name)\"")
        }
        var generator = SQLGenerator(dialect: dialect, layout: layout)
        generator.hidesDisjunctions = filter.map { !SQLGenerator.plansDisjunctions(in: $0) } ?? false
        let table = dialect.quoteIdentifier(layout.recordsTable)
        var from: SQLFragment = "FROM \(raw: table)"
        var value = generator.column(field)
        if field.isMultivalued {
            from = from + dialect.arrayExpansion(column: value)
            value = "\"mv\".\"value\""
        }
        if field.type == .datetime, level != .value, !options.timeZone.isUTC {
            // Years, months and days of the `timezone`.
            value = dialect.localDateTime(value, zone: options.timeZone)
        }
        if field.type == .date || field.type == .datetime {
            switch level {
            case .value: break
            case .year: value = "substr(\(value), 1, 4)"
            case .month: value = "replace(substr(\(value), 1, 7), '-', '/')"
            case .day: value = "replace(substr(\(value), 1, 10), '-', '/')"
            }
        }
        var conditions: [SQLFragment] = ["\(value) IS NOT NULL"]
        if let hierarchy, field.type == .text, !hierarchy.separator.isEmpty {
            let path = hierarchyLevel(value, hierarchy)
            conditions += path.conditions
            value = path.key
        }
        if let filter { conditions.insert(generator.sql(filter), at: 0) }
        let order: String
        switch sort {
        case .countDescending: order = "2 DESC, 1 ASC"
        case .countAscending: order = "2 ASC, 1 ASC"
        case .alphanumAscending, .numAscending: order = "1 ASC"
        case .alphanumDescending, .numDescending: order = "1 DESC"
        }
        let sql: SQLFragment =
            "SELECT \(value), COUNT(*) \(from) WHERE " + conditions.joined(separator: " AND ")
            + " GROUP BY 1 ORDER BY \(raw: order)" + dialect.limitClause(limit: limit, offset: 0)
        return CompiledQuery(
            sql: dialect.numberPlaceholders(sql.sql), bindings: sql.bindings,
            columns: [
                ResultColumn(key: "value", type: level == .value ? ODSQL.ValueType(field.type) : .text, firstSQLColumn: 0),
                ResultColumn(key: "count", type: .int, firstSQLColumn: 1),
            ])
    }
}
