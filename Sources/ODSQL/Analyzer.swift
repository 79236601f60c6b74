import Foundation
import Vocabulary

extension ODSQL {
    /// Settings of a compilation: the clock for `now()`, the language of `date_format` names, the limits.
    public struct CompileOptions: Sendable {
        /// The instant `now()` reads (inject it for deterministic tests).
        public var now: Date
        /// The `lang` parameter: `fr` (default) or `en` names in `date_format`.
        public var language: String
        /// Hard limits on the query text.
        public var limits: Limits
        /// The `timezone` parameter: date functions, date facets and refines, and date literals written without an
        /// offset read datetimes in it (UTC by default).
        public var timeZone: ZoneOffsets = ZoneOffsets(TimeZone(secondsFromGMT: 0) ?? .current)
        /// Typo corrections of full-text search words (none by default): see ``SearchCorrections``.
        public var corrections = SearchCorrections()

        /// Creates options.
        public init(now: Date = Date(), language: String = "fr", limits: Limits = .standard) {
            self.now = now
            self.language = language
            self.limits = limits
        }
    }
}

/// Checks an expression against the schema and turns it into a ``TypedExpression``.
struct Analyzer {
    let schema: ODSQL.Schema
    let clause: ODSQL.Clause
    let options: ODSQL.CompileOptions
    /// Labels of group_by keys (for select) or of outputs (for order_by), resolved before schema fields.
    var labels: [String: TypedExpression] = [:]

    init(schema: ODSQL.Schema, clause: ODSQL.Clause, options: ODSQL.CompileOptions) {
        self.schema = schema
        self.clause = clause
        self.options = options
    }

    func error(_ kind: ODSQLError.Kind, _ detail: String, at position: SourcePosition) -> ODSQLError {
        ODSQLError(clause: clause, position: position, kind: kind, detail: detail)
    }

    func typeName(_ type: ODSQL.ValueType) -> String { type.rawValue }

    // MARK: Values

    func value(_ expression: ODSQL.Expression) throws(ODSQLError) -> TypedExpression {
        let at = expression.position
        switch expression.kind {
        case .field(let name):
            if let labeled = labels[name] { return labeled }
            guard let field = schema.field(named: name) else {
                throw error(.unknownField, "Unknown field \"\(name)\"", at: at)
            }
            return TypedExpression(.column(field), ODSQL.ValueType(field.type))
        case .string(let text): return TypedExpression(.value(.text(text)), .text)
        case .number(let text): return try number(text, at: at)
        case .boolean(let flag): return TypedExpression(.value(.bool(flag)), .boolean)
        case .null: return TypedExpression(.value(.null), .null)
        case .date(let text):
            let date = try dateLiteral(text, at: at)
            return TypedExpression(.value(.text(date.instant(in: options.timeZone).dateTimeText)), .datetime)
        case .geometry:
            throw error(.typeMismatch, "A geometry literal is only allowed as an argument of a geo function", at: at)
        case .quantity(let amount, let unit):
            throw error(.syntax, "Unexpected unit \"\(unit)\" after \(amount)", at: at)
        case .star:
            throw error(.syntax, "Unexpected \"*\"", at: at)
        case .negate(let operand):
            let inner = try value(operand)
            try requireNumeric(inner, "Operator \"-\"", at: operand.position)
            return TypedExpression(.negate(inner), inner.type, aggregate: inner.isAggregate)
        case .arithmetic(let op, let left, let right):
            let l = try value(left)
            let r = try value(right)
            try requireNumeric(l, "Operator \"\(op.rawValue)\"", at: left.position)
            try requireNumeric(r, "Operator \"\(op.rawValue)\"", at: right.position)
            let type: ODSQL.ValueType = op != .divide && l.type != .double && r.type != .double ? .int : .double
            return TypedExpression(.arithmetic(op, l, r), type, aggregate: l.isAggregate || r.isAggregate)
        case .call(let call):
            return try self.call(call, at: at)
        case .not, .and, .or, .comparison, .isNull, .isBoolean, .inList, .inRange, .member, .like:
            guard clause == .where || clause == .refine || clause == .exclude else {
                throw error(.notAllowedInClause, "Conditions are only allowed in where clause", at: at)
            }
            return try condition(expression)
        }
    }

    func number(_ text: String, at position: SourcePosition) throws(ODSQLError) -> TypedExpression {
        if !text.contains("."), let integer = Int64(text) { return TypedExpression(.value(.int(integer)), .int) }
        guard let double = Double(text), double.isFinite else {
            throw error(.invalidLiteral, "Invalid number \(text)", at: position)
        }
        return TypedExpression(.value(.double(double)), .double)
    }

    func dateLiteral(_ text: String, at position: SourcePosition) throws(ODSQLError) -> DateValue {
        guard let date = DateValue.parse(text) else {
            throw error(.invalidLiteral, "Invalid date literal \"\(text)\"", at: position)
        }
        return date
    }

    func requireNumeric(_ operand: TypedExpression, _ what: String, at position: SourcePosition) throws(ODSQLError) {
        guard operand.type.isNumeric || operand.type == .null else {
            throw error(.typeMismatch, "\(what) expects a numeric value, got \(typeName(operand.type))", at: position)
        }
    }

    func requireNoAggregate(_ operand: TypedExpression, at position: SourcePosition) throws(ODSQLError) {
        if operand.isAggregate {
            throw error(.aggregateMisuse, "Aggregations are not allowed in \(clause.rawValue) clause", at: position)
        }
    }

    /// A literal read as a value of `type`: a string or a number may stand for a date (`modified > 2020`).
    func literal(_ expression: ODSQL.Expression, as type: ODSQL.ValueType) throws(ODSQLError) -> TypedExpression? {
        let at = expression.position
        guard type.isTemporal else { return nil }
        let date: DateValue
        switch expression.kind {
        case .date(let text): date = try dateLiteral(text, at: at)
        case .string(let text): date = try dateLiteral(text, at: at)
        case .number(let text):
            guard let year = Int(text), (1...9_999).contains(year) else {
                throw error(.invalidLiteral, "Invalid date literal \"\(text)\"", at: at)
            }
            date = DateValue(
                seconds: CivilDateTime(year: year, month: 1, day: 1).epochSeconds, precision: .year, isLocal: true)
        default: return nil
        }
        if type == .date && date.isMidnight { return TypedExpression(.value(.text(date.dateText)), .date) }
        let instant = type == .datetime ? date.instant(in: options.timeZone) : date
        return TypedExpression(.value(.text(instant.dateTimeText)), .datetime)
    }

    /// Brings two temporal operands to the same storage form (a date compared with a datetime reads as midnight).
    func unifyTemporal(_ l: TypedExpression, _ r: TypedExpression) -> (TypedExpression, TypedExpression) {
        func widen(_ e: TypedExpression) -> TypedExpression {
            e.type == .date ? TypedExpression(.dateAsDateTime(e), .datetime, aggregate: e.isAggregate) : e
        }
        if l.type == .date && r.type == .datetime || l.type == .datetime && r.type == .date {
            return (widen(l), widen(r))
        }
        return (l, r)
    }

    /// Analyzes two operands that must have comparable types.
    func comparable(
        _ left: ODSQL.Expression, _ right: ODSQL.Expression, what: String
    ) throws(ODSQLError) -> (TypedExpression, TypedExpression) {
        var l = try value(left)
        var r: TypedExpression
        if let coerced = try literal(right, as: l.type) {
            r = coerced
        } else {
            r = try value(right)
            if let coerced = try literal(left, as: r.type) { l = coerced }
        }
        try requireComparable(l, r, what: what, at: right.position)
        return unifyTemporal(l, r)
    }

    func requireComparable(
        _ l: TypedExpression, _ r: TypedExpression, what: String, at position: SourcePosition
    ) throws(ODSQLError) {
        let ok =
            l.type == .null || r.type == .null || l.type == r.type || (l.type.isNumeric && r.type.isNumeric)
            || (l.type.isTemporal && r.type.isTemporal) || (l.type == .json && r.type == .text)
            || (l.type == .text && r.type == .json)
        guard ok, !l.type.isGeo, !r.type.isGeo, l.type != .boundingBox, r.type != .boundingBox else {
            throw error(
                .typeMismatch,
                "Cannot \(what) \(typeName(l.type)) with \(typeName(r.type))", at: position)
        }
    }
}
