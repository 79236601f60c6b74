/// A punctuation or operator token of ODSQL.
enum Symbol: String, Sendable, Hashable {
    case leftParen = "("
    case rightParen = ")"
    case comma = ","
    case dot = "."
    case dotDot = ".."
    case star = "*"
    case plus = "+"
    case minus = "-"
    case slash = "/"
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case greater = ">"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case colon = ":"
    case leftBracket = "["
    case rightBracket = "]"
}

/// What a token is, with its decoded content.
enum TokenKind: Sendable, Hashable {
    /// A word: a field name, keyword or function name. `quoted` is true for backquoted names.
    case word(String, quoted: Bool)
    /// A string literal, escapes decoded.
    case string(String)
    /// A numeric literal as written (`100`, `5.8`).
    case number(String)
    /// The content of `date'…'`.
    case date(String)
    /// The content of `geom'…'`.
    case geometry(String)
    case symbol(Symbol)
    case end
}

/// A token with its position and the offset just after it.
struct Token: Sendable, Hashable {
    var kind: TokenKind
    var position: SourcePosition
    var endOffset: Int

    /// The lowercased word when the token is an unquoted word.
    var keyword: String? {
        if case .word(let text, quoted: false) = kind { return text.lowercased() }
        return nil
    }

    func isKeyword(_ word: String) -> Bool { keyword == word }

    func isSymbol(_ symbol: Symbol) -> Bool { kind == .symbol(symbol) }
}

/// The reserved keywords of the reference; they need backquotes to be used as field names.
let reservedKeywords: Set<String> = [
    "and", "as", "asc", "avg", "by", "count", "date_format", "day", "dayofweek", "desc", "distinct", "equi",
    "false", "group", "hour", "ifnull", "or", "limit", "lower", "max", "millisecond", "min", "minute", "month",
    "not", "null", "quarter", "range", "search", "second", "select", "sum", "top", "true", "upper", "where",
    "year",
]
