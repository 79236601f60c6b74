extension ODSQL {
    /// The ODSQL parameters of one request, as text. Several `where` are ANDed; refines and excludes are
    /// `field:value` pairs.
    public struct QueryText: Sendable, Hashable {
        public var select: String
        public var wheres: [String]
        public var groupBy: String
        public var orderBy: String
        public var refines: [String]
        public var excludes: [String]
        /// Fields whose refines combine with OR (`facet(name=…, disjunctive=true)`); see ``Planner/facetFilters(_:)``.
        public var disjunctiveFields: Set<String> = []
        /// Hierarchical fields and their separators: a refine on one of them also matches the paths below it.
        public var hierarchySeparators: [String: String] = [:]

        /// Creates query text; empty strings mean an absent clause.
        public init(
            select: String = "", where wheres: [String] = [], groupBy: String = "", orderBy: String = "",
            refines: [String] = [], excludes: [String] = []
        ) {
            self.select = select
            self.wheres = wheres
            self.groupBy = groupBy
            self.orderBy = orderBy
            self.refines = refines
            self.excludes = excludes
        }
    }
}

/// A checked query: typed outputs, filter, group keys and order, ready for SQL generation.
struct QueryPlan: Sendable {
    struct Output: Sendable {
        var key: String
        var expression: TypedExpression
    }
    enum OrderTarget: Sendable {
        case output(Int)
        case expression(TypedExpression)
    }

    var outputs: [Output] = []
    var filter: TypedExpression?
    /// Indexes in `outputs` of the group keys (they come first).
    var groupCount = 0
    var isAggregated = false
    var order: [(target: OrderTarget, descending: Bool)] = []
}

/// Builds a ``QueryPlan`` from query text: parses every clause and checks it against the schema.
struct Planner {
    let schema: ODSQL.Schema
    let options: ODSQL.CompileOptions

    func analyzer(_ clause: ODSQL.Clause) -> Analyzer { Analyzer(schema: schema, clause: clause, options: options) }

    /// The combined filter of every where, refine and exclude.
    func filter(_ query: ODSQL.QueryText) throws(ODSQLError) -> TypedExpression? {
        let count = query.wheres.count + query.refines.count + query.excludes.count
        guard count <= options.limits.maxFilters else {
            let clause: ODSQL.Clause = query.wheres.count > options.limits.maxFilters ? .where : .refine
            throw ODSQLError(
                clause: clause, position: .start, kind: .limitExceeded,
                detail: "Too many filters (\(count) where, refine and exclude parameters, at most \(options.limits.maxFilters))")
        }
        var conditions: [TypedExpression] = []
        for text in query.wheres {
            if let expression = try ODSQL.parseWhere(text, limits: options.limits) {
                conditions.append(try analyzer(.where).condition(expression))
            }
        }
        conditions += try facetFilters(query)
        switch conditions.count {
        case 0: return nil
        case 1: return conditions[0]
        default: return TypedExpression(.and(conditions), .boolean)
        }
    }

    func plan(_ query: ODSQL.QueryText) throws(ODSQLError) -> QueryPlan {
        var plan = QueryPlan()
        plan.filter = try filter(query)
        var groupLabels: [String: TypedExpression] = [:]
        let groupBy = try ODSQL.parseGroupBy(query.groupBy, limits: options.limits)
        for item in groupBy {
            let typed = try analyzer(.groupBy).value(item.expression)
            if typed.isAggregate {
                throw ODSQLError(
                    clause: .groupBy, position: item.expression.position, kind: .aggregateMisuse,
                    detail: "Aggregations are not allowed in group_by clause")
            }
            if typed.type.isGeo {
                throw ODSQLError(
                    clause: .groupBy, position: item.expression.position, kind: .unsupported,
                    detail: "Grouping by a geo field is not supported; use geo_cluster()")
            }
            plan.outputs.append(QueryPlan.Output(key: item.key, expression: typed))
            if let label = item.label { groupLabels[label] = typed }
        }
        plan.groupCount = plan.outputs.count
        try addSelect(query.select, to: &plan, groupLabels: groupLabels)
        try addOrder(query.orderBy, to: &plan)
        return plan
    }

    private func addSelect(
        _ text: String, to plan: inout QueryPlan, groupLabels: [String: TypedExpression]
    ) throws(ODSQLError) {
        let items = try ODSQL.parseSelect(text, limits: options.limits)
        let grouped = plan.groupCount > 0
        var select = analyzer(.select)
        select.labels = groupLabels
        var typedItems: [(item: ODSQL.LabeledExpression, typed: TypedExpression)] = []
        var includes: [ODSQL.FieldPattern] = []
        var excludes: [ODSQL.FieldPattern] = []
        var hasStar = false
        for item in items {
            switch item {
            case .all(let position):
                if grouped {
                    throw ODSQLError(
                        clause: .select, position: position, kind: .aggregateMisuse,
                        detail: "\"*\" cannot be selected with group_by")
                }
                hasStar = true
                typedItems.append(
                    (
                        ODSQL.LabeledExpression(expression: .init(.star, at: position), label: nil, text: "*"),
                        TypedExpression(.constant(true), .null)
                    ))
            case .expression(let labeled): typedItems.append((labeled, try select.value(labeled.expression)))
            case .include(let patterns): includes += try checked(patterns)
            case .exclude(let patterns): excludes += try checked(patterns)
            }
        }
        plan.isAggregated = grouped || typedItems.contains { $0.typed.isAggregate }
        func fieldOutputs(_ accept: (ODSQL.Field) -> Bool) -> [QueryPlan.Output] {
            schema.fields.filter { field in accept(field) && !excludes.contains { $0.matches(field.name) } }
                .map { QueryPlan.Output(key: $0.name, expression: TypedExpression(.column($0), .init($0.type))) }
        }
        if plan.isAggregated {
            if let pattern = includes.first ?? excludes.first {
                throw ODSQLError(
                    clause: .select, position: pattern.position, kind: .aggregateMisuse,
                    detail: "include() and exclude() cannot be used with aggregations")
            }
            for (item, typed) in typedItems {
                if typed.isAggregate {
                    plan.outputs.append(QueryPlan.Output(key: item.key, expression: typed))
                } else if let index = plan.outputs.prefix(plan.groupCount).firstIndex(where: {
                    $0.expression == typed
                }) {
                    if item.label != nil || groupLabels[item.text] == nil { plan.outputs[index].key = item.key }
                } else {
                    throw ODSQLError(
                        clause: .select, position: item.expression.position, kind: .aggregateMisuse,
                        detail: "\"\(item.text)\" must be an aggregation or appear in group_by clause")
                }
            }
        } else {
            for (item, typed) in typedItems {
                if case .star = item.expression.kind {
                    plan.outputs += fieldOutputs { _ in true }
                } else {
                    plan.outputs.append(QueryPlan.Output(key: item.key, expression: typed))
                }
            }
            if !includes.isEmpty {
                plan.outputs += fieldOutputs { field in includes.contains { $0.matches(field.name) } }
            } else if !hasStar && typedItems.isEmpty {
                plan.outputs += fieldOutputs { _ in true }
            }
            var seen: Set<String> = []
            plan.outputs = plan.outputs.filter { seen.insert($0.key).inserted }
        }
    }

    private func checked(_ patterns: [ODSQL.FieldPattern]) throws(ODSQLError) -> [ODSQL.FieldPattern] {
        for pattern in patterns where !pattern.isPrefix && schema.field(named: pattern.name) == nil {
            throw ODSQLError(
                clause: .select, position: pattern.position, kind: .unknownField,
                detail: "Unknown field \"\(pattern.name)\"")
        }
        return patterns
    }

    private func addOrder(_ text: String, to plan: inout QueryPlan) throws(ODSQLError) {
        let items = try ODSQL.parseOrderBy(text, limits: options.limits)
        let order = analyzer(.orderBy)
        for item in items {
            var key = item.text
            if case .field(let name) = item.expression.kind { key = name }
            if let index = plan.outputs.firstIndex(where: { $0.key == key }) {
                guard plan.outputs[index].expression.type.sqlColumnCount == 1,
                    !plan.outputs[index].expression.type.isGeo
                else {
                    throw ODSQLError(
                        clause: .orderBy, position: item.expression.position, kind: .typeMismatch,
                        detail: "Cannot sort by \(plan.outputs[index].expression.type.rawValue) value \"\(key)\"")
                }
                plan.order.append((.output(index), item.descending))
                continue
            }
            let typed = try order.value(item.expression)
            if typed.type.isGeo || typed.type == .boundingBox {
                throw ODSQLError(
                    clause: .orderBy, position: item.expression.position, kind: .typeMismatch,
                    detail: "Cannot sort by \(typed.type.rawValue) value \"\(item.text)\"")
            }
            if plan.isAggregated, !typed.isAggregate, case .random = typed.node {
            } else if plan.isAggregated, !typed.isAggregate {
                guard let index = plan.outputs.prefix(plan.groupCount).firstIndex(where: { $0.expression == typed })
                else {
                    throw ODSQLError(
                        clause: .orderBy, position: item.expression.position, kind: .aggregateMisuse,
                        detail: "\"\(item.text)\" must be an aggregation or appear in group_by clause")
                }
                plan.order.append((.output(index), item.descending))
                continue
            } else if !plan.isAggregated, typed.isAggregate {
                throw ODSQLError(
                    clause: .orderBy, position: item.expression.position, kind: .aggregateMisuse,
                    detail: "Aggregations in order_by need an aggregated select or a group_by clause")
            }
            plan.order.append((.expression(typed), item.descending))
        }
        if plan.order.isEmpty {
            plan.order = (0..<plan.groupCount).map { (.output($0), false) }
        }
    }
}
