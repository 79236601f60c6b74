import Testing
import Vocabulary

@testable import Ingest

@Suite struct HostileInputTests {
    /// A small deterministic generator, so failures can be replayed.
    struct SeededBytes {
        var state: UInt64
        mutating func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test(arguments: ["x.csv", "x.json", "x.jsonl", "x.geojson"])
    func randomBytesNeverCrash(fileName: String) {
        var random = SeededBytes(state: 7)
        let alphabet = Array("{}[]\",:;\t|\n\r\\ab01.-éPOINT(".utf8)
        for round in 0..<300 {
            let length = Int(random.next()) * (round % 7 + 1)
            let bytes = (0..<length).map { _ in
                round % 3 == 0 ? random.next() : alphabet[Int(random.next()) % alphabet.count]
            }
            if let detection = try? Ingest.detect(bytes: bytes, fileName: fileName),
                let reader = try? Ingest.read(bytes: bytes, detection: detection)
            {
                while let batch = try? reader.next(), !batch.rows.isEmpty {}
            }
        }
    }

    @Test func unterminatedQuoteIsBoundedByTheCellLimit() {
        let options = IngestOptions(limits: IngestLimits(maxCellBytes: 1024))
        let text = "a;b\n1;\"" + String(repeating: "x;y\n", count: 1000)
        #expect(ingestError { _ = try detectCSV(text, options: options) } == .cellTooLarge(line: 2, column: 2, limit: 1024))
    }

    @Test func hugeCellsInGeoAndJSONCandidatesDoNotCrash() throws {
        let nested = String(repeating: "[", count: 5000)
        let detection = try detectCSV("a;b\n1;\"\(nested)\"\n2;POINT ((((((\n")
        #expect(detection.type("b") == .text)
    }
}

/// Inputs found by the FuzzIngest fuzz target (`scripts/fuzz`, inputs kept under Fuzz/Findings/FuzzIngest/).
@Suite struct FuzzFindingTests {
    /// A one-sheet workbook whose `part` has an element name that is not UTF-8 (the byte 0xC7 before an ASCII
    /// letter). The ZIP entries are stored, and the reader skips CRCs, so the bytes are patched in place.
    static func workbook(breaking part: String) -> [UInt8] {
        let rns = "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
        var parts = [
            ("xl/workbook.xml", "<workbook \(rns)><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            (
                "xl/_rels/workbook.xml.rels",
                "<Relationships><Relationship Id=\"rId1\" Type=\"ws\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
            ),
            ("xl/styles.xml", "<styleSheet><cellXfs count=\"1\"><xf numFmtId=\"0\"/></cellXfs></styleSheet>"),
            (
                "xl/worksheets/sheet1.xml",
                "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c></row>"
                    + "<row r=\"2\"><c r=\"A2\"><v>1</v></c></row></sheetData></worksheet>"
            ),
        ]
        for index in parts.indices where parts[index].0 == part {
            // "<s…" becomes "<sÇ…" (C3 87 in UTF-8), patched below to C7 53: a lead byte without its continuation.
            parts[index].1 = parts[index].1.replacing(#/^<(\w)/#) { "<\($0.1)\u{C7}" }
        }
        var bytes = StoredZip.archive(parts)
        if let at = bytes.indices.dropLast().first(where: { bytes[$0] == 0xC3 && bytes[$0 + 1] == 0x87 }) {
            bytes[at] = 0xC7
            bytes[at + 1] = 0x53
        }
        return bytes
    }

    /// Foundation's XMLParser, behind XMLCoder, traps on such a name: the importer must refuse the workbook instead.
    @Test(arguments: ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"])
    func aWorkbookPartThatIsNotUTF8IsRefusedWithoutATrap(part: String) {
        let error = ingestError { _ = try Ingest.detect(bytes: Self.workbook(breaking: part), fileName: "x.xlsx") }
        guard case .invalidWorkbook(let reason) = error else {
            Issue.record("expected invalidWorkbook, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(part))
    }

    @Test func theSameWorkbookWithoutTheBadByteIsRead() throws {
        let (_, rows) = try readAll(Self.workbook(breaking: "none"), fileName: "x.xlsx")
        #expect(rows == [[.int(1)]])
    }
}
