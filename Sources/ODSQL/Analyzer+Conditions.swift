import Vocabulary

extension Analyzer {
    /// Analyzes a boolean condition: a bare boolean field means `= true`, a bare string is a full-text search.
    func condition(_ expression: ODSQL.Expression) throws(ODSQLError) -> TypedExpression {
        let at = expression.position
        switch expression.kind {
        case .string(let text):
            return try fullText(.search, fields: [], text: text, at: at)
        case .and(let items):
            var typed: [TypedExpression] = []
            for item in items { typed.append(try condition(item)) }
            return TypedExpression(.and(typed), .boolean)
        case .or(let items):
            var typed: [TypedExpression] = []
            for item in items { typed.append(try condition(item)) }
            return Self.valueList(typed) ?? TypedExpression(.or(typed), .boolean)
        case .not(let operand):
            return TypedExpression(.not(try condition(operand)), .boolean)
        case .comparison(let op, let left, let right):
            let (l, r) = try comparable(left, right, what: "compare")
            try requireNoAggregate(l, at: left.position)
            try requireNoAggregate(r, at: right.position)
            if op == .equal, case .column(let field) = l.node, field.isMultivalued, case .value(let v) = r.node {
                return TypedExpression(.member(field, v), .boolean)
            }
            return TypedExpression(.comparison(op, l, r), .boolean)
        case .isNull(let operand, let negated):
            let inner = try value(operand)
            try requireNoAggregate(inner, at: operand.position)
            return TypedExpression(.isNull(inner, negated: negated), .boolean)
        case .isBoolean(let operand, let flag, let negated):
            let inner = try value(operand)
            guard inner.type == .boolean else {
                throw error(
                    .typeMismatch, "IS TRUE/FALSE expects a boolean value, got \(typeName(inner.type))",
                    at: operand.position)
            }
            return TypedExpression(.isBoolean(inner, flag, negated: negated), .boolean)
        case .inList(let operand, let items):
            return try inList(operand, items)
        case .inRange(let operand, let lower, let upper, let lowerInclusive, let upperInclusive):
            var left = try value(operand)
            try requireNoAggregate(left, at: operand.position)
            guard left.type.isNumeric || left.type.isTemporal else {
                throw error(
                    .typeMismatch, "A range expects a numeric or date value, got \(typeName(left.type))",
                    at: operand.position)
            }
            var bounds: [SQLValue] = []
            if left.type.isTemporal {
                let dates = [try requiredDate(lower), try requiredDate(upper)]
                let asDate = left.type == .date && dates.allSatisfy(\.isMidnight)
                let zone = options.timeZone
                let zoned = left.type == .datetime
                if !asDate, left.type == .date { left = TypedExpression(.dateAsDateTime(left), .datetime) }
                bounds = dates.map { .text(asDate ? $0.dateText : zoned ? $0.instant(in: zone).dateTimeText : $0.dateTimeText) }
            } else {
                for bound in [lower, upper] { bounds.append(try literalValue(bound, matching: left)) }
            }
            return TypedExpression(
                .inRange(
                    left, lower: bounds[0], upper: bounds[1], lowerInclusive: lowerInclusive,
                    upperInclusive: upperInclusive), .boolean)
        case .member(let item, let container):
            guard case .field = container.kind else {
                throw error(.syntax, "IN expects a list, a range or a field", at: container.position)
            }
            let target = try value(container)
            if case .column(let field) = target.node, field.isMultivalued {
                return TypedExpression(.member(field, try literalValue(item, matching: target)), .boolean)
            }
            let typed = try literalValue(item, matching: target)
            return TypedExpression(.comparison(.equal, target, TypedExpression(.value(typed), target.type)), .boolean)
        case .like(let operand, let pattern):
            let left = try value(operand)
            guard left.type == .text else {
                throw error(
                    .typeMismatch, "LIKE expects a text value, got \(typeName(left.type))",
                    at: operand.position)
            }
            guard case .string(let text) = pattern.kind else {
                throw error(.typeMismatch, "LIKE expects a string literal", at: pattern.position)
            }
            let terms = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            if terms.isEmpty { return TypedExpression(.constant(true), .boolean) }
            return TypedExpression(.like(left, terms: terms), .boolean)
        case .call(let call) where Analyzer.isPredicate(call):
            guard clause == .where else {
                throw error(
                    .notAllowedInClause,
                    "Function \"\(call.name)()\" is only allowed in where clause", at: at)
            }
            return try predicate(call, at: at)
        default:
            let typed = try value(expression)
            try requireNoAggregate(typed, at: at)
            if typed.type == .boolean {
                if case .value = typed.node { return typed }
                return TypedExpression(.isBoolean(typed, true, negated: false), .boolean)
            }
            throw error(.typeMismatch, "Expression is not a condition (\(typeName(typed.type)) value)", at: at)
        }
    }

    private func inList(_ operand: ODSQL.Expression, _ items: [ODSQL.Expression]) throws(ODSQLError)
        -> TypedExpression
    {
        var left = try value(operand)
        try requireNoAggregate(left, at: operand.position)
        if left.type.isTemporal {
            var dates: [DateValue] = []
            for item in items { dates.append(try requiredDate(item)) }
            let asDate = left.type == .date && dates.allSatisfy(\.isMidnight)
            let zone = options.timeZone
            let zoned = left.type == .datetime
            if !asDate, left.type == .date { left = TypedExpression(.dateAsDateTime(left), .datetime) }
            let texts = dates.map { asDate ? $0.dateText : zoned ? $0.instant(in: zone).dateTimeText : $0.dateTimeText }
            return TypedExpression(.inList(left, texts.map { .text($0) }), .boolean)
        }
        var values: [SQLValue] = []
        for item in items { values.append(try literalValue(item, matching: left)) }
        if case .column(let field) = left.node, field.isMultivalued {
            return TypedExpression(.or(values.map { TypedExpression(.member(field, $0), .boolean) }), .boolean)
        }
        return TypedExpression(.inList(left, values), .boolean)
    }

    /// A date from a `date'…'`, string or year literal.
    func requiredDate(_ expression: ODSQL.Expression) throws(ODSQLError) -> DateValue {
        let at = expression.position
        switch expression.kind {
        case .date(let text), .string(let text): return try dateLiteral(text, at: at)
        case .number(let text):
            guard let year = Int(text), (1...9_999).contains(year) else {
                throw error(.invalidLiteral, "Invalid date literal \"\(text)\"", at: at)
            }
            return DateValue(
                seconds: CivilDateTime(year: year, month: 1, day: 1).epochSeconds, precision: .year, isLocal: true)
        default:
            throw error(.typeMismatch, "Expected a date literal", at: at)
        }
    }

    /// A literal that must be comparable with `target`, as a value to bind.
    func literalValue(_ expression: ODSQL.Expression, matching target: TypedExpression) throws(ODSQLError)
        -> SQLValue
    {
        let typed: TypedExpression
        if let coerced = try literal(expression, as: target.type) {
            typed = coerced
        } else {
            typed = try value(expression)
        }
        guard case .value(let bound) = typed.node else {
            throw error(.typeMismatch, "Expected a literal value", at: expression.position)
        }
        try requireComparable(target, typed, what: "compare", at: expression.position)
        return bound
    }

    /// `f = 1 OR f = 2 OR …` on one column as `f IN (1, 2, …)`, the same test: SQLite plans an IN list at once,
    /// while hundreds of ORed equalities on an indexed column, in two or more filters, kept its planner busy for
    /// seconds (not interruptible by the query budget). Nil when the alternatives are not all such equalities.
    static func valueList(_ alternatives: [TypedExpression]) -> TypedExpression? {
        guard alternatives.count > 1 else { return nil }
        var column: TypedExpression?
        var values: [SQLValue] = []
        for alternative in alternatives {
            guard case .comparison(.equal, let left, let right) = alternative.node, case .column = left.node,
                case .value(let value) = right.node, column == nil || column == left
            else { return nil }
            column = left
            values.append(value)
        }
        return column.map { TypedExpression(.inList($0, values), .boolean) }
    }
}
