import Vocabulary

extension ODSQL {
    /// A level of a hierarchical facet (`facet(name="f", hierarchical=true, separator="/")`): the paths' separator
    /// and the path whose children the level counts (nil for the first level).
    public struct FacetHierarchy: Sendable, Hashable {
        /// The text between two levels of a path, such as `/` in `Occitanie/Haute-Garonne`.
        public var separator: String
        /// The path whose next level is counted; nil for the first level.
        public var parent: String?

        /// Creates a level; `separator` must not be empty.
        public init(separator: String, parent: String? = nil) {
            self.separator = separator
            self.parent = parent
        }
    }

    /// The field named by a `refine`/`exclude` parameter (`field:value`), spaces around the name removed; nil
    /// without a colon.
    public static func facetFilterField(_ text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return String(text[..<colon]).trimmingSpaces
    }
}

extension Planner {
    /// The conditions of the `refine` then `exclude` parameters, ANDed by the caller. The refines of one field
    /// listed in ``ODSQL/QueryText/disjunctiveFields`` make one OR (any of the values); on a text field listed in
    /// ``ODSQL/QueryText/hierarchySeparators``, a refine or exclude of a path also matches the paths below it.
    func facetFilters(_ query: ODSQL.QueryText) throws(ODSQLError) -> [TypedExpression] {
        // The refines in order, those of a disjunctive field gathered where the first of them stood.
        var groups: [[TypedExpression]] = []
        var groupOfField: [String: Int] = [:]
        for text in query.refines {
            let condition = try hierarchical(text, analyzer(.refine).facetFilter(text), query: query)
            let name = ODSQL.facetFilterField(text) ?? ""
            if query.disjunctiveFields.contains(name), let index = groupOfField[name] {
                groups[index].append(condition)
                continue
            }
            groupOfField[name] = groups.count
            groups.append([condition])
        }
        var conditions = groups.map { $0.count == 1 ? $0[0] : TypedExpression(.or($0), .boolean) }
        for text in query.excludes {
            let condition = try hierarchical(text, analyzer(.exclude).facetFilter(text), query: query)
            conditions.append(TypedExpression(.not(condition), .boolean))
        }
        return conditions
    }

    /// `condition` (the facet filter `text`), or, on a hierarchical text field, that condition or a value starting
    /// with the path and the separator.
    private func hierarchical(_ text: String, _ condition: TypedExpression, query: ODSQL.QueryText) -> TypedExpression {
        guard let name = ODSQL.facetFilterField(text), let separator = query.hierarchySeparators[name],
            !separator.isEmpty, let field = schema.field(named: name), field.type == .text,
            let colon = text.firstIndex(of: ":")
        else { return condition }
        let path = String(text[text.index(after: colon)...])
        let below = TypedExpression(.startsWith([field], prefix: path + separator), .boolean)
        return TypedExpression(.or([condition, below]), .boolean)
    }
}

extension ODSQL.Compiler {
    /// The key of one level of a hierarchical facet on `value`: the path down to this level's segment (the parent,
    /// the separator, then the text up to the next separator), and the conditions that keep the values below the
    /// parent with a non-empty segment.
    func hierarchyLevel(_ value: SQLFragment, _ hierarchy: ODSQL.FacetHierarchy) -> (
        key: SQLFragment, conditions: [SQLFragment]
    ) {
        let separator: SQLFragment = .bind(.text(hierarchy.separator))
        var rest = value
        var conditions: [SQLFragment] = []
        let prefix = hierarchy.parent.map { $0 + hierarchy.separator }
        if let prefix {
            let length = Int64(prefix.unicodeScalars.count)
            conditions.append("substr(\(value), 1, \(bind: .int(length))) = \(bind: .text(prefix))")
            rest = "substr(\(value), \(bind: .int(length + 1)))"
        }
        let position = dialect.textPosition(of: separator, in: rest)
        let segment: SQLFragment = "CASE WHEN \(position) > 0 THEN substr(\(rest), 1, \(position) - 1) ELSE \(rest) END"
        conditions.append("\(segment) <> ''")
        let key: SQLFragment = prefix.map { "\(bind: .text($0)) || \(segment)" } ?? segment
        return (key, conditions)
    }
}
