import Testing

@testable import ODSQL

@Test func lexerReadsEveryTokenKindWithPositions() throws {
    let tokens = try Lexer.tokenize("`a\\`b` >= 'Don\\'t'\n AND date'2017' geom\"POINT(1 1)\" 5.8..10", clause: .where)
    #expect(
        tokens.map(\.kind) == [
            .word("a`b", quoted: true), .symbol(.greaterOrEqual), .string("Don't"), .word("AND", quoted: false),
            .date("2017"), .geometry("POINT(1 1)"), .number("5.8"), .symbol(.dotDot), .number("10"), .end,
        ])
    #expect(tokens[3].position == SourcePosition(offset: 20, line: 2, column: 2))
    #expect(tokens[2].position == SourcePosition(offset: 10, line: 1, column: 11))
}

@Test func lexerReadsOperatorsAndDoubleQuotes() throws {
    let tokens = try Lexer.tokenize("a<>b != c <= d : \"x\\\"y\" ]1..2[", clause: .where)
    let kinds = tokens.map(\.kind)
    #expect(kinds.contains(.symbol(.notEqual)))
    #expect(kinds.filter { $0 == .symbol(.notEqual) }.count == 2)
    #expect(kinds.contains(.string("x\"y")))
    #expect(kinds.contains(.symbol(.colon)))
}

@Test func keywordsAreCaseInsensitive() throws {
    let lower = try #require(try ODSQL.parseWhere("a is not null and b > 1"))
    let upper = try #require(try ODSQL.parseWhere("A IS NOT NULL AND B > 1"))
    #expect(lower.description == "(and (is-not-null (field a)) (> (field b) 1))")
    #expect(upper.description == "(and (is-not-null (field A)) (> (field B) 1))")
}

@Test func precedenceIsNotThenAndThenOr() throws {
    let parsed = try #require(try ODSQL.parseWhere("a or not b and c"))
    #expect(parsed.description == "(or (field a) (and (not (field b)) (field c)))")
    let grouped = try #require(try ODSQL.parseWhere("(a or b) and c"))
    #expect(grouped.description == "(and (or (field a) (field b)) (field c))")
    let arithmetic = try #require(try ODSQL.parseWhere("1 + 2 * -x > 3"))
    #expect(arithmetic.description == "(> (+ 1 (* 2 (neg (field x)))) 3)")
}

@Test func unterminatedStringIsASyntaxError() {
    let error = Fixtures.error { _ = try ODSQL.parseWhere("nom = 'abc") }
    #expect(error?.kind == .syntax)
    #expect(error?.position.offset == 6)
    #expect(error?.message == "Unterminated string in where clause at position 6")
}
