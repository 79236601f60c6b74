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

/// Issue 10: `range()` bounds past Int64 trapped on a Double → Int64 conversion and killed the process.
@Test(arguments: [
    "range(population, 0, 10000000000000000000)",
    "range(population, *, -9223372036854775808, 9223372036854775807, *)",
    "range(population, 9223372036854775807)",
    "range(population, 0, 1000000000000000)",
    "range(price, 0, 10000000000000000000)",
])
func rangeBoundsBeyondInt64AreDoubles(_ groupBy: String) throws {
    let query = try Fixtures.records(select: "count(*)", groupBy: groupBy)
    for case .int(let bound) in query.bindings { #expect(abs(bound) < 1_000_000_000_000_000) }
    #expect(query.bindings.contains { if case .double = $0 { true } else { false } })
}

@Test func rangeKeepsIntegerLabelsForWholeNumbers() throws {
    let query = try Fixtures.records(select: "count(*)", groupBy: "range(population, 0, 100, 1000)")
    #expect(query.bindings.contains(.int(100)))
    #expect(query.bindings.contains(.text("[100, 999]")))
}

@Test(arguments: [
    "population > 9223372036854775808", "population = -9223372036854775808", "price > 1e400",
    "population in [1..99999999999999999999]", "updated > now(days=9223372036854775807)",
    "updated > now(years=-9223372036854775807, months=9223372036854775807)", "updated > date'-0001-01-01'",
    "updated > date'0000-01-01'", "updated > date'99999-01-01'", "updated > date'2020-13-01'",
    "date > 0", "date > 99999", "within_distance(geo, geom'POINT(1 43)', 179769313486231570000000000mi)",
    "intersects(shape, geom'POLYGON((0 0, 1e308 0, 1 1, 0 0))')", "in_bbox(geo, 1e308, -1e308, 0, 0)",
    #"intersects(shape, geom'{"type":"Polygon","coordinates":[[[0,0],[1e400,0],[1,1],[0,0]]]}')"#,
])
func extremeLiteralsAreACleanErrorOrAQuery(_ text: String) {
    do {
        _ = try Fixtures.records(where: [text])
    } catch {
        #expect(error is ODSQLError)
    }
}

@Test func anInfiniteDistanceIsRefused() {
    let metres = String(repeating: "9", count: 306) + "mi"
    let error = Fixtures.error { _ = try Fixtures.records(where: ["within_distance(geo, geom'POINT(1 43)', \(metres))"]) }
    #expect(error?.kind == .invalidLiteral)
}

/// A date literal whose UTC instant is past 9999 (or before year 1) compared as text with stored dates gave wrong
/// answers (`"10000-…" < "2018-…"`): it is an invalid literal.
@Test(arguments: [
    "updated > date'9999-12-31T23:59:59-14:00'", "updated < date'0001-01-01T00:00:00+01:00'",
    "updated in [date'2020-01-01'..date'9999-12-31T20:00:00-05:00']",
])
func dateLiteralsLeavingYearsOneTo9999AreRefused(_ text: String) {
    #expect(Fixtures.error { _ = try Fixtures.records(where: [text]) }?.kind == .invalidLiteral)
}

@Test func refiningOnTheLastYearEndsAtItsLastInstant() throws {
    let datetime = try Fixtures.records(refine: ["updated:9999"], limit: nil)
    #expect(datetime.bindings.suffix(2) == [.text("9999-01-01T00:00:00Z"), .text("9999-12-31T23:59:59Z")])
    #expect(datetime.sql.contains("<= ?"))
    let date = try Fixtures.records(refine: ["date:9999-12-31"], limit: nil)
    #expect(date.bindings.suffix(2) == [.text("9999-12-31"), .text("9999-12-31")])
    let earlier = try Fixtures.records(refine: ["updated:9998"], limit: nil)
    #expect(earlier.bindings.suffix(2) == [.text("9998-01-01T00:00:00Z"), .text("9999-01-01T00:00:00Z")])
    #expect(earlier.sql.contains("< ?"))
}

/// SQLite refuses expression trees over 1,000 levels, and parses a flat chain of n ORs n levels deep: 1,400
/// `1=1 or` in one filter gave a 500. Long chains are grouped in parenthesized runs.
@Test func longBooleanChainsNestOnlyAFewLevels() throws {
    let query = try Fixtures.records(where: [Array(repeating: "1=1", count: 1_400).joined(separator: " or ")])
    var depth = 0
    var deepest = 0
    for character in query.sql {
        if character == "(" { depth += 1 }
        if character == ")" { depth -= 1 }
        deepest = max(deepest, depth)
    }
    #expect(deepest < 10)
    #expect(query.bindings.count == 2_800 + 1)
    let short = try Fixtures.records(where: ["population > 1 or population < 0 or open"], limit: nil)
    #expect(short.sql.hasSuffix("WHERE ((\"population\" > ?) OR (\"population\" < ?) OR (\"open\" = 1))"))
}

/// Hundreds of ORed equalities on one indexed column, in several filters, kept SQLite's planner busy for seconds
/// (15 s for three filters of 600): they compile to one IN list, the same test.
@Test func oredEqualitiesOnOneColumnAreAnInList() throws {
    let chain = Array(repeating: "population = 1", count: 500).joined(separator: " or ")
    let query = try Fixtures.records(where: [chain, chain, chain], limit: nil)
    #expect(query.sql.ranges(of: " IN (").count == 3)
    #expect(!query.sql.contains(" OR "))
    let mixed = try Fixtures.records(where: ["population = 1 or capacity = 2 or population > 3"], limit: nil)
    #expect(mixed.sql.contains(" OR ") && !mixed.sql.contains(" IN ("))
    let tags = try Fixtures.records(where: ["tags = 'a' or tags = 'b'"], limit: nil)
    #expect(!tags.sql.contains(" IN (?"))
}

/// ORs on several indexed columns cannot become one IN list, and SQLite's planner, which the query budget cannot
/// interrupt, took 20 s for three filters of 520 alternating equalities: past 256 alternatives in all, the ORs are
/// hidden from the planner (a unary `+`, the same value) and evaluated row by row, which the budget interrupts.
@Test func manyORsOnSeveralColumnsAreHiddenFromThePlanner() throws {
    let alternating = (0..<520).map { $0 % 2 == 0 ? "population = \($0)" : "capacity = \($0)" }
    let chain = alternating.joined(separator: " or ")
    let hidden = try Fixtures.records(where: [chain, chain, chain], limit: nil)
    #expect(hidden.sql.ranges(of: "(+(").count >= 3)
    let small = (0..<100).map { $0 % 2 == 0 ? "population = \($0)" : "capacity = \($0)" }.joined(separator: " or ")
    let planned = try Fixtures.records(where: [small, small], limit: nil)
    #expect(!planned.sql.contains("(+("))
    let facets = try Fixtures.sqlite.facet(ODSQL.QueryText(where: [chain]), field: "commune")
    #expect(facets.sql.contains("(+("))
}
