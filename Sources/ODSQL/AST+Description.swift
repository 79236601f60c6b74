import Foundation

extension ODSQL.Expression {
    /// A stable S-expression, used by golden tests: `(and (> (field pop) 5) (search * "tree"))`.
    public var description: String {
        switch kind {
        case .field(let name): return "(field \(name))"
        case .string(let text): return quote(text)
        case .number(let text): return text
        case .boolean(let value): return value ? "true" : "false"
        case .null: return "null"
        case .date(let text): return "(date \(quote(text)))"
        case .geometry(let text): return "(geom \(quote(text)))"
        case .quantity(let value, let unit): return "(quantity \(value) \(unit))"
        case .star: return "*"
        case .negate(let operand): return "(neg \(operand))"
        case .not(let operand): return "(not \(operand))"
        case .arithmetic(let op, let left, let right): return "(\(op.rawValue) \(left) \(right))"
        case .comparison(let op, let left, let right): return "(\(op.rawValue) \(left) \(right))"
        case .and(let items): return "(and \(items.map(\.description).joined(separator: " ")))"
        case .or(let items): return "(or \(items.map(\.description).joined(separator: " ")))"
        case .isNull(let operand, let negated): return "(\(negated ? "is-not-null" : "is-null") \(operand))"
        case .isBoolean(let operand, let value, let negated):
            return "(\(negated ? "is-not" : "is") \(operand) \(value))"
        case .inList(let operand, let items):
            return "(in \(operand) (\(items.map(\.description).joined(separator: " "))))"
        case .inRange(let operand, let lower, let upper, let lowerInclusive, let upperInclusive):
            return "(in \(operand) \(lowerInclusive ? "[" : "]")\(lower) \(upper)\(upperInclusive ? "]" : "["))"
        case .member(let value, let field): return "(member \(value) \(field))"
        case .like(let left, let right): return "(like \(left) \(right))"
        case .call(let call):
            var parts = [call.name]
            if call.isDistinct { parts.append("distinct") }
            parts += call.arguments.map(\.description)
            parts += call.namedArguments.map { "\($0.name)=\($0.value)" }
            return "(" + parts.joined(separator: " ") + ")"
        }
    }

    private func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension ODSQL.SelectItem: CustomStringConvertible {
    /// A stable rendering for golden tests.
    public var description: String {
        switch self {
        case .all: return "*"
        case .expression(let item): return item.label.map { "\(item.expression) as \($0)" } ?? "\(item.expression)"
        case .include(let patterns): return "(include \(patterns.map(\.description).joined(separator: " ")))"
        case .exclude(let patterns): return "(exclude \(patterns.map(\.description).joined(separator: " ")))"
        }
    }
}

extension ODSQL.FieldPattern: CustomStringConvertible {
    public var description: String { isPrefix ? name + "*" : name }
}

extension ODSQL.LabeledExpression: CustomStringConvertible {
    public var description: String { label.map { "\(expression) as \($0)" } ?? "\(expression)" }
}

extension ODSQL.OrderItem: CustomStringConvertible {
    public var description: String { "\(expression) \(descending ? "desc" : "asc")" }
}
