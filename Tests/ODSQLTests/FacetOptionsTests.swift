import Testing

@testable import ODSQL

/// The `disjunctive` and `hierarchical`/`separator` options of `facet(...)`, as compiled SQL.
@Suite struct FacetOptionsTests {
    @Test func refinesOfADisjunctiveFieldMakeOneOr() throws {
        var text = ODSQL.QueryText(refines: ["commune:Albi", "code:31", "commune:Rodez"])
        let plain = try Fixtures.sqlite.count(text)
        #expect(plain.sql == #"SELECT COUNT(*) FROM "gares" WHERE (("commune" = ?) AND ("code" = ?) AND ("commune" = ?))"#)
        text.disjunctiveFields = ["commune"]
        let either = try Fixtures.sqlite.count(text)
        #expect(
            either.sql == #"SELECT COUNT(*) FROM "gares" WHERE ((("commune" = ?) OR ("commune" = ?)) AND ("code" = ?))"#)
        #expect(either.bindings == [.text("Albi"), .text("Rodez"), .text("31")])
    }

    @Test func aRefinedPathMatchesThePathsBelowIt() throws {
        var text = ODSQL.QueryText(refines: ["commune:Occitanie/Tarn"], excludes: ["commune:Occitanie/Lot"])
        text.hierarchySeparators = ["commune": "/"]
        let count = try Fixtures.sqlite.count(text)
        #expect(
            count.sql == #"""
                SELECT COUNT(*) FROM "gares" WHERE ((("commune" = ?) OR substr("commune", 1, ?) = ?) AND (((("commune" = ?) OR substr("commune", 1, ?) = ?)) IS NOT TRUE))
                """#)
        #expect(
            count.bindings == [
                .text("Occitanie/Tarn"), .int(15), .text("Occitanie/Tarn/"), .text("Occitanie/Lot"), .int(14),
                .text("Occitanie/Lot/"),
            ])
        // A separator on a field that is not text leaves the refine an equality.
        text = ODSQL.QueryText(refines: ["population:5"])
        text.hierarchySeparators = ["population": "/"]
        #expect(try Fixtures.sqlite.count(text).sql == #"SELECT COUNT(*) FROM "gares" WHERE ("population" = ?)"#)
    }

    @Test func firstLevelOfAHierarchyOnBothEngines() throws {
        let hierarchy = ODSQL.FacetHierarchy(separator: " > ")
        let sqlite = try Fixtures.sqlite.facet(ODSQL.QueryText(), field: "commune", limit: 10, hierarchy: hierarchy)
        #expect(
            sqlite.sql == #"""
                SELECT CASE WHEN instr("commune", ?) > 0 THEN substr("commune", 1, instr("commune", ?) - 1) ELSE "commune" END, COUNT(*) FROM "gares" WHERE "commune" IS NOT NULL AND CASE WHEN instr("commune", ?) > 0 THEN substr("commune", 1, instr("commune", ?) - 1) ELSE "commune" END <> '' GROUP BY 1 ORDER BY 2 DESC, 1 ASC LIMIT ?
                """#)
        #expect(sqlite.bindings == [.text(" > "), .text(" > "), .text(" > "), .text(" > "), .int(10)])
        let postgres = try Fixtures.postgres.facet(ODSQL.QueryText(), field: "commune", hierarchy: hierarchy)
        #expect(
            postgres.sql.contains(#"CASE WHEN strpos("commune", $1) > 0 THEN substr("commune", 1, strpos("commune", $2) - 1)"#))
        #expect(!postgres.sql.contains("instr("))
    }

    @Test func childrenOfAPath() throws {
        let hierarchy = ODSQL.FacetHierarchy(separator: "/", parent: "Occitanie/Tarn")
        let facet = try Fixtures.sqlite.facet(
            ODSQL.QueryText(), field: "commune", sort: .alphanumAscending, hierarchy: hierarchy)
        let rest = #"substr("commune", ?)"#
        let segment = "CASE WHEN instr(\(rest), ?) > 0 THEN substr(\(rest), 1, instr(\(rest), ?) - 1) ELSE \(rest) END"
        #expect(
            facet.sql
                == #"SELECT ? || "# + segment
                + #", COUNT(*) FROM "gares" WHERE "commune" IS NOT NULL AND substr("commune", 1, ?) = ? AND "#
                + segment + " <> '' GROUP BY 1 ORDER BY 1 ASC")
        #expect(facet.bindings.first == .text("Occitanie/Tarn/"))
        #expect(facet.bindings.contains(.int(16)))
    }

    @Test func aHierarchyOnAListCountsEachValue() throws {
        let facet = try Fixtures.sqlite.facet(
            ODSQL.QueryText(), field: "tags", hierarchy: ODSQL.FacetHierarchy(separator: "/"))
        #expect(facet.sql.hasPrefix(#"SELECT CASE WHEN instr("mv"."value", ?) > 0"#))
        #expect(facet.sql.contains(#"FROM "gares", json_each("tags") AS "mv""#))
    }

    @Test func aHierarchyIsIgnoredOnDates() throws {
        let plain = try Fixtures.sqlite.facet(ODSQL.QueryText(), field: "date", level: .year)
        let hierarchical = try Fixtures.sqlite.facet(
            ODSQL.QueryText(), field: "date", level: .year, hierarchy: ODSQL.FacetHierarchy(separator: "/"))
        #expect(plain == hierarchical)
    }

    @Test func facetFilterField() {
        #expect(ODSQL.facetFilterField(" commune :Albi") == "commune")
        #expect(ODSQL.facetFilterField("commune:a:b") == "commune")
        #expect(ODSQL.facetFilterField("commune") == nil)
    }
}
