import Foundation
import Vocabulary

/// Streams the rows of one worksheet as raw rows: shared strings resolved, booleans as `true`/`false`,
/// date-styled numbers as ISO dates or date-times. Missing cells are empty.
final class XLSXRowSource: RowSource {
    private let tokens: XMLTokenizer
    private let strings: SharedStrings
    private let dateStyles: Set<Int>
    private let date1904: Bool
    /// The largest cell, shared strings resolved; a row's cells together may take `maxRowBytes`.
    private let maxCellBytes: Int
    private let maxRowBytes: Int
    /// Cells beyond this column are dropped; set from the header row.
    var width: Int?
    private(set) var row = RawRow()
    private var cells: [[UInt8]?] = []

    var bytesRead: Int { tokens.bytesRead }
    var totalBytes: Int { tokens.totalBytes }

    init(workbook: XLSXWorkbook, sheet: String?, limits: IngestLimits) throws(IngestError) {
        let chosen = try workbook.sheet(named: sheet)
        strings = try workbook.sharedStrings()
        dateStyles = workbook.dateStyles
        date1904 = workbook.date1904
        maxCellBytes = limits.maxCellBytes
        maxRowBytes = limits.maxRecordBytes
        tokens = XMLTokenizer(
            stream: DecodedStream(
                source: try workbook.extract(chosen.path), encoding: .utf8, skip: 0, chunkSize: limits.chunkSize),
            maxTokenBytes: limits.maxCellBytes)
    }

    private static let rowName = Array("row".utf8)
    private static let cellName = Array("c".utf8)
    private static let valueName = Array("v".utf8)
    private static let textName = Array("t".utf8)

    func next() throws(IngestError) -> Bool {
        while true {
            guard let token = try tokens.next() else { return false }
            guard case .open(let name, let attributes, let selfClosing) = token, name == Self.rowName else { continue }
            cells.removeAll(keepingCapacity: true)
            let number = XMLTokenizer.attribute("r", in: attributes).flatMap { Int(String(decoding: $0, as: UTF8.self)) }
            if !selfClosing { try readCells(line: number ?? 0) }
            while let last = cells.last, last == nil || last?.isEmpty == true { cells.removeLast() }
            if cells.isEmpty { continue }
            row.reset()
            row.line = number ?? 0
            for k in 0..<(width ?? cells.count) {
                if k < cells.count, let cell = cells[k] { row.append(cell: cell) } else { row.ends.append(row.bytes.count) }
            }
            return true
        }
    }

    /// Reads the cells of row `line` up to its end. A cell may not pass ``maxCellBytes`` (a shared string
    /// referenced from many cells could otherwise multiply memory), nor the row ``maxRowBytes``.
    private func readCells(line: Int) throws(IngestError) {
        var rowBytes = 0
        var column = 0
        var type: [UInt8] = []
        var style: Int?
        var value: [UInt8] = []
        var capturing = false
        var inCell = false
        while let token = try tokens.next() {
            switch token {
            case .open(let name, let attributes, let selfClosing):
                if name == Self.cellName {
                    if let reference = XMLTokenizer.attribute("r", in: attributes), let index = Self.columnIndex(reference) {
                        column = index
                    }
                    type = XMLTokenizer.attribute("t", in: attributes) ?? []
                    style = XMLTokenizer.attribute("s", in: attributes).flatMap { Int(String(decoding: $0, as: UTF8.self)) }
                    value.removeAll(keepingCapacity: true)
                    inCell = !selfClosing
                    if selfClosing { column += 1 }
                } else if inCell && (name == Self.valueName || name == Self.textName) && !selfClosing {
                    capturing = true
                }
            case .close(let name):
                if name == Self.rowName { return }
                if name == Self.valueName || name == Self.textName {
                    capturing = false
                } else if name == Self.cellName {
                    inCell = false
                    let cell = resolve(value, type: type, style: style)
                    guard cell.count <= maxCellBytes else {
                        throw .cellTooLarge(line: line, column: column + 1, limit: maxCellBytes)
                    }
                    rowBytes += cell.count
                    guard rowBytes <= maxRowBytes else { throw .recordTooLarge(record: line, limit: maxRowBytes) }
                    store(cell, at: column)
                    column += 1
                }
            case .text(let text):
                guard capturing else { continue }
                value.append(contentsOf: text)
                guard value.count <= maxCellBytes else {
                    throw .cellTooLarge(line: line, column: column + 1, limit: maxCellBytes)
                }
            }
        }
    }

    private func store(_ cell: [UInt8], at column: Int) {
        guard column < 16_384, width.map({ column < $0 }) ?? true else { return }
        while cells.count <= column { cells.append(nil) }
        cells[column] = cell
    }

    private func resolve(_ value: [UInt8], type: [UInt8], style: Int?) -> [UInt8] {
        switch String(decoding: type, as: UTF8.self) {
        case "s":
            guard let index = Int(String(decoding: value, as: UTF8.self)), let text = strings[index] else { return [] }
            return Array(text)
        case "b": return Array((value == [UInt8(ascii: "1")] ? "true" : "false").utf8)
        case "e": return []
        case "str", "inlineStr": return value
        default:
            guard let style, dateStyles.contains(style),
                let serial = Double(String(decoding: value, as: UTF8.self))
            else { return value }
            return Array(Self.dateText(serial: serial, date1904: date1904).utf8)
        }
    }

    /// An Excel serial date as `yyyy-MM-dd`, or `yyyy-MM-ddTHH:mm:ss` when it has a time of day.
    static func dateText(serial: Double, date1904: Bool) -> String {
        guard serial.isFinite, serial > -1, serial < 2_958_466 else { return String(serial) }
        let base = date1904 ? CivilDate(year: 1904, month: 1, day: 1) : CivilDate(year: 1899, month: 12, day: 30)
        let totalSeconds = Int((serial * 86400).rounded())
        let days = totalSeconds / 86400
        let seconds = totalSeconds % 86400
        let date = CivilDate(daysSinceEpoch: base.daysSinceEpoch + days)
        guard seconds > 0 else { return date.text }
        var out: [UInt8] = []
        CivilDateTime(date: date, secondOfDay: seconds).write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `A1` → 0, `AB12` → 27.
    static func columnIndex(_ reference: [UInt8]) -> Int? {
        var index = 0
        var letters = 0
        for byte in reference {
            let upper = byte & ~0x20
            guard upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z") else { break }
            index = index * 26 + Int(upper - UInt8(ascii: "A") + 1)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters > 0 ? index - 1 : nil
    }
}
