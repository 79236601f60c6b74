import Foundation
import ODSQL

/// An aggregate query that ``ColumnAccelerator`` can answer from column arrays, read back from the SQL that the ODSQL
/// compiler wrote for the engine: a total (`SELECT COUNT(*) FROM "t" WHERE …`), facet counts or a `group_by` on one
/// text field (`SELECT "k", COUNT(*) … GROUP BY 1 ORDER BY …`), under a conjunction of comparisons between a field
/// and a bound value and of full-text searches. Any other SQL is not recognised (nil), and the engine answers it.
struct AggregateShape: Equatable {
    /// One condition of the filter: every one must hold.
    enum Condition: Equatable {
        case compare(column: String, op: Operator, value: SQLValue)
        case notNull(column: String)
        /// The records that a full-text query matches: in the full-text table `index` (SQLite), or whose search
        /// vector column `index` matches it (PostgreSQL, `"v" @@ garona_search_query(?)`).
        case fullText(index: String, query: SQLValue)
    }

    /// The comparison operators the compiler writes.
    enum Operator: String, Equatable {
        case equal = "="
        case notEqual = "<>"
        case less = "<"
        case greater = ">"
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
    }

    /// An aggregate output.
    enum Aggregate: Equatable {
        case countAll
        case count(String)
        case sum(String)
        case avg(String)
        case min(String)
        case max(String)
    }

    /// A term of `ORDER BY`: a 1-based output ordinal and its direction, NULLs last when told or by the engine's
    /// default (SQLite puts them first in ascending order, PostgreSQL last).
    struct OrderTerm: Equatable {
        var ordinal: Int
        var descending: Bool
        var nullsLast: Bool
    }

    var table: String
    /// The grouped text field; nil for a total.
    var key: String?
    var aggregates: [Aggregate]
    var conditions: [Condition]
    var order: [OrderTerm]
    var limit: Int64?
    var offset: Int64

    /// The shape of `query`, compiled for `engine`, or nil when it is anything else.
    init?(_ query: CompiledQuery, engine: AcceleratedEngine = .sqlite) {
        guard let tokens = AggregateTokens.split(query.sql) else { return nil }
        var reader = AggregateShapeReader(tokens: tokens, bindings: query.bindings, engine: engine)
        guard let shape = reader.read(), reader.isAtEnd, reader.usedAllBindings else { return nil }
        self = shape
    }

    init(
        table: String, key: String?, aggregates: [Aggregate], conditions: [Condition], order: [OrderTerm],
        limit: Int64?, offset: Int64
    ) {
        self.table = table
        self.key = key
        self.aggregates = aggregates
        self.conditions = conditions
        self.order = order
        self.limit = limit
        self.offset = offset
    }

    /// The fields the answer reads.
    var columns: [String] {
        var names: [String] = key.map { [$0] } ?? []
        for condition in conditions {
            switch condition {
            case .compare(let column, _, _), .notNull(let column): names.append(column)
            case .fullText: break
            }
        }
        for aggregate in aggregates {
            switch aggregate {
            case .countAll: break
            case .count(let column), .sum(let column), .avg(let column), .min(let column), .max(let column):
                names.append(column)
            }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}

/// The tokens of compiled SQL: quoted identifiers, placeholders (`?`, or `$1`, `$2`… numbered in order), words,
/// numbers and punctuation.
enum AggregateTokens {
    enum Token: Equatable {
        case identifier(String)
        case placeholder
        case word(String)
        case symbol(String)
    }

    static func split(_ sql: String) -> [Token]? {
        var tokens: [Token] = []
        var placeholders = 0
        let scalars = Array(sql.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " {
                index += 1
            } else if scalar == "\"" {
                var name = String.UnicodeScalarView()
                index += 1
                while true {
                    guard index < scalars.count else { return nil }
                    if scalars[index] == "\"" {
                        if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                            name.append("\"")
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    name.append(scalars[index])
                    index += 1
                }
                tokens.append(.identifier(String(name)))
            } else if scalar == "?" {
                tokens.append(.placeholder)
                placeholders += 1
                index += 1
            } else if scalar == "$" {
                // PostgreSQL's `$n`: the compiler numbers the placeholders in the order they are written.
                var number = 0
                index += 1
                while index < scalars.count, ("0"..."9").contains(scalars[index]), number < 100_000 {
                    number = number * 10 + Int(scalars[index].value - 48)
                    index += 1
                }
                placeholders += 1
                guard number == placeholders else { return nil }
                tokens.append(.placeholder)
            } else if isWordScalar(scalar) {
                var word = String.UnicodeScalarView()
                while index < scalars.count, isWordScalar(scalars[index]) {
                    word.append(scalars[index])
                    index += 1
                }
                tokens.append(.word(String(word).uppercased()))
            } else if "<>=".unicodeScalars.contains(scalar) {
                var symbol = String(scalar)
                if index + 1 < scalars.count, "<>=".unicodeScalars.contains(scalars[index + 1]) {
                    symbol.unicodeScalars.append(scalars[index + 1])
                    index += 1
                }
                tokens.append(.symbol(symbol))
                index += 1
            } else if scalar == "@", index + 1 < scalars.count, scalars[index + 1] == "@" {
                tokens.append(.symbol("@@"))
                index += 2
            } else if "(),*./".unicodeScalars.contains(scalar) {
                tokens.append(.symbol(String(scalar)))
                index += 1
            } else {
                return nil
            }
        }
        return tokens
    }

    /// A letter, an ASCII digit or `_`.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
    }
}

/// Reads an ``AggregateShape`` from tokens, consuming the bindings in placeholder order.
struct AggregateShapeReader {
    let tokens: [AggregateTokens.Token]
    let bindings: [SQLValue]
    let engine: AcceleratedEngine
    var position = 0
    var bindingIndex = 0
    /// The records table, once read.
    var table: String?

    init(tokens: [AggregateTokens.Token], bindings: [SQLValue], engine: AcceleratedEngine) {
        self.tokens = tokens
        self.bindings = bindings
        self.engine = engine
    }

    var isAtEnd: Bool { position == tokens.count }
    var usedAllBindings: Bool { bindingIndex == bindings.count }

    mutating func read() -> AggregateShape? {
        guard take(.word("SELECT")) else { return nil }
        var key: String?
        var aggregates: [AggregateShape.Aggregate] = []
        if case .identifier(let name)? = peek {
            key = name
            position += 1
            guard take(.symbol(",")) else { return nil }
        }
        repeat {
            guard let aggregate = readAggregate() else { return nil }
            aggregates.append(aggregate)
        } while take(.symbol(","))
        guard take(.word("FROM")) else { return nil }
        var conditions: [AggregateShape.Condition] = []
        // A total over the matches of a full-text search: `FROM (SELECT rowid FROM "fts" WHERE "fts" MATCH ?) AS
        // "fts" CROSS JOIN "t" ON "t".rowid = "fts".rowid`.
        let joinsSearch = key == nil && take(.symbol("("))
        if joinsSearch {
            guard take(.word("SELECT")), let search = readMatches(), take(.symbol(")")), take(.word("AS")),
                take(.identifier("fts"))
            else { return nil }
            conditions.append(search)
            // A total of the matches alone, `… AS "fts"` and nothing more, on the full-text table of `"t"`.
            if isAtEnd, case .fullText(let index, _) = search, index.hasSuffix("__fts") {
                return AggregateShape(
                    table: String(index.dropLast(5)), key: nil, aggregates: aggregates, conditions: conditions,
                    order: [], limit: nil, offset: 0)
            }
            guard take(.word("CROSS")), take(.word("JOIN")) else { return nil }
        }
        guard case .identifier(let table)? = next() else { return nil }
        self.table = table
        if joinsSearch {
            let joined: [AggregateTokens.Token] = [
                .word("ON"), .identifier(table), .symbol("."), .word("ROWID"), .symbol("="), .identifier("fts"),
                .symbol("."), .word("ROWID"),
            ]
            guard joined.allSatisfy({ take($0) }) else { return nil }
        }
        if take(.word("WHERE")) {
            guard readConjunction(into: &conditions) else { return nil }
        }
        var order: [AggregateShape.OrderTerm] = []
        if key != nil {
            guard take(.word("GROUP")), take(.word("BY")), take(.word("1")) else { return nil }
            if take(.word("ORDER")) {
                guard take(.word("BY")) else { return nil }
                repeat {
                    guard let term = readOrderTerm(outputs: 1 + aggregates.count) else { return nil }
                    order.append(term)
                } while take(.symbol(","))
            }
        }
        var limit: Int64?
        var offset: Int64 = 0
        if take(.word("LIMIT")) {
            guard case .int(let value)? = readBinding() else { return nil }
            limit = value < 0 ? nil : value
            if take(.word("OFFSET")) {
                guard case .int(let skipped)? = readBinding(), skipped >= 0 else { return nil }
                offset = skipped
            }
        }
        return AggregateShape(
            table: table, key: key, aggregates: aggregates, conditions: conditions, order: order, limit: limit,
            offset: offset)
    }

    /// `rowid FROM "fts" WHERE "fts" MATCH ?`, after `SELECT`.
    private mutating func readMatches() -> AggregateShape.Condition? {
        guard take(.word("ROWID")), take(.word("FROM")), case .identifier(let index)? = next(), take(.word("WHERE")),
            take(.identifier(index)), take(.word("MATCH")), let query = readBinding()
        else { return nil }
        return .fullText(index: index, query: query)
    }

    private mutating func readAggregate() -> AggregateShape.Aggregate? {
        // PostgreSQL's mean of integers: `(CAST(SUM("c") AS double precision) / COUNT("c"))`.
        if engine == .postgres, take(.symbol("(")) {
            let cast: [AggregateTokens.Token] = [.word("CAST"), .symbol("("), .word("SUM"), .symbol("(")]
            guard cast.allSatisfy({ take($0) }), case .identifier(let column)? = next() else { return nil }
            let rest: [AggregateTokens.Token] = [
                .symbol(")"), .word("AS"), .word("DOUBLE"), .word("PRECISION"), .symbol(")"), .symbol("/"),
                .word("COUNT"), .symbol("("), .identifier(column), .symbol(")"), .symbol(")"),
            ]
            return rest.allSatisfy({ take($0) }) ? .avg(column) : nil
        }
        guard case .word(let function)? = next(), take(.symbol("(")) else { return nil }
        if function == "COUNT", take(.symbol("*")) {
            return take(.symbol(")")) ? .countAll : nil
        }
        guard case .identifier(let column)? = next(), take(.symbol(")")) else { return nil }
        switch function {
        case "COUNT": return .count(column)
        case "SUM": return .sum(column)
        case "AVG": return .avg(column)
        case "MIN": return .min(column)
        case "MAX": return .max(column)
        default: return nil
        }
    }

    /// `a AND b AND …`, each a parenthesised conjunction, a comparison or `"f" IS NOT NULL`.
    private mutating func readConjunction(into conditions: inout [AggregateShape.Condition]) -> Bool {
        repeat {
            guard readPrimary(into: &conditions) else { return false }
        } while take(.word("AND"))
        return true
    }

    private mutating func readPrimary(into conditions: inout [AggregateShape.Condition]) -> Bool {
        if take(.symbol("(")) {
            return readConjunction(into: &conditions) && take(.symbol(")"))
        }
        guard case .identifier(let column)? = next() else { return false }
        // `"t".rowid IN (SELECT rowid FROM "fts" WHERE "fts" MATCH ?)`: a full-text search beside other conditions.
        if take(.symbol(".")) {
            guard column == table, take(.word("ROWID")), take(.word("IN")), take(.symbol("(")), take(.word("SELECT")),
                let search = readMatches(), take(.symbol(")"))
            else { return false }
            conditions.append(search)
            return true
        }
        if take(.word("IS")) {
            guard take(.word("NOT")), take(.word("NULL")) else { return false }
            conditions.append(.notNull(column: column))
            return true
        }
        // `"v" @@ garona_search_query(?)`: PostgreSQL's full-text search in the vector column `"v"`.
        if engine == .postgres, take(.symbol("@@")) {
            guard take(.word("GARONA_SEARCH_QUERY")), take(.symbol("(")), let query = readBinding(), take(.symbol(")"))
            else { return false }
            conditions.append(.fullText(index: column, query: query))
            return true
        }
        guard case .symbol(let text)? = next(), let op = AggregateShape.Operator(rawValue: text),
            let value = readBinding()
        else { return false }
        conditions.append(.compare(column: column, op: op, value: value))
        return true
    }

    private mutating func readOrderTerm(outputs: Int) -> AggregateShape.OrderTerm? {
        guard case .word(let digits)? = next(), let ordinal = Int(digits), (1...outputs).contains(ordinal) else {
            return nil
        }
        var term = AggregateShape.OrderTerm(ordinal: ordinal, descending: false, nullsLast: false)
        if take(.word("DESC")) {
            term.descending = true
        } else {
            _ = take(.word("ASC"))
        }
        term.nullsLast = engine.sortsNullsLast(descending: term.descending)
        if take(.word("NULLS")) {
            if take(.word("LAST")) {
                term.nullsLast = true
            } else if take(.word("FIRST")) {
                term.nullsLast = false
            } else {
                return nil
            }
        }
        return term
    }

    private mutating func readBinding() -> SQLValue? {
        guard take(.placeholder), bindingIndex < bindings.count else { return nil }
        defer { bindingIndex += 1 }
        return bindings[bindingIndex]
    }

    private var peek: AggregateTokens.Token? { position < tokens.count ? tokens[position] : nil }

    private mutating func next() -> AggregateTokens.Token? {
        defer { position += 1 }
        return peek
    }

    private mutating func take(_ token: AggregateTokens.Token) -> Bool {
        guard peek == token else { return false }
        position += 1
        return true
    }
}
