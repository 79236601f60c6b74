import Foundation

extension ODSQL {
    /// Compiles ODSQL requests on one dataset to SQL for one dialect. Every entry point checks the query against
    /// the schema first and throws ``ODSQLError`` (a 400 for the API); none of them crashes on hostile input.
    public struct Compiler: Sendable {
        public let schema: Schema
        public let layout: TableLayout
        public let dialect: any SQLDialect
        public let options: CompileOptions

        /// Creates a compiler.
        public init(schema: Schema, layout: TableLayout, dialect: any SQLDialect, options: CompileOptions = .init()) {
            self.schema = schema
            self.layout = layout
            self.dialect = dialect
            self.options = options
        }

        /// This compiler reading datetimes in `timeZone` (the API's `timezone`): see ``CompileOptions/timeZone``.
        public func reading(timeZone: TimeZone) -> Compiler {
            var options = options
            options.timeZone = ZoneOffsets(timeZone)
            return Compiler(schema: schema, layout: layout, dialect: dialect, options: options)
        }

        private var planner: Planner { Planner(schema: schema, options: options) }

        private func generator(for plan: QueryPlan) -> SQLGenerator {
            var generator = SQLGenerator(dialect: dialect, layout: layout)
            generator.grouped = plan.isAggregated
            generator.groupKeys = plan.outputs.prefix(plan.groupCount).map(\.expression)
            generator.filter = plan.filter
            generator.hidesDisjunctions = plan.filter.map { !SQLGenerator.plansDisjunctions(in: $0) } ?? false
            generator.expandedField = expandedGroupField(plan)?.name
            return generator
        }

        /// The first multivalued field the query groups by: grouping counts each of its values, as facets do.
        private func expandedGroupField(_ plan: QueryPlan) -> ODSQL.Field? {
            for output in plan.outputs.prefix(plan.groupCount) {
                if case .column(let field) = output.expression.node, field.isMultivalued { return field }
            }
            return nil
        }

        /// The records table, joined to the values of the expanded field when there is one.
        private func groupedTable(_ generator: SQLGenerator) -> SQLFragment {
            let table: SQLFragment = " FROM \(raw: dialect.quoteIdentifier(layout.recordsTable))"
            guard let name = generator.expandedField, let field = schema.field(named: name) else { return table }
            return table + dialect.arrayExpansion(column: generator.column(field))
        }

        private func finish(_ fragment: SQLFragment, columns: [ResultColumn] = []) -> CompiledQuery {
            CompiledQuery(sql: dialect.numberPlaceholders(fragment.sql), bindings: fragment.bindings, columns: columns)
        }

        private func whereClause(_ filter: TypedExpression?, _ generator: SQLGenerator) -> SQLFragment {
            guard let filter else { return "" }
            return " WHERE \(generator.sql(filter))"
        }

        /// `FROM` and `WHERE` of an ungrouped query. A full-text search, alone or ANDed with other conditions,
        /// drives the query from the full-text index when the dialect allows it: the records are then read by rowid
        /// for the matches only, in rowid order, and a page stops after its last row. Testing the search on every
        /// record instead would first collect every match, which costs a common word dearly.
        /// With `countOnly`, a search without other conditions is counted on the index alone.
        private func source(_ filter: TypedExpression?, _ generator: SQLGenerator, countOnly: Bool = false) -> SQLFragment {
            let table = dialect.quoteIdentifier(layout.recordsTable)
            guard let filter, let (search, rest) = Self.leadingSearch(filter),
                let matches = generator.fullTextMatches(search)
            else { return " FROM \(raw: table)" + whereClause(filter, generator) }
            if countOnly && rest == nil { return " FROM (\(matches)) AS \"fts\"" }
            return " FROM (\(matches)) AS \"fts\" CROSS JOIN \(raw: table) ON \(raw: table).rowid = \"fts\".rowid"
                + whereClause(rest, generator)
        }

        /// Whether `expression` is an aggregate of the engine itself (which makes the query answer one row).
        private static func isEngineAggregate(_ expression: TypedExpression) -> Bool {
            switch expression.node {
            case .aggregate, .extent: true
            default: false
            }
        }

        /// Whether `expression` computes a percentile (possibly within arithmetic).
        private static func readsPercentile(_ expression: TypedExpression) -> Bool {
            switch expression.node {
            case .percentile: true
            case .arithmetic(_, let left, let right): readsPercentile(left) || readsPercentile(right)
            case .negate(let inner): readsPercentile(inner)
            case .scalar(_, let arguments): arguments.contains(where: readsPercentile)
            default: false
            }
        }

        /// The first full-text search that every match must satisfy, and the conditions left beside it.
        private static func leadingSearch(_ filter: TypedExpression) -> (FullTextQuery, TypedExpression?)? {
            switch filter.node {
            case .fullText(let search): return (search, nil)
            case .and(let items):
                guard let index = items.firstIndex(where: { if case .fullText = $0.node { true } else { false } }),
                    case .fullText(let search) = items[index].node
                else { return nil }
                var rest = items
                rest.remove(at: index)
                if rest.count > 1 { return (search, TypedExpression(.and(rest), filter.type)) }
                return (search, rest.first)
            default: return nil
            }
        }

        /// `/records` and exports: select, where, group_by, order_by, limit (`nil` for no limit) and offset.
        /// With `includeRecordID`, ungrouped queries start with the `_id` column (key `_id`).
        public func records(
            _ query: QueryText, limit: Int?, offset: Int = 0, includeRecordID: Bool = false
        ) throws(ODSQLError) -> CompiledQuery {
            let plan = try planner.plan(query)
            let generator = generator(for: plan)
            var selectList: [SQLFragment] = []
            var columns: [ResultColumn] = []
            if includeRecordID && !plan.isAggregated {
                columns.append(ResultColumn(key: "_id", type: .text, firstSQLColumn: 0))
                selectList.append(SQLFragment(sql: dialect.quoteIdentifier(layout.recordIDColumn)))
            }
            var ordinals: [Int] = []
            for output in plan.outputs {
                ordinals.append(selectList.count + 1)
                var column = ResultColumn(key: output.key, type: output.expression.type, firstSQLColumn: selectList.count)
                if case .column(let field) = output.expression.node, field.isMultivalued, field.name != generator.expandedField {
                    column.type = .json
                    column.isList = true
                }
                columns.append(column)
                selectList += generator.outputColumns(output.expression)
            }
            if selectList.isEmpty { selectList = ["NULL"] }
            if plan.isAggregated && plan.groupCount == 0 && plan.outputs.contains(where: { Self.readsPercentile($0.expression) })
                && !plan.outputs.contains(where: { Self.isEngineAggregate($0.expression) })
            {
                // A percentile is a subquery on SQLite: alone, it would give one row per record. An aggregate column
                // after the outputs (never read) makes the query answer one row, even when no record matches.
                selectList.append("COUNT(*)")
            }
            var sql: SQLFragment = "SELECT " + selectList.joined(separator: ", ")
            if plan.isAggregated || !plan.order.isEmpty {
                // Sorted pages are left to the engine's planner: an index in sort order may beat reading every match.
                sql = sql + groupedTable(generator) + whereClause(plan.filter, generator)
            } else {
                sql = sql + source(plan.filter, generator)
            }
            if plan.groupCount > 0 {
                var terms: [SQLFragment] = []
                for (output, ordinal) in zip(plan.outputs.prefix(plan.groupCount), ordinals) {
                    terms += generator.groupingTerms(output.expression) ?? [SQLFragment(sql: String(ordinal))]
                }
                sql = sql + " GROUP BY " + terms.joined(separator: ", ")
            }
            var orderTerms: [SQLFragment] = []
            for (target, descending) in plan.order {
                let direction = descending ? " DESC NULLS LAST" : " ASC NULLS LAST"
                switch target {
                case .output(let index):
                    let expression = plan.outputs[index].expression
                    if let key = generator.sortKey(expression), plan.isAggregated {
                        orderTerms.append(key + SQLFragment(sql: direction))
                    } else {
                        orderTerms.append(SQLFragment(sql: String(ordinals[index]) + direction))
                    }
                case .expression(let expression):
                    if case .random = expression.node {
                        orderTerms.append(generator.sql(expression))
                    } else {
                        orderTerms.append(generator.sql(expression) + SQLFragment(sql: direction))
                    }
                }
            }
            if !orderTerms.isEmpty { sql = sql + " ORDER BY " + orderTerms.joined(separator: ", ") }
            sql = sql + dialect.limitClause(limit: limit, offset: max(0, offset))
            return finish(sql, columns: columns)
        }

        /// Whether `query` lists records (no aggregate, no `group_by`) in no stated order (no `order_by`): its
        /// page comes in the order the engine reads the table in.
        public func listsRecordsUnordered(_ query: QueryText) throws(ODSQLError) -> Bool {
            let plan = try planner.plan(query)
            return !plan.isAggregated && plan.order.isEmpty
        }

        /// `total_count`: the records matching the filter, or the groups when the query has a group_by.
        public func count(_ query: QueryText) throws(ODSQLError) -> CompiledQuery {
            let plan = try planner.plan(query)
            let generator = generator(for: plan)
            guard plan.groupCount > 0 else {
                return finish("SELECT COUNT(*)" + source(plan.filter, generator, countOnly: true))
            }
            let keys = plan.outputs.prefix(plan.groupCount).flatMap {
                generator.groupingTerms($0.expression) ?? [generator.sql($0.expression)]
            }
            let ordinals = (1...keys.count).map(String.init).joined(separator: ", ")
            return finish(
                "SELECT COUNT(*) FROM (SELECT " + keys.joined(separator: ", ") + groupedTable(generator)
                    + whereClause(plan.filter, generator) + " GROUP BY \(raw: ordinals)) AS \"g\"")
        }

        /// An aggregate-only query (`select=count(*), avg(x)` without group_by): one row.
        public func aggregate(_ query: QueryText) throws(ODSQLError) -> CompiledQuery {
            let plan = try planner.plan(query)
            if plan.groupCount > 0 || !plan.outputs.allSatisfy(\.expression.isAggregate) || plan.outputs.isEmpty {
                throw ODSQLError(
                    clause: plan.groupCount > 0 ? .groupBy : .select, position: .start,
                    kind: .aggregateMisuse, detail: "An aggregate query selects aggregations only, without group_by")
            }
            return try records(query, limit: nil)
        }
    }
}
