import Foundation
import ODSQL

/// The attribute table of a shapefile (dBASE III with a UTF-8 `.cpg`). Values are spooled as text while rows
/// come, with each column's widest value measured, so that the header can give every field a width that
/// fits: N for integers (width of the longest), N with decimals for doubles, L for booleans, D for dates,
/// C for the rest (UTF-8, cut at 254 bytes between Unicode scalars). Names are ASCII, at most 10 bytes, unique.
final class DBFTable {
    private struct Column {
        let field: ExportField
        let name: [UInt8]
        var type: UInt8
        var width = 1
        var decimals = 0
        var integerDigits = 1
    }

    private var columns: [Column]
    fileprivate let spool: ScratchFile
    private(set) var rowCount: UInt32 = 0

    init(fields: [ExportField], scratchDirectory: URL) throws {
        var used: Set<[UInt8]> = []
        columns = fields.map { field in
            let ascii = field.name.unicodeScalars.map {
                $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) ? UInt8($0.value) : UInt8(ascii: "_")
            }
            var name = Array(ascii.prefix(10))
            var suffix = 1
            while used.contains(name) || name.isEmpty {
                let tail = Array("_\(suffix)".utf8)
                name = Array(ascii.prefix(10 - tail.count)) + tail
                suffix += 1
            }
            used.insert(name)
            let type: UInt8 =
                switch field.kind {
                case .int, .double: UInt8(ascii: "N")
                case .boolean: UInt8(ascii: "L")
                case .date: UInt8(ascii: "D")
                default: UInt8(ascii: "C")
                }
            return Column(field: field, name: name, type: type)
        }
        spool = try ScratchFile(in: scratchDirectory, prefix: "dbf-rows")
    }

    /// Spools the attribute values of `row`.
    func append(_ row: [SQLValue]) throws {
        var record: [UInt8] = []
        for index in columns.indices {
            guard let text = text(columns[index].field.value(in: row), column: &columns[index]) else {
                ByteOrder.little(UInt16.max, to: &record)
                continue
            }
            ByteOrder.little(UInt16(text.count), to: &record)
            record += text
        }
        try spool.append(record)
        rowCount += 1
    }

    /// The header: version, date, record count, header and record lengths, field descriptors.
    func header() -> [UInt8] {
        var bytes: [UInt8] = [0x03, 126, 1, 1]  // dBASE III, last updated 2026-01-01
        ByteOrder.little(rowCount, to: &bytes)
        ByteOrder.little(UInt16(32 + 32 * columns.count + 1), to: &bytes)
        ByteOrder.little(UInt16(1 + columns.reduce(0) { $0 + $1.width }), to: &bytes)
        bytes += [UInt8](repeating: 0, count: 20)
        for column in columns {
            bytes += column.name + [UInt8](repeating: 0, count: 11 - column.name.count)
            bytes.append(column.type)
            bytes += [0, 0, 0, 0, UInt8(column.width), UInt8(column.decimals)]
            bytes += [UInt8](repeating: 0, count: 14)
        }
        bytes.append(0x0D)
        return bytes
    }

    /// The next records (about 1 MiB), read back from the spool; nil after the last, which ends with 0x1A.
    func nextRecords(_ reader: inout ScratchReader) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        while bytes.count < 1 << 20 {
            guard let first = try reader.read(2) else { break }
            bytes.append(0x20)
            var length = Int(first[first.startIndex]) | Int(first[first.startIndex + 1]) << 8
            for (index, column) in columns.enumerated() {
                if index > 0 {
                    guard let next = try reader.read(2) else { throw ExportFormatError("truncated attribute spool") }
                    length = Int(next[next.startIndex]) | Int(next[next.startIndex + 1]) << 8
                }
                let text = length == Int(UInt16.max) ? [] : Array(try reader.read(length) ?? [])
                bytes += cell(text, column)
            }
        }
        return bytes.isEmpty ? nil : bytes
    }

    /// The end-of-file marker.
    static let end: [UInt8] = [0x1A]

    private func cell(_ text: [UInt8], _ column: Column) -> [UInt8] {
        let padding = [UInt8](repeating: 0x20, count: max(0, column.width - text.count))
        if text.isEmpty && column.type == UInt8(ascii: "L") { return [UInt8(ascii: "?")] + padding.dropFirst() }
        if column.type == UInt8(ascii: "N") {
            guard column.decimals > 0, let dot = text.firstIndex(of: UInt8(ascii: ".")) ?? Optional(text.count) else {
                return padding + text
            }
            // Align the decimals: digits before the point right-aligned, zeros after.
            let fraction = text.count - dot - (dot < text.count ? 1 : 0)
            let aligned =
                text + (dot == text.count ? [UInt8(ascii: ".")] : []) + [UInt8](repeating: 48, count: column.decimals - fraction)
            return [UInt8](repeating: 0x20, count: max(0, column.width - aligned.count)) + aligned
        }
        return text + padding
    }

    /// The cell text of `value`, growing the column's width to hold it.
    private func text(_ value: FieldValue, column: inout Column) -> [UInt8]? {
        let text: [UInt8]
        switch value {
        case .null: return nil
        case .bool(let flag): text = [UInt8(ascii: flag ? "T" : "F")]
        case .date(let days): text = Array(StoredDates.dateText(days: days).utf8.filter { $0 != UInt8(ascii: "-") })
        case .double(let number):
            guard number.isFinite else { return nil }
            // The shortest form that reads back the same double, without an exponent.
            let shortest = "\(number)"
            var digits = Array((shortest.contains("e") ? String(format: "%.15f", number) : shortest).utf8)
            while digits.last == UInt8(ascii: "0") { digits.removeLast() }
            if digits.last == UInt8(ascii: ".") { digits.removeLast() }
            let dot = digits.firstIndex(of: UInt8(ascii: ".")) ?? digits.count
            column.integerDigits = max(column.integerDigits, dot)
            column.decimals = min(15, max(column.decimals, digits.count - min(digits.count, dot + 1)))
            column.width = min(254, column.integerDigits + (column.decimals > 0 ? column.decimals + 1 : 0))
            return digits
        default:
            text = Array(Self.cut(value.text ?? "", to: 254).utf8)
        }
        column.width = max(column.width, text.count)
        return text
    }

    /// `text` cut to at most `limit` UTF-8 bytes, never inside a character.
    static func cut(_ text: String, to limit: Int) -> Substring {
        guard text.utf8.count > limit else { return Substring(text) }
        var end = text.startIndex
        var used = 0
        for index in text.unicodeScalars.indices {
            let size = text.unicodeScalars[index].utf8.count
            if used + size > limit { break }
            used += size
            end = text.unicodeScalars.index(after: index)
        }
        return text[..<end]
    }
}

extension DBFTable {
    /// A reader over the spooled rows, for ``nextRecords(_:)``.
    func reader() -> ScratchReader { ScratchReader(spool) }
}
