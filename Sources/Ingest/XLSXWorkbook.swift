import Foundation
import XMLCoder

/// An Excel workbook opened for reading: sheet list, shared strings, date styles, and the sheet XML
/// extracted (under the archive limits of ``IngestLimits``) so it can be streamed.
final class XLSXWorkbook {
    private let archive: XLSXZipReader
    private let limits: IngestLimits
    /// Sheet names and their part paths inside the archive, in workbook order.
    let sheets: [(name: String, path: String)]
    let date1904: Bool
    /// Indexes of cell styles (`s` attribute) that format numbers as dates.
    let dateStyles: Set<Int>

    private struct WorkbookXML: Decodable {
        struct Properties: Decodable { let date1904: String? }
        struct Sheets: Decodable { let sheet: [Sheet] }
        struct Sheet: Decodable {
            let name: String
            let id: String

            enum CodingKeys: String, CodingKey {
                case name
                case id = "r:id"
            }
        }
        let workbookPr: Properties?
        let sheets: Sheets
    }

    private struct RelationshipsXML: Decodable {
        struct Relationship: Decodable {
            let Id: String
            let Target: String
        }
        let Relationship: [Relationship]
    }

    private struct StylesXML: Decodable {
        struct NumberFormats: Decodable { let numFmt: [NumberFormat]? }
        struct NumberFormat: Decodable {
            let numFmtId: Int
            let formatCode: String
        }
        struct CellFormats: Decodable { let xf: [CellFormat]? }
        struct CellFormat: Decodable { let numFmtId: Int? }
        let numFmts: NumberFormats?
        let cellXfs: CellFormats?
    }

    init(origin: SourceOrigin, limits: IngestLimits) throws(IngestError) {
        archive = try XLSXZipReader(origin: origin, limits: limits)
        self.limits = limits
        let decoder = XMLDecoder()
        let workbook: WorkbookXML
        let relationships: RelationshipsXML
        do {
            workbook = try decoder.decode(WorkbookXML.self, from: try Self.data(archive, "xl/workbook.xml"))
            relationships = try decoder.decode(RelationshipsXML.self, from: try Self.data(archive, "xl/_rels/workbook.xml.rels"))
        } catch let error as IngestError {
            throw error
        } catch {
            throw .invalidWorkbook(reason: "the workbook description is malformed")
        }
        var targets: [String: String] = [:]
        for relation in relationships.Relationship {
            let target = relation.Target.hasPrefix("/") ? String(relation.Target.dropFirst()) : "xl/" + relation.Target
            targets[relation.Id] = target
        }
        sheets = workbook.sheets.sheet.compactMap { sheet in targets[sheet.id].map { (sheet.name, $0) } }
        date1904 = workbook.workbookPr?.date1904 == "1" || workbook.workbookPr?.date1904 == "true"
        let stylesData = archive.contains("xl/styles.xml") ? try Self.data(archive, "xl/styles.xml") : nil
        if let stylesData, let styles = try? decoder.decode(StylesXML.self, from: stylesData) {
            var custom: [Int: String] = [:]
            for format in styles.numFmts?.numFmt ?? [] { custom[format.numFmtId] = format.formatCode }
            var dates = Set<Int>()
            for (index, xf) in (styles.cellXfs?.xf ?? []).enumerated() {
                if let id = xf.numFmtId, Self.isDateFormat(id: id, code: custom[id]) { dates.insert(index) }
            }
            dateStyles = dates
        } else {
            dateStyles = []
        }
    }

    /// Built-in date formats 14–22 and 45–47, or a custom code with day, month or year letters outside quotes.
    static func isDateFormat(id: Int, code: String?) -> Bool {
        if (14...22).contains(id) || (45...47).contains(id) { return true }
        guard let code else { return false }
        var inQuote = false
        var inBracket = false
        var escaped = false
        for character in code.lowercased() {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[": inBracket = true
            case "]": inBracket = false
            case "d", "y", "m", "h", "s": if !inQuote && !inBracket { return true }
            default: continue
            }
        }
        return false
    }

    /// A part for XMLDecoder. Foundation's XMLParser under it traps on a name that is not UTF-8 (found by the
    /// FuzzIngest fuzz target), so such a part is refused here; Excel writes these parts in UTF-8.
    private static func data(_ archive: XLSXZipReader, _ path: String) throws(IngestError) -> Data {
        let bytes = try archive.bytes(path)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .invalidWorkbook(reason: "\(path) is not UTF-8 text")
        }
        return Data(bytes)
    }

    /// The named sheet, or the first one.
    func sheet(named name: String?) throws(IngestError) -> (name: String, path: String) {
        guard let name else {
            guard let first = sheets.first else { throw .invalidWorkbook(reason: "it has no sheet") }
            return first
        }
        guard let sheet = sheets.first(where: { $0.name == name }) else { throw .sheetNotFound(name) }
        return sheet
    }

    /// Extracts a part, chunk by chunk, under the archive limits, and opens it.
    func extract(_ path: String) throws(IngestError) -> any ByteSource {
        try archive.extract(path)
    }

    /// Reads all shared strings (streamed from the extracted part) into one compact store, within
    /// ``IngestLimits/maxSharedStrings`` and ``IngestLimits/maxSharedStringBytes``.
    func sharedStrings() throws(IngestError) -> SharedStrings {
        guard archive.contains("xl/sharedStrings.xml") else { return SharedStrings() }
        let tokens = XMLTokenizer(
            stream: DecodedStream(
                source: try extract("xl/sharedStrings.xml"), encoding: .utf8, skip: 0, chunkSize: limits.chunkSize),
            maxTokenBytes: limits.maxCellBytes)
        var strings = SharedStrings()
        var inItem = false
        var inText = false
        var phoneticDepth = 0
        while let token = try tokens.next() {
            switch token {
            case .open(let name, _, let selfClosing):
                if name == Array("si".utf8) {
                    inItem = true
                    if selfClosing { try finish(&strings) }
                } else if name == Array("rPh".utf8) {
                    if !selfClosing { phoneticDepth += 1 }
                } else if name == Array("t".utf8) && !selfClosing {
                    inText = true
                }
            case .close(let name):
                if name == Array("si".utf8) {
                    inItem = false
                    try finish(&strings)
                } else if name == Array("rPh".utf8) {
                    phoneticDepth -= 1
                } else if name == Array("t".utf8) {
                    inText = false
                }
            case .text(let text):
                if inItem && inText && phoneticDepth == 0 {
                    strings.append(text)
                    guard strings.byteCount <= limits.maxSharedStringBytes else {
                        throw .archiveLimit(.sharedStringBytes(limit: limits.maxSharedStringBytes))
                    }
                }
            }
        }
        return strings
    }

    private func finish(_ strings: inout SharedStrings) throws(IngestError) {
        strings.finish()
        guard strings.count <= limits.maxSharedStrings else {
            throw .archiveLimit(.sharedStrings(limit: limits.maxSharedStrings))
        }
    }
}

/// Shared strings stored back to back in one buffer.
struct SharedStrings {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var pending: [UInt8] = []

    var count: Int { ends.count }
    /// The bytes held, the string being read included.
    var byteCount: Int { bytes.count + pending.count }

    mutating func append(_ text: [UInt8]) { pending.append(contentsOf: text) }

    mutating func finish() {
        bytes.append(contentsOf: pending)
        ends.append(bytes.count)
        pending.removeAll(keepingCapacity: true)
    }

    subscript(index: Int) -> ArraySlice<UInt8>? {
        guard index >= 0, index < ends.count else { return nil }
        return bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }
}
