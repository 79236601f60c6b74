import Foundation
import ODSQL

/// Encodes export pages: CSV with Opendatasoft's defaults (`;`, a byte-order mark, points as
/// `"lat, lon"`), JSON arrays, JSON Lines, GeoJSON feature collections and the XLSX worksheet (which
/// ``ExportOutput`` zips).
enum ExportEncoder {
    static func prologue(_ plan: ExportPlan) -> [UInt8] {
        switch plan.format {
        case .csv:
            var bytes: [UInt8] = plan.withBOM ? [0xEF, 0xBB, 0xBF] : []
            bytes += Array((plan.headers.map { cell($0, plan) }.joined(separator: plan.delimiter) + "\r\n").utf8)
            return bytes
        case .json: return Array("[".utf8)
        case .jsonl: return []
        case .geojson: return Array(#"{"type":"FeatureCollection","features":["#.utf8)
        case .xlsx: return Array(XLSXWriter.sheetStart(headers: plan.headers).utf8)
        case .parquet, .shp, .kml, .gpx, .fgb: return []  // written by ``FileExport``
        case .jsonld, .turtle, .rdfxml: return RDFRecords.prologue(plan)
        }
    }

    static func epilogue(_ plan: ExportPlan) -> [UInt8] {
        switch plan.format {
        case .csv, .jsonl: []
        case .json: Array("]".utf8)
        case .geojson: Array("]}".utf8)
        case .xlsx: Array(XLSXWriter.sheetEnd.utf8)
        case .parquet, .shp, .kml, .gpx, .fgb: []
        case .jsonld, .turtle, .rdfxml: RDFRecords.epilogue(plan)
        }
    }

    static func rows(_ rows: [[SQLValue]], plan: ExportPlan, first: Bool) -> [UInt8] {
        if plan.format.rdfSyntax != nil { return RDFRecords.rows(rows, plan: plan, first: first) }
        let renderer = RecordRenderer(columns: plan.columns, timeZone: plan.timeZone)
        var writer = JSONWriter()
        for (index, row) in rows.enumerated() {
            switch plan.format {
            case .csv:
                let cells = plan.columns.map { cell(csvText(row, $0, plan: plan, renderer: renderer), plan) }
                writer.raw(cells.joined(separator: plan.delimiter) + "\r\n")
            case .json:
                if !(first && index == 0) { writer.raw(",") }
                renderer.writeObject(row, to: &writer)
            case .jsonl:
                renderer.writeObject(row, to: &writer)
                writer.raw("\n")
            case .geojson:
                if !(first && index == 0) { writer.raw(",") }
                writeFeature(row, renderer: renderer, to: &writer)
            case .xlsx:
                writer.raw(XLSXWriter.row(row, columns: plan.columns) { csvText(row, $0, plan: plan, renderer: renderer) })
            case .parquet, .shp, .kml, .gpx, .fgb, .jsonld, .turtle, .rdfxml: break
            }
        }
        return writer.bytes
    }

    private static func writeFeature(_ row: [SQLValue], renderer: RecordRenderer, to writer: inout JSONWriter) {
        let geometryColumn = renderer.columns.first { $0.type == .geoShape } ?? renderer.columns.first { $0.type == .geoPoint }
        writer.raw(#"{"type":"Feature","geometry":"#)
        if let column = geometryColumn, column.firstSQLColumn < row.count {
            if column.type == .geoShape, case .text(let geometry) = row[column.firstSQLColumn] {
                writer.raw(geometry)
            } else if column.type == .geoPoint, let lat = row[column.firstSQLColumn].double,
                column.firstSQLColumn + 1 < row.count, let lon = row[column.firstSQLColumn + 1].double
            {
                writer.raw(#"{"type":"Point","coordinates":["#)
                writer.number(lon)
                writer.raw(",")
                writer.number(lat)
                writer.raw("]}")
            } else {
                writer.raw("null")
            }
        } else {
            writer.raw("null")
        }
        writer.raw(#","properties":"#)
        RecordRenderer(columns: renderer.columns.filter { $0.type != .geoShape }, timeZone: renderer.timeZone)
            .writeObject(row, to: &writer)
        writer.raw("}")
    }

    /// A value as CSV text: numbers and strings as they are, points as `lat, lon`, shapes as
    /// GeoJSON geometry, datetimes in the requested zone.
    private static func csvText(_ row: [SQLValue], _ column: ResultColumn, plan: ExportPlan, renderer: RecordRenderer)
        -> String
    {
        let first = column.firstSQLColumn
        guard first < row.count else { return "" }
        switch column.type {
        case .json where column.isList:
            guard case .text(let json) = row[first],
                let list = try? JSONDecoder().decode([String].self, from: Data(json.utf8))
            else { return "" }
            return list.joined(separator: plan.listSeparator)
        case .geoPoint:
            guard let lat = row[first].double, first + 1 < row.count, let lon = row[first + 1].double else { return "" }
            return "\(lat), \(lon)"
        case .datetime:
            guard case .text(let text) = row[first] else { return "" }
            return DateTimeRendering.render(text, in: renderer.timeZone)
        case .boolean:
            guard case .int(let number) = row[first] else { return "" }
            return number != 0 ? "True" : "False"
        default:
            switch row[first] {
            case .null: return ""
            case .int(let number): return String(number)
            case .double(let number): return String(number)
            case .text(let text): return text
            case .bool(let flag): return flag ? "True" : "False"
            }
        }
    }

    private static func cell(_ text: String, _ plan: ExportPlan) -> String {
        guard plan.quoteAll || needsQuotes(text, delimiter: plan.delimiter) else { return text }
        // Per scalar: a `"` fused with a combining mark (`"\u{301}`) is one Character that
        // `replacing("\"", …)` would not match, and the quote would end the cell early.
        return "\"" + SQLQuoting.doubling("\"", in: text) + "\""
    }

    /// Whether a CSV cell holds the delimiter, a quote or a line break, scanning bytes (Foundation's
    /// `contains` is the slowest part of an export otherwise, and compares Characters, which a combining
    /// mark after the delimiter would hide it from).
    private static func needsQuotes(_ text: String, delimiter: String) -> Bool {
        let separator = Array(delimiter.utf8)
        if separator.count == 1, let mark = separator.first {
            return text.utf8.contains { $0 == mark || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        }
        if text.utf8.contains(where: { $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) { return true }
        let bytes = Array(text.utf8)
        guard !separator.isEmpty, bytes.count >= separator.count else { return false }
        return (0...(bytes.count - separator.count)).contains { bytes[$0..<($0 + separator.count)].elementsEqual(separator) }
    }
}
