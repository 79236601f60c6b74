/// Splits one clause into tokens with positions (offset, line, column), decoding escapes.
///
/// Keywords are not distinguished here: every word is a `.word` and the parser compares case-insensitively.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private let clause: ODSQL.Clause
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String, clause: ODSQL.Clause) {
        self.scalars = Array(text.unicodeScalars)
        self.clause = clause
    }

    /// All tokens of the clause, ending with `.end`.
    static func tokenize(_ text: String, clause: ODSQL.Clause) throws(ODSQLError) -> [Token] {
        var lexer = Lexer(text, clause: clause)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var position: SourcePosition { SourcePosition(offset: index, line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let at = index + ahead
        return at < scalars.count ? scalars[at] : nil
    }

    private mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private func error(_ detail: String, at position: SourcePosition) -> ODSQLError {
        ODSQLError(clause: clause, position: position, kind: .syntax, detail: detail)
    }

    mutating func next() throws(ODSQLError) -> Token {
        while let scalar = peek(), scalar.properties.isWhitespace { advance() }
        let start = position
        guard let scalar = peek() else { return Token(kind: .end, position: start, endOffset: index) }
        let kind: TokenKind
        if scalar == "`" {
            kind = .word(try quoted(closing: "`", start: start), quoted: true)
        } else if scalar == "'" || scalar == "\"" {
            kind = .string(try quoted(closing: scalar, start: start))
        } else if Lexer.isDigit(scalar) {
            kind = .number(number())
        } else if Lexer.isWordScalar(scalar) {
            let text = word()
            let lower = text.lowercased()
            if lower == "date" || lower == "geom", let quote = peek(), quote == "'" || quote == "\"" {
                let content = try quoted(closing: quote, start: start)
                kind = lower == "date" ? .date(content) : .geometry(content)
            } else {
                kind = .word(text, quoted: false)
            }
        } else {
            kind = .symbol(try symbol(start: start))
        }
        return Token(kind: kind, position: start, endOffset: index)
    }

    /// Reads a quoted run; `\` escapes the next scalar (`\'`, `\"`, `` \` ``, `\\`).
    private mutating func quoted(closing: Unicode.Scalar, start: SourcePosition) throws(ODSQLError) -> String {
        advance()
        var content = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                let what = closing == "`" ? "backquoted name" : "string"
                throw error("Unterminated \(what)", at: start)
            }
            advance()
            if scalar == closing { return String(content) }
            if scalar == "\\" {
                guard let escaped = peek() else { throw error("Unterminated escape sequence", at: start) }
                advance()
                content.append(escaped)
            } else {
                content.append(scalar)
            }
        }
    }

    /// Reads `123` or `12.5`; `1..10` stops before the range dots.
    private mutating func number() -> String {
        var text = ""
        while let scalar = peek(), Lexer.isDigit(scalar) {
            text.unicodeScalars.append(scalar)
            advance()
        }
        if peek() == ".", let after = peek(1), Lexer.isDigit(after) {
            text.append(".")
            advance()
            while let scalar = peek(), Lexer.isDigit(scalar) {
                text.unicodeScalars.append(scalar)
                advance()
            }
        }
        return text
    }

    private mutating func word() -> String {
        var text = ""
        while let scalar = peek(), Lexer.isWordScalar(scalar) || Lexer.isDigit(scalar) {
            text.unicodeScalars.append(scalar)
            advance()
        }
        return text
    }

    private mutating func symbol(start: SourcePosition) throws(ODSQLError) -> Symbol {
        guard let scalar = peek() else { throw error("Unexpected end of clause", at: start) }
        let pair = peek(1).map { String(scalar) + String($0) } ?? ""
        switch pair {
        case "..", "!=", "<=", ">=", "<>":
            advance()
            advance()
            return pair == "<>" ? .notEqual : Symbol(rawValue: pair) ?? .notEqual
        default:
            break
        }
        if let symbol = Symbol(rawValue: String(scalar)) {
            advance()
            return symbol
        }
        throw error("Unexpected character \"\(String(scalar))\"", at: start)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || (scalar.properties.isAlphabetic && !isDigit(scalar))
    }
}
