extension Parser {
    /// `where`: one boolean expression, or nil for an empty clause.
    mutating func parseWhereClause() throws(ODSQLError) -> ODSQL.Expression? {
        if isAtEnd { return nil }
        let expression = try parseExpression()
        guard isAtEnd else { throw unexpected(expecting: "AND, OR or the end of the clause") }
        return expression
    }

    /// `select`: `*`, expressions with labels, `include()`/`exclude()`.
    mutating func parseSelectClause() throws(ODSQLError) -> [ODSQL.SelectItem] {
        try parseList { (parser: inout Parser) throws(ODSQLError) -> ODSQL.SelectItem in
            let start = parser.current.position
            if parser.current.isSymbol(.star), parser.peek(1).isSymbol(.comma) || parser.peek(1).kind == .end {
                parser.advance()
                return .all(start)
            }
            if let word = parser.current.keyword, word == "include" || word == "exclude",
                parser.peek(1).isSymbol(.leftParen)
            {
                parser.advance()
                parser.advance()
                let patterns = try parser.parsePatterns()
                return word == "include" ? .include(patterns) : .exclude(patterns)
            }
            return .expression(try parser.parseLabeled())
        }
    }

    /// `group_by`: expressions with optional labels.
    mutating func parseGroupByClause() throws(ODSQLError) -> [ODSQL.LabeledExpression] {
        try parseList { (parser: inout Parser) throws(ODSQLError) in try parser.parseLabeled() }
    }

    /// `order_by`: expressions followed by ASC or DESC.
    mutating func parseOrderByClause() throws(ODSQLError) -> [ODSQL.OrderItem] {
        try parseList { (parser: inout Parser) throws(ODSQLError) -> ODSQL.OrderItem in
            let startOffset = parser.current.position.offset
            let expression = try parser.parseExpression()
            let text = parser.text(from: startOffset)
            var descending = false
            if parser.acceptKeyword("desc") {
                descending = true
            } else {
                _ = parser.acceptKeyword("asc")
            }
            return ODSQL.OrderItem(expression: expression, descending: descending, text: text)
        }
    }

    private mutating func parseList<Item>(
        _ parseItem: (inout Parser) throws(ODSQLError) -> Item
    ) throws(ODSQLError) -> [Item] {
        if isAtEnd { return [] }
        var items: [Item] = []
        repeat {
            if items.count >= limits.maxListItems {
                throw error(.limitExceeded, "Too many items (at most \(limits.maxListItems))", at: current.position)
            }
            items.append(try parseItem(&self))
        } while accept(.comma)
        guard isAtEnd else { throw unexpected(expecting: "\",\" or the end of the clause") }
        return items
    }

    private mutating func parseLabeled() throws(ODSQLError) -> ODSQL.LabeledExpression {
        let startOffset = current.position.offset
        let expression = try parseExpression()
        var text = text(from: startOffset)
        if case .field(let name) = expression.kind { text = name }
        var label: String?
        if acceptKeyword("as") {
            guard case .word(let name, let quoted) = current.kind else { throw unexpected(expecting: "a label") }
            if !quoted, reservedKeywords.contains(name.lowercased()) {
                throw error(
                    .syntax, "\"\(name)\" is a reserved keyword; write `\(name)` to use it as a label",
                    at: current.position)
            }
            advance()
            label = name
        }
        return ODSQL.LabeledExpression(expression: expression, label: label, text: text)
    }

    private mutating func parsePatterns() throws(ODSQLError) -> [ODSQL.FieldPattern] {
        var patterns: [ODSQL.FieldPattern] = []
        repeat {
            let start = current.position
            let name: String
            switch current.kind {
            case .word(let text, _): name = text
            case .number(let text): name = text
            default: throw unexpected(expecting: "a field name")
            }
            advance()
            let isPrefix = current.isSymbol(.star) && current.position.offset == tokens[index - 1].endOffset
            if isPrefix { advance() }
            patterns.append(ODSQL.FieldPattern(name: name, isPrefix: isPrefix, position: start))
        } while accept(.comma)
        try expect(.rightParen)
        return patterns
    }
}

extension ODSQL {
    /// Parses a `select` clause; an empty clause gives an empty list (meaning `*`).
    public static func parseSelect(_ text: String, limits: Limits = .standard) throws(ODSQLError) -> [SelectItem] {
        var parser = try Parser(text, clause: .select, limits: limits)
        return try parser.parseSelectClause()
    }

    /// Parses a `where` clause; an empty clause gives nil.
    public static func parseWhere(
        _ text: String, clause: Clause = .where, limits: Limits = .standard
    ) throws(ODSQLError) -> Expression? {
        var parser = try Parser(text, clause: clause, limits: limits)
        return try parser.parseWhereClause()
    }

    /// Parses a `group_by` clause.
    public static func parseGroupBy(
        _ text: String, limits: Limits = .standard
    ) throws(ODSQLError) -> [LabeledExpression] {
        var parser = try Parser(text, clause: .groupBy, limits: limits)
        return try parser.parseGroupByClause()
    }

    /// Parses an `order_by` clause.
    public static func parseOrderBy(_ text: String, limits: Limits = .standard) throws(ODSQLError) -> [OrderItem] {
        var parser = try Parser(text, clause: .orderBy, limits: limits)
        return try parser.parseOrderByClause()
    }
}
