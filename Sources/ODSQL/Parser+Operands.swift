/// Units accepted after a number: distances (`10km`) and time intervals (`1 day`, `1d`).
let quantityUnits: Set<String> = [
    "mi", "yd", "ft", "m", "cm", "km", "mm",
    "ms", "millisecond", "milliseconds", "s", "second", "seconds", "minute", "minutes", "h", "hour", "hours",
    "d", "day", "days", "w", "week", "weeks", "M", "month", "months", "q", "quarter", "quarters", "y", "year",
    "years",
]

extension Parser {
    // MARK: Comparison level

    mutating func parseComparison() throws(ODSQLError) -> ODSQL.Expression {
        let left = try parseAdditive()
        let start = left.position
        if case .symbol(let symbol) = current.kind, let op = Parser.comparisonOperator(symbol) {
            advance()
            let right = try parseAdditive()
            return try checkDepth(ODSQL.Expression(.comparison(op, left, right), at: start))
        }
        if acceptKeyword("is") {
            let negated = acceptKeyword("not")
            let kind: ODSQL.Expression.Kind
            if acceptKeyword("null") {
                kind = .isNull(left, negated: negated)
            } else if acceptKeyword("true") {
                kind = .isBoolean(left, true, negated: negated)
            } else if acceptKeyword("false") {
                kind = .isBoolean(left, false, negated: negated)
            } else {
                throw unexpected(expecting: "NULL, TRUE or FALSE")
            }
            return try checkDepth(ODSQL.Expression(kind, at: start))
        }
        if current.isKeyword("not"), peek(1).isKeyword("in") || peek(1).isKeyword("like") {
            advance()
            let inner = try parseComparisonTail(left)
            return try checkDepth(ODSQL.Expression(.not(inner), at: start))
        }
        if current.isKeyword("in") || current.isKeyword("like") { return try parseComparisonTail(left) }
        return left
    }

    private mutating func parseComparisonTail(_ left: ODSQL.Expression) throws(ODSQLError) -> ODSQL.Expression {
        let start = left.position
        if acceptKeyword("like") {
            return try checkDepth(ODSQL.Expression(.like(left, try parseAdditive()), at: start))
        }
        guard acceptKeyword("in") else { throw unexpected(expecting: "IN or LIKE") }
        if current.isSymbol(.leftBracket) || current.isSymbol(.rightBracket) {
            let lowerInclusive = advance().isSymbol(.leftBracket)
            let lower = try parseAdditive()
            guard accept(.dotDot) || acceptKeyword("to") else { throw unexpected(expecting: "\"..\" or TO") }
            let upper = try parseAdditive()
            let upperInclusive: Bool
            if accept(.rightBracket) {
                upperInclusive = true
            } else if accept(.leftBracket) {
                upperInclusive = false
            } else {
                throw unexpected(expecting: "\"]\" or \"[\"")
            }
            let kind = ODSQL.Expression.Kind.inRange(
                left, lower: lower, upper: upper, lowerInclusive: lowerInclusive, upperInclusive: upperInclusive)
            return try checkDepth(ODSQL.Expression(kind, at: start))
        }
        if accept(.leftParen) {
            var items: [ODSQL.Expression] = []
            repeat {
                if items.count >= limits.maxInListSize {
                    throw error(
                        .limitExceeded, "IN list has too many values (at most \(limits.maxInListSize))",
                        at: current.position)
                }
                items.append(try parseAdditive())
            } while accept(.comma)
            try expect(.rightParen)
            return try checkDepth(ODSQL.Expression(.inList(left, items), at: start))
        }
        let field = try parseAdditive()
        return try checkDepth(ODSQL.Expression(.member(left, of: field), at: start))
    }

    private static func comparisonOperator(_ symbol: Symbol) -> ODSQL.ComparisonOperator? {
        switch symbol {
        case .equal, .colon: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .greater: .greater
        case .lessOrEqual: .lessOrEqual
        case .greaterOrEqual: .greaterOrEqual
        default: nil
        }
    }

    // MARK: Arithmetic levels

    mutating func parseAdditive() throws(ODSQLError) -> ODSQL.Expression {
        var left = try parseMultiplicative()
        while true {
            let op: ODSQL.ArithmeticOperator
            if current.isSymbol(.plus) {
                op = .add
            } else if current.isSymbol(.minus) {
                op = .subtract
            } else {
                return left
            }
            advance()
            let right = try parseMultiplicative()
            left = try checkDepth(ODSQL.Expression(.arithmetic(op, left, right), at: left.position))
        }
    }

    private mutating func parseMultiplicative() throws(ODSQLError) -> ODSQL.Expression {
        var left = try parseUnary()
        while true {
            let op: ODSQL.ArithmeticOperator
            if current.isSymbol(.star) {
                op = .multiply
            } else if current.isSymbol(.slash) {
                op = .divide
            } else {
                return left
            }
            advance()
            let right = try parseUnary()
            left = try checkDepth(ODSQL.Expression(.arithmetic(op, left, right), at: left.position))
        }
    }

    private mutating func parseUnary() throws(ODSQLError) -> ODSQL.Expression {
        let start = current.position
        if accept(.plus) {
            try enterNesting(at: start)
            defer { nesting -= 1 }
            return try parseUnary()
        }
        guard accept(.minus) else { return try parsePrimary() }
        try enterNesting(at: start)
        defer { nesting -= 1 }
        let operand = try parseUnary()
        if case .number(let text) = operand.kind {
            return ODSQL.Expression(.number("-" + text), at: start)
        }
        if case .quantity(let text, let unit) = operand.kind {
            return ODSQL.Expression(.quantity("-" + text, unit: unit), at: start)
        }
        return try checkDepth(ODSQL.Expression(.negate(operand), at: start))
    }

    // MARK: Primary

    private mutating func parsePrimary() throws(ODSQLError) -> ODSQL.Expression {
        let token = current
        let start = token.position
        switch token.kind {
        case .symbol(.leftParen):
            advance()
            let inner = try parseExpression()
            try expect(.rightParen)
            return inner
        case .number(let text):
            advance()
            if case .word(let unit, quoted: false) = current.kind, quantityUnits.contains(unit) {
                advance()
                return ODSQL.Expression(.quantity(text, unit: unit), at: start)
            }
            return ODSQL.Expression(.number(text), at: start)
        case .string(let text):
            advance()
            return ODSQL.Expression(.string(text), at: start)
        case .date(let text):
            advance()
            return ODSQL.Expression(.date(text), at: start)
        case .geometry(let text):
            advance()
            return ODSQL.Expression(.geometry(text), at: start)
        case .word(let name, let quoted):
            advance()
            // `default.modified`: the catalog's metadata template names its fields; the prefix is optional.
            if name.lowercased() == "default", current.isSymbol(.dot), case .word(let member, _) = peek(1).kind {
                advance()
                advance()
                return ODSQL.Expression(.field(member), at: start)
            }
            if quoted { return ODSQL.Expression(.field(name), at: start) }
            if current.isSymbol(.leftParen) { return try parseCall(name: name.lowercased(), at: start) }
            switch name.lowercased() {
            case "true": return ODSQL.Expression(.boolean(true), at: start)
            case "false": return ODSQL.Expression(.boolean(false), at: start)
            case "null": return ODSQL.Expression(.null, at: start)
            case let keyword where reservedKeywords.contains(keyword):
                throw error(
                    .syntax,
                    "\"\(name)\" is a reserved keyword; write `\(name)` to use it as a field name", at: start)
            default: return ODSQL.Expression(.field(name), at: start)
            }
        default:
            throw unexpected(expecting: "an expression")
        }
    }

    private mutating func parseCall(name: String, at start: SourcePosition) throws(ODSQLError) -> ODSQL.Expression {
        try expect(.leftParen)
        try enterNesting(at: start)
        defer { nesting -= 1 }
        var call = ODSQL.FunctionCall(name: name, arguments: [])
        if accept(.rightParen) { return ODSQL.Expression(.call(call), at: start) }
        if name == "count", acceptKeyword("distinct") { call.isDistinct = true }
        repeat {
            if call.arguments.count + call.namedArguments.count >= limits.maxListItems {
                throw error(
                    .limitExceeded, "Too many arguments to \(name)() (at most \(limits.maxListItems))",
                    at: current.position)
            }
            let argumentStart = current.position
            if current.isSymbol(.star), peek(1).isSymbol(.comma) || peek(1).isSymbol(.rightParen) {
                advance()
                call.arguments.append(ODSQL.Expression(.star, at: argumentStart))
            } else if case .word(let argumentName, quoted: false) = current.kind, peek(1).isSymbol(.equal),
                name == "now"
            {
                advance()
                advance()
                let value = try parseAdditive()
                call.namedArguments.append(
                    ODSQL.NamedArgument(name: argumentName.lowercased(), value: value, position: argumentStart))
            } else {
                call.arguments.append(try parseExpression())
            }
        } while accept(.comma)
        try expect(.rightParen)
        return try checkDepth(ODSQL.Expression(.call(call), at: start))
    }
}
