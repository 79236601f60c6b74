import Testing

@testable import ODSQL

@Test func deeplyNestedParenthesesAreACleanError() {
    let text = String(repeating: "(", count: 10_000) + "nom = 'a'" + String(repeating: ")", count: 10_000)
    let error = Fixtures.error { _ = try ODSQL.parseWhere(text, limits: .init(maxClauseLength: 100_000)) }
    #expect(error?.kind == .limitExceeded)
    let nots = Fixtures.error { _ = try ODSQL.parseWhere(String(repeating: "not ", count: 5_000) + "open") }
    #expect(nots?.kind == .limitExceeded)
    let minus = Fixtures.error { _ = try ODSQL.parseWhere(String(repeating: "-", count: 5_000) + "1 > 0") }
    #expect(minus?.kind == .limitExceeded)
    let calls = String(repeating: "lower(", count: 200) + "nom" + String(repeating: ")", count: 200) + " = 'a'"
    #expect(Fixtures.error { _ = try ODSQL.parseWhere(calls) }?.kind == .limitExceeded)
}

@Test func longQueriesAreACleanError() {
    let huge = "nom = '" + String(repeating: "a", count: 100_000) + "'"
    let error = Fixtures.error { _ = try Fixtures.records(where: [huge]) }
    #expect(error?.kind == .limitExceeded)
    #expect(error?.position.offset == 10_000)
    let refine = Fixtures.error { _ = try Fixtures.records(refine: ["nom:" + String(repeating: "a", count: 20_000)]) }
    #expect(refine?.kind == .limitExceeded)
}

@Test func longAndChainsStayFlat() throws {
    let text = (0..<500).map { "population>\($0)" }.joined(separator: " and ")
    let query = try Fixtures.records(where: [text])
    #expect(query.bindings.count == 501)
}

@Test func inListSizeIsLimited() {
    let list = (0..<2_000).map(String.init).joined(separator: ",")
    let error = Fixtures.error { _ = try Fixtures.records(where: ["population in (\(list))"]) }
    #expect(error?.kind == .limitExceeded)
}

@Test(arguments: [
    "nom = 'x'; DROP TABLE gares; --",
    "nom = 'x' or 1=1 --",
    "\"a\" OR \"b\" NEAR/2 \"c\" {nom} : x*",
    "`nom\"; DROP TABLE gares; --` = 1",
    "nom = '\\'' or ''='",
    "search(*, '\" OR rowid > 0 --')",
])
func injectionAttemptsNeverReachSQLText(_ text: String) {
    do {
        let query = try Fixtures.records(where: [text])
        #expect(!query.sql.contains("DROP"))
        #expect(!query.sql.contains("NEAR"))
        #expect(!query.sql.contains("--"))
    } catch {
        #expect(error is ODSQLError)
    }
}

@Test func fullTextTermsAreQuotedByGarona() throws {
    let query = try Fixtures.records(where: [#"search(nom, 'a" OR b* NEAR(c)')"#])
    #expect(query.bindings.first == .text(#"{"nom"} : ("a" "OR" "b"* "NEAR" "c"*)"#))
}

@Test(arguments: [
    "", "   ", ",", "select", "nom as", "count(", "*,*", "include(", "nom nom", "\u{0}", "é = 1",
    "geom'", "date'2020", "1..", "[1..2]", "`", "a in", "a is", "a is maybe", "🙂",
])
func garbageNeverCrashes(_ text: String) {
    for clause in ["select", "where", "group_by", "order_by"] {
        do {
            switch clause {
            case "select": _ = try Fixtures.records(select: text)
            case "where": _ = try Fixtures.records(where: [text])
            case "group_by": _ = try Fixtures.records(groupBy: text)
            default: _ = try Fixtures.records(orderBy: text)
            }
        } catch {
            #expect(error is ODSQLError)
        }
    }
}
