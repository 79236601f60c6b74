import Testing
import Vocabulary

@testable import Ingest

@Suite struct CSVTests {
    @Test(arguments: [(";", "a;b;c"), (",", "a,b,c"), ("\t", "a\tb\tc"), ("|", "a|b|c")])
    func delimiterDetection(delimiter: String, header: String) throws {
        var text = header + "\n"
        for k in 0..<50 { text += ["x\(k)", "\(k)", "y"].joined(separator: delimiter) + "\n" }
        let detection = try detectCSV(text)
        #expect(detection.delimiterText == delimiter)
        #expect(detection.fields.map(\.name) == ["a", "b", "c"])
        #expect(detection.recordCount == 50)
    }

    @Test func delimiterDetectedOverManyRowsNotOnlyTheHeader() throws {
        // The header has no comma; rows have French decimals: `;` must win over `,`.
        var text = "ville;prix;note\n"
        for k in 0..<100 { text += "Toulouse \(k);\(k),5;\(k % 5),25\n" }
        let detection = try detectCSV(text)
        #expect(detection.delimiterText == ";")
        #expect(detection.type("prix") == .double)
    }

    @Test func commaFileWithSemicolonsInText() throws {
        var text = "id,commentaire\n"
        for k in 0..<30 { text += "\(k),\"bien; très bien\"\n" }
        text += "31,rien\n"
        let detection = try detectCSV(text)
        #expect(detection.delimiterText == ",")
    }

    @Test func quotedFieldsWithNewlinesAndDoubledQuotes() throws {
        let text = "id;texte\r\n1;\"ligne 1\r\nligne 2\"\r\n2;\"il a dit \"\"bonjour\"\"\"\r\n3;simple\r\n"
        let (detection, rows) = try readAll(text)
        #expect(detection.recordCount == 3)
        #expect(rows[0][1] == .text("ligne 1\r\nligne 2"))
        #expect(rows[1][1] == .text("il a dit \"bonjour\""))
        #expect(rows[2] == [.int(3), .text("simple")])
    }

    @Test func lineFeedsCarriageReturnsAndNoFinalNewline() throws {
        for text in ["a,b\n1,2\n3,4", "a,b\r\n1,2\r\n3,4\r\n", "a,b\r1,2\r3,4\r", "a,b\n\n1,2\n\n3,4\n\n"] {
            let (_, rows) = try readAll(text)
            #expect(rows == [[.int(1), .int(2)], [.int(3), .int(4)]], "\(text.debugDescription)")
        }
    }

    @Test func tinyChunksGiveTheSameRecords() throws {
        var text = "id;texte;n\r\n"
        for k in 0..<200 { text += "\(k);\"a \"\"b\"\"\r\nc;d\";\(k * 3)\r\n" }
        let small = IngestOptions(limits: IngestLimits(chunkSize: 16))
        let (_, rows) = try readAll(Array(text.utf8), options: small)
        let (_, reference) = try readAll(text)
        #expect(rows.count == 200)
        #expect(rows == reference)
        #expect(rows[7] == [.int(7), .text("a \"b\"\r\nc;d"), .int(21)])
    }

    @Test func delimiterOverride() throws {
        let text = "a;b,c\n1;2,3\n4;5,6\n"
        let detection = try detectCSV(text, options: IngestOptions(delimiter: try IngestOptions.parseDelimiter(",")))
        #expect(detection.fields.map(\.label) == ["a;b", "c"])
        #expect(try IngestOptions.parseDelimiter("tab") == 9)
        #expect(ingestError { _ = try IngestOptions.parseDelimiter("ab") } == .invalidDelimiter("ab"))
    }

    @Test func headerNormalisation() {
        #expect(FieldNames.normalize("Date de mise à jour") == "date_de_mise_a_jour")
        #expect(FieldNames.normalize("  Code INSEE (commune) ") == "code_insee_commune")
        #expect(FieldNames.normalize("Œuvre") == "oeuvre")
        #expect(FieldNames.normalize("Straße") == "strasse")
        #expect(FieldNames.normalize("Prix €/m²") == "prix_m")
        #expect(FieldNames.normalize("n°") == "n")
        #expect(FieldNames.normalize("---") == "")
        #expect(FieldNames.normalize("E\u{301}te\u{301}") == "ete")
    }

    @Test func emptyAndDuplicateHeadersAreRenamedAndReported() throws {
        let detection = try detectCSV("nom;;Nom;nom\na;b;c;d\n")
        #expect(detection.fields.map(\.name) == ["nom", "field_2", "nom_2", "nom_3"])
        #expect(detection.fields.map(\.label) == ["nom", "", "Nom", "nom"])
        let renamed = detection.warnings.filter { $0.code == "renamed_header" }
        #expect(renamed.map(\.field) == ["field_2", "nom_2", "nom_3"])
    }
}

@Suite struct CSVErrorTests {
    @Test func emptyFile() {
        for bytes in [[], [0xEF, 0xBB, 0xBF], Array("\n\n  \r\n".utf8)] as [[UInt8]] {
            #expect(ingestError { _ = try Ingest.detect(bytes: bytes, fileName: "x.csv") } == .emptyFile)
        }
        #expect(IngestError.emptyFile.code == "empty_file")
    }

    @Test func headerOnly() {
        let error = ingestError { _ = try detectCSV("a;b;c\r\n") }
        #expect(error == .headerOnly)
        #expect(error?.message == "The file has a header line but no data rows.")
    }

    @Test func pngNamedCSV() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
        let error = ingestError { _ = try Ingest.detect(bytes: png, fileName: "image.csv") }
        #expect(error?.code == "binary_file")
        #expect(error?.message.contains("PNG") == true)
    }

    @Test func nulAndControlBytesAreBinary() {
        let nul: [UInt8] = Array("a;b\n1;".utf8) + [0, 0x41, 0x0A]
        #expect(ingestError { _ = try Ingest.detect(bytes: nul) } == .binaryFile(kind: "NUL byte", offset: 6))
        let controls: [UInt8] = (0..<100).map { UInt8($0 % 8 + 1) }
        #expect(ingestError { _ = try Ingest.detect(bytes: controls) }?.code == "binary_file")
    }

    @Test func raggedRowsListTheFirstTenLines() {
        var text = "a;b;c\n"
        for k in 0..<30 { text += k % 2 == 0 ? "1;2\n" : "1;2;3\n" }
        let error = ingestError { _ = try detectCSV(text) }
        #expect(error == .raggedRows(expected: 3, lines: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20], total: 15))
        #expect(
            error?.message == "15 row(s) do not have 3 fields like the header, at line(s) 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, ….")
    }

    @Test func raggedLineNumbersCountEmbeddedNewlines() {
        let text = "a;b\n\"x\ny\";1\n2\n3;4\n"
        #expect(ingestError { _ = try detectCSV(text) } == .raggedRows(expected: 2, lines: [4], total: 1))
    }

    @Test func cellOverTheLimit() {
        let options = IngestOptions(limits: IngestLimits(maxCellBytes: 100, chunkSize: 32))
        let text = "a;b\n1;2\n3;\"" + String(repeating: "x", count: 150) + "\"\n"
        #expect(ingestError { _ = try detectCSV(text, options: options) } == .cellTooLarge(line: 3, column: 2, limit: 100))
    }

    @Test func tenMegabyteCellIsRejectedByDefault() {
        // "10 MB" either way: ten million bytes, or ten mebibytes.
        for size in [10_000_000, 10 * 1024 * 1024] {
            let text = "a;b\n1;" + String(repeating: "x", count: size) + "\n"
            let error = ingestError { _ = try detectCSV(text) }
            #expect(error == .cellTooLarge(line: 2, column: 2, limit: 5 * 1024 * 1024))
        }
    }

    @Test func moreThan500Columns() {
        let header = (1...501).map { "c\($0)" }.joined(separator: ",")
        let row = (1...501).map { "\($0)" }.joined(separator: ",")
        let error = ingestError { _ = try detectCSV(header + "\n" + row + "\n" + row + "\n") }
        #expect(error == .tooManyColumns(count: 501, limit: 500))
        let ok = (1...500).map { "c\($0)" }.joined(separator: ",")
        #expect(ingestError { _ = try detectCSV(ok + "\n" + ok + "\n") } == nil)
    }

    @Test func unreadableFile() {
        let error = ingestError { _ = try Ingest.detect(url: URLForTests.missing) }
        #expect(error?.code == "unreadable")
    }
}
