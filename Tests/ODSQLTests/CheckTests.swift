import Testing

@testable import ODSQL

private func whereError(_ text: String) -> ODSQLError? {
    Fixtures.error { _ = try Fixtures.records(where: [text]) }
}

@Test func unknownFieldNamesClauseAndPosition() {
    let error = whereError("population > 1 and foo = 2")
    #expect(error?.kind == .unknownField)
    #expect(error?.clause == .where)
    #expect(error?.message == #"Unknown field "foo" in where clause at position 19"#)
    #expect(error?.errorCode == "ODSQLError")
}

@Test(arguments: [
    ("in_bbox(nom, 1, 2, 3, 4)", ODSQLError.Kind.typeMismatch),
    ("nom + 1 > 2", .typeMismatch),
    ("date > date'2017-13-01'", .invalidLiteral),
    ("intersects(shape, geom'POLYGON((1 1, 2 2, 3 1))')", .invalidLiteral),
    ("intersects(shape, geom'POINT(200 1)')", .invalidLiteral),
    ("within_distance(geo, geom'LINESTRING(1 1, 2 2)', 1km)", .typeMismatch),
    ("within_distance(geo, geom'POINT(1 1)', 1parsec)", .syntax),
    ("sum(population) > 1", .notAllowedInClause),
    ("nom", .typeMismatch),
    ("population = 'x'", .typeMismatch),
    ("year > 1", .syntax),
    ("unknown_fn(nom)", .invalidFunction),
    ("random(1)", .notAllowedInClause),
    ("search(population, 'x')", .typeMismatch),
    ("population in (nom, 2)", .typeMismatch),
    ("nom = ", .syntax),
    ("(nom = 'a'", .syntax),
    ("now(foo=1) > updated", .invalidFunction),
])
func whereChecks(_ text: String, _ kind: ODSQLError.Kind) {
    #expect(whereError(text)?.kind == kind)
}

@Test func selectAndGroupChecks() {
    let ungrouped = Fixtures.error { _ = try Fixtures.records(select: "nom, count(*)") }
    #expect(ungrouped?.kind == .aggregateMisuse)
    #expect(ungrouped?.clause == .select)
    let star = Fixtures.error { _ = try Fixtures.records(select: "*", groupBy: "nom") }
    #expect(star?.kind == .aggregateMisuse)
    let nested = Fixtures.error { _ = try Fixtures.records(select: "sum(count(*))") }
    #expect(nested?.kind == .aggregateMisuse)
    let cluster = Fixtures.error { _ = try Fixtures.records(select: "count(*)", groupBy: "geo_cluster(shape, 10)") }
    #expect(cluster?.kind == .typeMismatch)
    let zoom = Fixtures.error { _ = try Fixtures.records(select: "count(*)", groupBy: "geo_cluster(geo, 26)") }
    #expect(zoom?.kind == .invalidLiteral)
    let clusterInSelect = Fixtures.error { _ = try Fixtures.records(select: "geo_cluster(geo, 3)") }
    #expect(clusterInSelect?.kind == .notAllowedInClause)
    let geoGroup = Fixtures.error { _ = try Fixtures.records(groupBy: "geo") }
    #expect(geoGroup?.kind == .unsupported)
    let order = Fixtures.error { _ = try Fixtures.records(select: "count(*)", groupBy: "nom", orderBy: "commune") }
    #expect(order?.kind == .aggregateMisuse)
    #expect(order?.clause == .orderBy)
    let range = Fixtures.error { _ = try Fixtures.records(select: "count(*)", groupBy: "range(date, 2 M)") }
    #expect(range?.kind == .unsupported)
    let rangeText = Fixtures.error { _ = try Fixtures.records(select: "count(*)", groupBy: "range(nom, 5)") }
    #expect(rangeText?.kind == .typeMismatch)
    let include = Fixtures.error { _ = try Fixtures.records(select: "include(nope)") }
    #expect(include?.kind == .unknownField)
    let rangeInWhere = whereError("range(population, 5) = 'x'")
    #expect(rangeInWhere?.kind == .notAllowedInClause)
}

@Test func refineAndExcludeChecks() {
    let unknown = Fixtures.error { _ = try Fixtures.records(refine: ["foo:1"]) }
    #expect(unknown?.clause == .refine)
    #expect(unknown?.kind == .unknownField)
    let badInt = Fixtures.error { _ = try Fixtures.records(exclude: ["population:abc"]) }
    #expect(badInt?.clause == .exclude)
    #expect(badInt?.kind == .invalidLiteral)
    #expect(badInt?.position.offset == 11)
    let badDate = Fixtures.error { _ = try Fixtures.records(refine: ["date:2023/13"]) }
    #expect(badDate?.kind == .invalidLiteral)
}
