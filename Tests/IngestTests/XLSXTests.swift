import Testing
import Vocabulary

@testable import Ingest

/// Writes a ZIP archive with stored (uncompressed) entries, enough to build test workbooks.
enum StoredZip {
    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    static func archive(_ files: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, text) in files {
            let data = Array(text.utf8)
            let path = Array(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(out.count)
            let common =
                le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc) + le32(UInt32(data.count))
                + le32(UInt32(data.count)) + le16(path.count) + le16(0)
            out += le32(0x0403_4B50) + common + path + data
            central += le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + path
        }
        let centralOffset = UInt32(out.count)
        out += central
        out +=
            le32(0x0605_4B50) + le16(0) + le16(0) + le16(files.count) + le16(files.count) + le32(UInt32(central.count))
            + le32(centralOffset) + le16(0)
        return out
    }
}

@Suite struct XLSXTests {
    static func workbook(sheet2: String = "<worksheet><sheetData/></worksheet>") -> [UInt8] {
        let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
        let rns = "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
        return StoredZip.archive([
            (
                "xl/workbook.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook \(ns) \(rns)><workbookPr/><sheets>"
                    + "<sheet name=\"Gares\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Autre\" sheetId=\"2\" r:id=\"rId2\"/>"
                    + "</sheets></workbook>"
            ),
            (
                "xl/_rels/workbook.xml.rels",
                "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"ws\" Target=\"worksheets/sheet1.xml\"/>"
                    + "<Relationship Id=\"rId2\" Type=\"ws\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>"
            ),
            (
                "xl/sharedStrings.xml",
                "<sst \(ns) count=\"6\" uniqueCount=\"6\"><si><t>Nom</t></si><si><t>Code</t></si><si><t>Mise à jour</t></si>"
                    + "<si><r><t>Tou</t></r><r><t xml:space=\"preserve\">louse &amp; co</t></r><rPh><t>x</t></rPh></si>"
                    + "<si><t>09</t></si><si><t>Actif</t></si></sst>"
            ),
            (
                "xl/styles.xml",
                "<styleSheet \(ns)><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\\ hh:mm\"/></numFmts>"
                    + "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>"
            ),
            (
                "xl/worksheets/sheet1.xml",
                "<worksheet \(ns)><sheetData>"
                    + "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
                    + "<c r=\"D1\" t=\"s\"><v>5</v></c><c r=\"E1\" t=\"inlineStr\"><is><t>Valeur</t></is></c></row>"
                    + "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"B2\" t=\"s\"><v>4</v></c><c r=\"C2\" s=\"1\"><v>45322</v></c>"
                    + "<c r=\"D2\" t=\"b\"><v>1</v></c><c r=\"E2\"><v>1.5</v></c></row>"
                    + "<row r=\"4\"><c r=\"A4\" t=\"str\"><f>A2</f><v>Albi</v></c><c r=\"C4\" s=\"2\"><v>45322.75</v></c>"
                    + "<c r=\"D4\" t=\"b\"><v>0</v></c><c r=\"E4\"><v>2</v></c></row>"
                    + "</sheetData></worksheet>"
            ),
            ("xl/worksheets/sheet2.xml", sheet2),
        ])
    }

    @Test func firstSheetWithSharedStringsAndDates() throws {
        let (detection, rows) = try readAll(Self.workbook(), fileName: "gares.xlsx")
        #expect(detection.format == .xlsx)
        #expect(detection.sheet == "Gares")
        #expect(detection.fields.map(\.name) == ["nom", "code", "mise_a_jour", "actif", "valeur"])
        #expect(detection.fields.map(\.type) == [.text, .text, .datetime, .boolean, .double])
        #expect(
            rows == [
                [.text("Toulouse & co"), .text("09"), .datetime("2024-01-31T00:00:00Z"), .bool(true), .double(1.5)],
                [.text("Albi"), .null, .datetime("2024-01-31T18:00:00Z"), .bool(false), .double(2)],
            ])
    }

    @Test func namedSheet() throws {
        let sheet2 =
            "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>n</t></is></c></row>"
            + "<row r=\"2\"><c><v>7</v></c></row></sheetData></worksheet>"
        let (detection, rows) = try readAll(
            Self.workbook(sheet2: sheet2), fileName: "x.xlsx", options: IngestOptions(sheet: "Autre"))
        #expect(detection.sheet == "Autre")
        #expect(rows == [[.int(7)]])
        let missing = ingestError {
            _ = try Ingest.detect(bytes: Self.workbook(), fileName: "x.xlsx", options: IngestOptions(sheet: "Nope"))
        }
        #expect(missing == .sheetNotFound("Nope"))
        let empty = ingestError {
            _ = try Ingest.detect(bytes: Self.workbook(), fileName: "x.xlsx", options: IngestOptions(sheet: "Autre2"))
        }
        #expect(empty == .sheetNotFound("Autre2"))
    }

    @Test func emptySheetAndBrokenWorkbook() {
        let empty = ingestError {
            _ = try Ingest.detect(bytes: Self.workbook(), fileName: "x.xlsx", options: IngestOptions(sheet: "Autre"))
        }
        #expect(empty == .emptyFile)
        let broken = ingestError { _ = try Ingest.detect(bytes: Array("not a zip".utf8), fileName: "x.xlsx") }
        #expect(broken?.code == "invalid_workbook")
    }

    @Test func excelSerialDates() {
        #expect(XLSXRowSource.dateText(serial: 1, date1904: false) == "1899-12-31")
        #expect(XLSXRowSource.dateText(serial: 61, date1904: false) == "1900-03-01")
        #expect(XLSXRowSource.dateText(serial: 45322.5, date1904: false) == "2024-01-31T12:00:00")
        #expect(XLSXRowSource.dateText(serial: 0, date1904: true) == "1904-01-01")
        #expect(XLSXRowSource.columnIndex(Array("AB12".utf8)) == 27)
    }
}
