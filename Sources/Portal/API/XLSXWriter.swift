import Markup
import ODSQL

/// SpreadsheetML for the `xlsx` export: the fixed package parts, and one worksheet whose rows use inline
/// strings (no shared-string table to hold in memory) and real numbers for numeric columns. The worksheet
/// is produced page by page and zipped on the fly by ``ZipStream``.
enum XLSXWriter {
    static let worksheetPath = "xl/worksheets/sheet1.xml"
    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    private static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
    /// Excel refuses longer cells.
    private static let maxCellLength = 32_767

    /// The parts before the worksheet: content types, package relationships, the workbook and its relationships.
    static func packageParts(sheetName: String) -> [(String, String)] {
        // Per scalar: a `[` fused with a combining mark is still a `[` to Excel.
        var allowed = String.UnicodeScalarView()
        allowed.append(contentsOf: sheetName.unicodeScalars.filter { !"[]:*?/\\".unicodeScalars.contains($0) })
        let name = escape(String(String(allowed).prefix(31)))
        let openXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        return [
            (
                "[Content_Types].xml",
                declaration + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
                    + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
                    + #"<Default Extension="xml" ContentType="application/xml"/>"#
                    + #"<Override PartName="/xl/workbook.xml" ContentType="\#(openXML).sheet.main+xml"/>"#
                    + #"<Override PartName="/\#(worksheetPath)" ContentType="\#(openXML).worksheet+xml"/></Types>"#
            ),
            (
                "_rels/.rels",
                declaration + #"<Relationships xmlns="\#(packageRelationships)"><Relationship Id="rId1" "#
                    + #"Type="\#(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
            (
                "xl/workbook.xml",
                declaration + #"<workbook xmlns="\#(main)" xmlns:r="\#(relationships)"><sheets>"#
                    + #"<sheet name="\#(name.isEmpty ? "data" : name)" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
            (
                "xl/_rels/workbook.xml.rels",
                declaration + #"<Relationships xmlns="\#(packageRelationships)"><Relationship Id="rId1" "#
                    + #"Type="\#(relationships)/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ]
    }

    /// The worksheet's opening and its header row.
    static func sheetStart(headers: [String]) -> String {
        declaration + #"<worksheet xmlns="\#(main)"><sheetData>"# + "<row>" + headers.map(stringCell).joined() + "</row>"
    }

    static let sheetEnd = "</sheetData></worksheet>"

    /// One row: numbers and booleans typed, everything else as the CSV export writes it.
    static func row(_ row: [SQLValue], columns: [ResultColumn], text: (ResultColumn) -> String) -> String {
        var xml = "<row>"
        for column in columns {
            let value = column.firstSQLColumn < row.count ? row[column.firstSQLColumn] : .null
            switch (column.type, value) {
            case (_, .null):
                xml += "<c/>"
            case (.int, .int(let number)), (.double, .int(let number)):
                xml += "<c><v>\(number)</v></c>"
            case (.int, .double(let number)), (.double, .double(let number)):
                xml += number.isFinite ? "<c><v>\(number)</v></c>" : "<c/>"
            case (.boolean, .int(let number)):
                xml += #"<c t="b"><v>\#(number != 0 ? 1 : 0)</v></c>"#
            case (.boolean, .bool(let flag)):
                xml += #"<c t="b"><v>\#(flag ? 1 : 0)</v></c>"#
            default:
                let cell = text(column)
                xml += cell.isEmpty ? "<c/>" : stringCell(cell)
            }
        }
        return xml + "</row>"
    }

    private static func stringCell(_ text: String) -> String {
        #"<c t="inlineStr"><is><t xml:space="preserve">"# + escape(String(text.prefix(maxCellLength))) + "</t></is></c>"
    }

    /// Escapes XML text and drops the characters XML 1.0 cannot carry (see ``MarkupEscaping/xml(_:)``).
    static func escape(_ text: String) -> String { MarkupEscaping.xml(text) }
}
