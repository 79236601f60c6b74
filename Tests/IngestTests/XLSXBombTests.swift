import Foundation
import Testing

@testable import Ingest

/// Writes ZIP archives whose entries may be deflated and whose declared sizes may lie: enough to build
/// decompression bombs and damaged workbooks on the fly.
enum HostileZip {
    /// One entry: its stored bytes (already deflated when `method` is 8) and the sizes to declare.
    struct Part {
        var name: String
        var data: [UInt8]
        var method = 0
        var declaredSize: Int

        /// A stored entry declaring its true size.
        static func stored(_ name: String, _ text: String) -> Part {
            Part(name: name, data: Array(text.utf8), declaredSize: text.utf8.count)
        }

        /// A deflated entry of `copies` × 258 + 1 bytes `a`, declaring `declaredSize` or its true size.
        static func run(_ name: String, copies: Int, declaredSize: Int? = nil) -> Part {
            Part(
                name: name, data: deflatedRun(copies: copies), method: 8, declaredSize: declaredSize ?? (1 + 258 * copies))
        }
    }

    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    static func archive(_ parts: [Part]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for part in parts {
            let path = Array(part.name.utf8)
            let offset = out.count
            let common =
                le16(20) + le16(0) + le16(part.method) + le16(0) + le16(0x21) + le32(0) + le32(part.data.count)
                + le32(part.declaredSize) + le16(path.count) + le16(0)
            out += le32(0x0403_4B50) + common + path + part.data
            central += le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + path
        }
        let centralOffset = out.count
        return out + central + le32(0x0605_4B50) + le16(0) + le16(0) + le16(parts.count) + le16(parts.count)
            + le32(central.count) + le32(centralOffset) + le16(0)
    }

    /// A raw deflate stream (one block, fixed Huffman codes) of the literal `a` then `copies` back-references
    /// of 258 bytes at distance 1: about 160 inflated bytes per stored byte.
    static func deflatedRun(copies: Int) -> [UInt8] {
        var bits = BitWriter()
        bits.write(1, count: 1)  // last block
        bits.write(1, count: 2)  // fixed Huffman codes
        bits.writeCode(0x30 + Int(UInt8(ascii: "a")), count: 8)
        for _ in 0..<copies {
            bits.writeCode(0b1100_0101, count: 8)  // length 258 (code 285)
            bits.writeCode(0, count: 5)  // distance 1
        }
        bits.writeCode(0, count: 7)  // end of block
        return bits.bytes
    }

    /// Bits packed from the least significant bit of each byte, as deflate wants.
    struct BitWriter {
        var bytes: [UInt8] = []
        private var used = 8

        mutating func write(_ value: Int, count: Int) {
            for k in 0..<count {
                if used == 8 {
                    bytes.append(0)
                    used = 0
                }
                if (value >> k) & 1 == 1 { bytes[bytes.count - 1] |= UInt8(1 << used) }
                used += 1
            }
        }

        /// A Huffman code, most significant bit first.
        mutating func writeCode(_ code: Int, count: Int) {
            for k in stride(from: count - 1, through: 0, by: -1) { write((code >> k) & 1, count: 1) }
        }
    }

    /// A workbook whose first sheet is `sheet` and whose other parts are given.
    static func workbook(sheet: Part, extra: [Part] = []) -> [UInt8] {
        archive(
            [
                .stored(
                    "xl/workbook.xml",
                    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
                .stored(
                    "xl/_rels/workbook.xml.rels",
                    "<Relationships><Relationship Id=\"rId1\" Type=\"ws\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
                sheet,
            ] + extra)
    }
}

@Suite struct XLSXBombTests {
    static let sheetPath = "xl/worksheets/sheet1.xml"
    static let validSheet = HostileZip.Part.stored(
        sheetPath,
        "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>n</t></is></c></row>"
            + "<row r=\"2\"><c><v>1</v></c></row></sheetData></worksheet>")

    func detect(_ bytes: [UInt8], _ limits: IngestLimits = IngestLimits()) -> IngestError? {
        ingestError { _ = try readAll(bytes, fileName: "bomb.xlsx", options: IngestOptions(limits: limits)) }
    }

    @Test func theDeflateRunInflatesAsDeclared() throws {
        let bytes = HostileZip.workbook(sheet: Self.validSheet, extra: [.run("xl/media/a.bin", copies: 100)])
        let reader = try XLSXZipReader(origin: .memory(bytes), limits: IngestLimits())
        let source = try reader.extract("xl/media/a.bin")
        var inflated: [UInt8] = []
        while try source.read(into: &inflated, maxCount: 4096) > 0 {}
        #expect(inflated == [UInt8](repeating: UInt8(ascii: "a"), count: 1 + 258 * 100))
    }

    @Test func anHonestBombIsRefusedByItsDeclaredRatio() {
        let bomb = HostileZip.workbook(sheet: .run(Self.sheetPath, copies: 20_000))
        #expect(detect(bomb) == .archiveLimit(.compressionRatio(part: Self.sheetPath, limit: 100)))
        // Under a higher ratio the same part is read, and is no sheet.
        #expect(detect(bomb, IngestLimits(maxCompressionRatio: 1000)) == .emptyFile)
    }

    /// The inflated bytes are counted: a bomb that declares a small size is stopped as soon as it passes it,
    /// before the caps (which the declared sizes met) could be reached.
    @Test func aLyingBombIsRefusedByTheBytesItInflates() {
        let bomb = HostileZip.workbook(sheet: .run(Self.sheetPath, copies: 20_000, declaredSize: 100))
        #expect(
            detect(bomb)
                == .invalidWorkbook(reason: "\(Self.sheetPath) inflates to more than the 100 bytes its header declares"))
    }

    @Test func partCapOnDeclaredAndInflatedSizes() {
        let limits = IngestLimits(maxArchivePartBytes: 50_000, maxCompressionRatio: 1000)
        let honest = HostileZip.workbook(sheet: .run(Self.sheetPath, copies: 400))
        #expect(detect(honest, limits) == .archiveLimit(.partSize(part: Self.sheetPath, limit: 50_000)))
        // The first inflated chunk (64 KiB) passes both the cap and the declared size: the cap is checked first.
        let lying = HostileZip.workbook(sheet: .run(Self.sheetPath, copies: 400, declaredSize: 1000))
        #expect(detect(lying, limits) == .archiveLimit(.partSize(part: Self.sheetPath, limit: 50_000)))
    }

    @Test func totalCapOnDeclaredAndInflatedSizes() {
        let limits = IngestLimits(maxArchiveBytes: 150_000, maxCompressionRatio: 1000)
        let parts: [HostileZip.Part] = [.run("xl/media/a.bin", copies: 300), .run("xl/sharedStrings.xml", copies: 300)]
        #expect(
            detect(HostileZip.workbook(sheet: Self.validSheet, extra: parts), limits) == .archiveLimit(.totalSize(limit: 150_000))
        )
        #expect(
            detect(HostileZip.workbook(sheet: Self.validSheet, extra: parts), IngestLimits(maxArchiveBytes: 160_000))
                == nil)
    }

    @Test func aModestLieAboutTheSizeIsRefused() {
        let sheet = HostileZip.Part.run(Self.sheetPath, copies: 10, declaredSize: 100)
        #expect(
            detect(HostileZip.workbook(sheet: sheet))
                == .invalidWorkbook(reason: "\(Self.sheetPath) inflates to more than the 100 bytes its header declares"))
    }

    @Test func sharedStringsAreCappedInCountAndBytes() {
        let many = HostileZip.Part.stored(
            "xl/sharedStrings.xml", "<sst>" + String(repeating: "<si/>", count: 1000) + "</sst>")
        let workbook = HostileZip.workbook(sheet: Self.validSheet, extra: [many])
        #expect(detect(workbook, IngestLimits(maxSharedStrings: 999)) == .archiveLimit(.sharedStrings(limit: 999)))
        #expect(detect(workbook, IngestLimits(maxSharedStrings: 1000)) == nil)
        let long = HostileZip.Part.stored(
            "xl/sharedStrings.xml", "<sst><si><t>" + String(repeating: "x", count: 2000) + "</t></si></sst>")
        let big = HostileZip.workbook(sheet: Self.validSheet, extra: [long])
        #expect(detect(big, IngestLimits(maxSharedStringBytes: 1999)) == .archiveLimit(.sharedStringBytes(limit: 1999)))
        #expect(detect(big, IngestLimits(maxSharedStringBytes: 2000)) == nil)
    }

    @Test func entriesThatCouldEscapeADirectoryAreRefused() throws {
        let directory = try TemporaryDirectory()
        for name in ["../../x", "xl/../../x", "/etc/x", "xl\\..\\x"] {
            let bytes = HostileZip.workbook(sheet: Self.validSheet, extra: [.stored(name, "boom")])
            let limits = IngestLimits(extractionDirectory: directory.path + "/inner")
            #expect(detect(bytes, limits) == .invalidWorkbook(reason: "it holds an entry with an unsafe name"), "\(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func tooManyEntriesAreRefused() {
        let parts = (0..<20).map { HostileZip.Part.stored("xl/media/\($0).bin", "x") }
        let bytes = HostileZip.workbook(sheet: Self.validSheet, extra: parts)
        #expect(detect(bytes, IngestLimits(maxArchiveEntries: 10)) == .archiveLimit(.entries(limit: 10)))
        #expect(detect(bytes, IngestLimits(maxArchiveEntries: 23)) == nil)
    }

    /// One shared string referenced from every cell would multiply memory: cells and rows are capped.
    @Test func aSharedStringCannotBeMultipliedPastTheCellAndRowLimits() {
        let strings = HostileZip.Part.stored(
            "xl/sharedStrings.xml",
            "<sst><si>" + String(repeating: "<r><t>" + String(repeating: "x", count: 1500) + "</t></r>", count: 2)
                + "</si></sst>")
        let cells = String(repeating: "<c t=\"s\"><v>0</v></c>", count: 5)
        let sheet = HostileZip.Part.stored(
            Self.sheetPath, "<worksheet><sheetData><row r=\"1\">\(cells)</row></sheetData></worksheet>")
        let workbook = HostileZip.workbook(sheet: sheet, extra: [strings])
        #expect(detect(workbook, IngestLimits(maxCellBytes: 2999)) == .cellTooLarge(line: 1, column: 1, limit: 2999))
        #expect(detect(workbook, IngestLimits(maxRecordBytes: 14_999)) == .recordTooLarge(record: 1, limit: 14_999))
        #expect(detect(workbook, IngestLimits(maxRecordBytes: 15_000)) == .headerOnly)
        let runs = String(repeating: "<t>" + String(repeating: "y", count: 100) + "</t>", count: 30)
        let inline = HostileZip.Part.stored(
            Self.sheetPath,
            "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is>\(runs)</is></c></row></sheetData></worksheet>")
        #expect(
            detect(HostileZip.workbook(sheet: inline), IngestLimits(maxCellBytes: 2999))
                == .cellTooLarge(line: 1, column: 1, limit: 2999))
    }

    /// A deflate stream whose last block runs past the end of the file must fail, not spin.
    @Test func aStreamThatNeverEndsIsRefused() {
        let endless = HostileZip.Part(
            name: Self.sheetPath, data: [0x00, 0xFF, 0xFF, 0x00, 0x00, 0x61], method: 8, declaredSize: 1_000_000)
        #expect(detect(HostileZip.workbook(sheet: endless)) == .invalidWorkbook(reason: "\(Self.sheetPath) is truncated"))
    }

    @Test func partsAreExtractedInTheGivenDirectoryAndRemoved() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/book.xlsx"
        try Data(HostileZip.workbook(sheet: Self.validSheet)).write(to: URL(fileURLWithPath: file))
        let scratch = directory.path + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        let options = IngestOptions(limits: IngestLimits(extractionDirectory: scratch))
        let detection = try Ingest.detect(url: URL(fileURLWithPath: file), options: options)
        let reader = try Ingest.read(url: URL(fileURLWithPath: file), detection: detection)
        #expect(try reader.next()?.rows == [[.int(1)]])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["book.xlsx", "scratch"].sorted())
    }

    @Test func anUnwritableExtractionDirectoryIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let limits = IngestLimits(extractionDirectory: directory.path + "/missing")
        #expect(
            detect(HostileZip.workbook(sheet: Self.validSheet), limits) == .extractionFailed(reason: "No such file or directory"))
    }
}

/// A fresh directory for one test, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("garona-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
