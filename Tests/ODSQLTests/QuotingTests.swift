import Testing

@testable import ODSQL

/// SQL, full-text and ODSQL quoting holds per Unicode scalar: a quote, `%` or `\` fused into one `Character` with
/// a combining mark (U+0301) or after a prepended letter (U+0D4E, a Malayalam letter that begins a cluster) is
/// still escaped.
@Suite struct QuotingTests {
    @Test func identifiersDoubleFusedQuotes() {
        #expect(SQLiteDialect().quoteIdentifier("x\"\u{301}y") == "\"x\"\"\u{301}y\"")
        #expect(PostgreSQLDialect().quoteIdentifier("\u{600}\"") == "\"\u{600}\"\"\"")
        #expect(SQLQuoting.doubling("'", in: "plain") == "plain")
    }

    @Test func fullTextStringsDoubleFusedQuotes() {
        // `isLetter` holds for the cluster U+0D4E + `"`, so the analyzer keeps it inside a word.
        #expect("\u{D4E}\"".count == 1 && "\u{D4E}\"".first?.isLetter == true)
        let terms = [FullTextTerm(text: "\u{D4E}\"", isPrefix: true)]
        #expect(SQLiteDialect().fullTextQuery(terms, columns: []) == "\"\u{D4E}\"\"\"*")
        let postgres = [FullTextTerm(text: "'\u{301}", isPrefix: false)]
        #expect(PostgreSQLDialect().fullTextQuery(postgres, columns: []) == "'''\u{301}'")
    }

    @Test func likePatternsEscapeFusedWildcards() {
        #expect(SQLGenerator.escapeLike("%\u{301}_\u{301}\\\u{301}") == "\\%\u{301}\\_\u{301}\\\\\u{301}")
    }

    @Test func odsqlLiteralsEscapeFusedQuotes() throws {
        let literal = "\"\u{301} or 1 = 1 or \"\u{301}"
        let clause = "search(\"" + SQLQuoting.backslashing(["\\", "\""], in: literal) + "\")"
        // The whole text stays the one string argument of search().
        let expression = try #require(try ODSQL.parseWhere(clause))
        guard case .call(let call) = expression.kind else {
            Issue.record("not a call: \(expression)")
            return
        }
        #expect(call.name == "search" && call.arguments.map(\.kind) == [.string(literal)])
        #expect(SQLQuoting.backslashing(["\\", "`"], in: "`\u{301}\\") == "\\`\u{301}\\\\")
    }
}
