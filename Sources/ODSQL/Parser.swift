/// Recursive-descent parser of one ODSQL clause into the AST, with ODS precedence NOT > AND > OR.
///
/// Recursion is bounded by ``ODSQL/Limits/maxDepth`` (parentheses, prefix operators and tree depth), so deeply
/// nested input yields a clean error, never a stack overflow.
struct Parser {
    let clause: ODSQL.Clause
    let limits: ODSQL.Limits
    let source: [Unicode.Scalar]
    var tokens: [Token]
    var index = 0
    var nesting = 0

    init(_ text: String, clause: ODSQL.Clause, limits: ODSQL.Limits) throws(ODSQLError) {
        let source = Array(text.unicodeScalars)
        if source.count > limits.maxClauseLength {
            throw ODSQLError(
                clause: clause, position: Parser.position(at: limits.maxClauseLength, in: source),
                kind: .limitExceeded,
                detail: "Query is too long (\(source.count) characters, at most \(limits.maxClauseLength) allowed)")
        }
        self.clause = clause
        self.limits = limits
        self.source = source
        self.tokens = try Lexer.tokenize(text, clause: clause)
    }

    private static func position(at offset: Int, in source: [Unicode.Scalar]) -> SourcePosition {
        var line = 1
        var column = 1
        for scalar in source.prefix(offset) {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourcePosition(offset: offset, line: line, column: column)
    }

    // MARK: Token access

    var current: Token { tokens[index] }
    var isAtEnd: Bool { current.kind == .end }

    func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    mutating func accept(_ symbol: Symbol) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func acceptKeyword(_ word: String) -> Bool {
        guard current.isKeyword(word) else { return false }
        advance()
        return true
    }

    mutating func expect(_ symbol: Symbol) throws(ODSQLError) {
        guard accept(symbol) else { throw unexpected(expecting: "\"\(symbol.rawValue)\"") }
    }

    func error(_ kind: ODSQLError.Kind, _ detail: String, at position: SourcePosition) -> ODSQLError {
        ODSQLError(clause: clause, position: position, kind: kind, detail: detail)
    }

    func unexpected(expecting: String? = nil) -> ODSQLError {
        let found: String
        switch current.kind {
        case .end: found = "Unexpected end of clause"
        case .word(let text, _): found = "Unexpected \"\(text)\""
        case .string: found = "Unexpected string"
        case .number(let text): found = "Unexpected number \(text)"
        case .date: found = "Unexpected date literal"
        case .geometry: found = "Unexpected geometry literal"
        case .symbol(let symbol): found = "Unexpected \"\(symbol.rawValue)\""
        }
        let detail = expecting.map { "\(found), expected \($0)" } ?? found
        return error(.syntax, detail, at: current.position)
    }

    /// The source text from an offset to the end of the previous token, trimmed.
    func text(from start: Int) -> String {
        let end = index > 0 ? tokens[index - 1].endOffset : start
        guard end > start else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: source[start..<end])
        return String(view)
    }

    func checkDepth(_ expression: ODSQL.Expression) throws(ODSQLError) -> ODSQL.Expression {
        guard expression.depth <= limits.maxDepth else {
            throw error(
                .limitExceeded, "Expression is too deeply nested (at most \(limits.maxDepth) levels)",
                at: expression.position)
        }
        return expression
    }

    mutating func enterNesting(at position: SourcePosition) throws(ODSQLError) {
        nesting += 1
        if nesting > limits.maxDepth {
            throw error(
                .limitExceeded, "Expression is too deeply nested (at most \(limits.maxDepth) levels)",
                at: position)
        }
    }

    // MARK: Boolean levels

    mutating func parseExpression() throws(ODSQLError) -> ODSQL.Expression {
        try enterNesting(at: current.position)
        defer { nesting -= 1 }
        return try parseOr()
    }

    private mutating func parseOr() throws(ODSQLError) -> ODSQL.Expression {
        let first = try parseAnd()
        guard current.isKeyword("or") else { return first }
        var items = [first]
        while acceptKeyword("or") { items.append(try parseAnd()) }
        return try checkDepth(ODSQL.Expression(.or(items), at: first.position))
    }

    private mutating func parseAnd() throws(ODSQLError) -> ODSQL.Expression {
        let first = try parseNot()
        guard current.isKeyword("and") else { return first }
        var items = [first]
        while acceptKeyword("and") { items.append(try parseNot()) }
        return try checkDepth(ODSQL.Expression(.and(items), at: first.position))
    }

    private mutating func parseNot() throws(ODSQLError) -> ODSQL.Expression {
        let start = current.position
        guard acceptKeyword("not") else { return try parseComparison() }
        try enterNesting(at: start)
        defer { nesting -= 1 }
        return try checkDepth(ODSQL.Expression(.not(try parseNot()), at: start))
    }
}
