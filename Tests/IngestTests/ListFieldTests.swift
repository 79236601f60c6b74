import Foundation
import Testing
import Vocabulary

@testable import Ingest

/// List (multivalued) fields: the `NAME=SEPARATOR` declaration, the split of a cell and its JSON array.
@Suite struct ListFieldTests {
    /// Detects and reads `text` with `specs` declared, as the importer does.
    func readLists(_ text: String, _ specs: [String]) throws -> (Detection, [[Value]]) {
        let bytes = Array(text.utf8)
        let detection = try Ingest.detect(bytes: bytes, fileName: "test.csv").separating(specs)
        let reader = try Ingest.read(bytes: bytes, detection: detection)
        var rows: [[Value]] = []
        while let batch = try reader.next() { rows.append(contentsOf: batch.rows) }
        return (detection, rows)
    }

    @Test func declarationsAsTypedOnTheCommandLineAndInTheBackOffice() throws {
        #expect(try IngestOptions.parseFieldSeparator("tags=;") == ("tags", ";"))
        #expect(try IngestOptions.parseFieldSeparator(" tags =\";\"") == ("tags", ";"))
        #expect(try IngestOptions.parseFieldSeparator("tags==") == ("tags", "="))
        #expect(try IngestOptions.parseFieldSeparator("tags= / ") == ("tags", " / "))
        #expect(try IngestOptions.parseFieldSeparator("Mots clés=,") == ("Mots clés", ","))
        for bad in ["tags", "tags=", "=;", "tags=123456789", "tags=a\nb", "tags=\"\""] {
            #expect(ingestError { _ = try IngestOptions.parseFieldSeparator(bad) } == .invalidFieldSeparator(bad), "\(bad)")
        }
        #expect(IngestError.invalidFieldSeparator("x").code == "invalid_field_separator")
    }

    @Test func cellsAreSplitTrimmedAndEmptyPartsDropped() throws {
        let text = "code;villes;n\nA;Toulouse, Albi , ;1\nB;;2\nC; , ,;3\nD;Nîmes;4\n"
        let (detection, rows) = try readLists(text, ["villes=,"])
        #expect(detection.fields[1].separator == ",")
        #expect(detection.fields[1].type == .text)
        #expect(rows.map { $0[1] } == [.text("[\"Toulouse\",\"Albi\"]"), .null, .null, .text("[\"Nîmes\"]")])
        #expect(rows.map { $0[2] } == [.int(1), .int(2), .int(3), .int(4)])
    }

    @Test func aNumericColumnDeclaredAListHoldsText() throws {
        let (detection, rows) = try readLists("code;n\nA;1|2\nB;3\n", ["n=|"])
        #expect(detection.fields[1].type == .text)
        #expect(rows.map { $0[1] } == [.text("[\"1\",\"2\"]"), .text("[\"3\"]")])
    }

    @Test func fieldsAreFoundByNameOrLabelAndAnUnknownOneIsRefused() throws {
        let text = "Code;Mots clés\nA;x,y\nB;z\n"
        #expect(try readLists(text, ["Mots clés=,"]).0.fields[1].separator == ",")
        #expect(try readLists(text, ["mots_cles=,"]).1.map { $0[1] } == [.text("[\"x\",\"y\"]"), .text("[\"z\"]")])
        #expect(ingestError { _ = try readLists(text, ["absent=,"]) } == .unknownField("absent"))
    }

    @Test func anotherTypeForcedAfterwardsMakesTheFieldSingleValuedAgain() throws {
        let detection = try Ingest.detect(bytes: Array("code;n\nA;1\n".utf8), fileName: "test.csv").separating(["n=|"])
        #expect(try detection.overriding(["n": .int]).fields[1].separator == nil)
        #expect(try detection.overriding(["n": .text]).fields[1].separator == "|")
    }

    @Test func jsonArraysEscapeQuotesBackslashesAndControlCharacters() throws {
        let array = ListCells.jsonArray(["a\"b", "c\\d", "e\u{1}f", "é ü", "x\ty"])
        #expect(array == #"["a\"b","c\\d","e\u0001f","é ü","x\ty"]"#)
        let decoded = try JSONDecoder().decode([String].self, from: Data(array.utf8))
        #expect(decoded == ["a\"b", "c\\d", "e\u{1}f", "é ü", "x\ty"])
        #expect(ListCells.split("a<>b<><>c", separator: "<>") == ["a", "b", "c"])
    }
}
