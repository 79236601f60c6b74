import Foundation
import Markup
import ODSQL

/// The dataset exports `jsonld`, `turtle` and `rdfxml`: one RDF resource per record, streamed record by record.
///
/// A record is the resource `{dataset}/records/{_id}` (its API URL; a blank node for a `group_by` row, which is no
/// record), with `dct:identifier` its id and one property per exported column, null values left out. A column's
/// property is `{dataset}/fields#{name}`, where the name is the column's key when that is an XML name (a field name
/// starting with a letter), else `_` and the key with every other character as `_` and its hexadecimal code, so that
/// RDF/XML can write it too. Literals are typed: `xsd:integer`, `xsd:double`, `xsd:boolean`, `xsd:date`,
/// `xsd:dateTime` (in the request's time zone), a point as a GeoSPARQL `wktLiteral` (`POINT(lon lat)`), a shape as a
/// GeoSPARQL `geoJSONLiteral`; text and JSON as plain strings.
enum RDFRecords {
    private static let geo = "http://www.opengis.net/ont/geosparql#"
    private static let xsd = "http://www.w3.org/2001/XMLSchema#"
    private static let dct = "http://purl.org/dc/terms/"

    /// A typed literal: its lexical form and its datatype IRI (nil for a plain string).
    private struct Literal {
        let text: String
        let datatype: String?
    }

    /// The document's opening: namespaces (Turtle, RDF/XML) or the context and the graph's start (JSON-LD).
    static func prologue(_ plan: ExportPlan) -> [UInt8] {
        let fields = plan.resourceBase + "/fields#"
        switch plan.format {
        case .turtle:
            return Array(
                "@prefix dct: <\(dct)> .\n@prefix xsd: <\(xsd)> .\n@prefix geo: <\(geo)> .\n@prefix f: <\(fields)> .\n"
                    .utf8)
        case .rdfxml:
            return Array(
                (#"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<rdf:RDF xmlns:rdf=\"\(RDFNamespace.all[0].iri)\""
                    + " xmlns:dct=\"\(dct)\" xmlns:f=\"\(MarkupEscaping.xml(fields))\">\n").utf8)
        default:
            var writer = JSONWriter()
            writer.raw("{\"@context\":{\"dct\":\"\(dct)\",\"xsd\":\"\(xsd)\",\"geo\":\"\(geo)\",\"f\":")
            writer.string(fields)
            writer.raw("},\"@graph\":[")
            return writer.bytes
        }
    }

    /// The document's end.
    static func epilogue(_ plan: ExportPlan) -> [UInt8] {
        switch plan.format {
        case .turtle: []
        case .rdfxml: Array("</rdf:RDF>\n".utf8)
        default: Array("]}\n".utf8)
        }
    }

    /// The resources of `rows`; `first` when they are the export's first batch (JSON-LD's separators).
    static func rows(_ rows: [[SQLValue]], plan: ExportPlan, first: Bool) -> [UInt8] {
        let identified = plan.columns.first.map { $0.key == "_id" && $0.firstSQLColumn == 0 } ?? false
        let columns = identified ? Array(plan.columns.dropFirst()) : plan.columns
        let names = columns.map { propertyName($0.key) }
        var text = ""
        for (index, row) in rows.enumerated() {
            var id: String?
            if identified, case .text(let value) = row.first { id = value }
            let subject = id.map { RDFObject.cleanIRI(plan.resourceBase + "/records/" + $0) }
            var properties: [(name: String, literal: Literal)] = []
            if let id { properties.append(("dct:identifier", Literal(text: id, datatype: nil))) }
            for (column, name) in zip(columns, names) {
                if let literal = literal(row, column, timeZone: plan.timeZone) { properties.append(("f:" + name, literal)) }
            }
            guard !properties.isEmpty else { continue }
            switch plan.format {
            case .turtle: text += turtle(subject, properties)
            case .rdfxml: text += rdfXML(subject, properties)
            default: text += (first && index == 0 ? "" : ",") + jsonLD(subject, properties)
            }
        }
        return Array(text.utf8)
    }

    /// The local name of a column's property: the key when it is an XML name, else `_` and the key with every
    /// character but ASCII letters and digits written `_` and its hexadecimal code.
    static func propertyName(_ key: String) -> String {
        let bytes = Array(key.utf8)
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        if let head = bytes.first, isLetter(head) || head == UInt8(ascii: "_"),
            bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") })
        {
            return key
        }
        var name = "_"
        for byte in bytes {
            if isLetter(byte) || isDigit(byte) {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                name += "_" + String(byte, radix: 16)
            }
        }
        return name
    }

    private static func literal(_ row: [SQLValue], _ column: ResultColumn, timeZone: TimeZone) -> Literal? {
        let index = column.firstSQLColumn
        guard index < row.count else { return nil }
        let value = row[index]
        if case .null = value { return nil }
        switch column.type {
        case .geoPoint:
            guard index + 1 < row.count, let lat = value.double, let lon = row[index + 1].double else { return nil }
            return Literal(text: "POINT(\(lon) \(lat))", datatype: geo + "wktLiteral")
        case .geoShape:
            guard case .text(let geometry) = value else { return nil }
            return Literal(text: geometry, datatype: geo + "geoJSONLiteral")
        case .boundingBox, .null: return nil
        case .datetime:
            guard case .text(let text) = value else { return nil }
            return Literal(text: DateTimeRendering.render(text, in: timeZone), datatype: xsd + "dateTime")
        case .date: return Literal(text: scalarText(value), datatype: xsd + "date")
        case .boolean:
            let flag: Bool
            switch value {
            case .int(let number): flag = number != 0
            case .bool(let bool): flag = bool
            default: return Literal(text: scalarText(value), datatype: nil)
            }
            return Literal(text: flag ? "true" : "false", datatype: xsd + "boolean")
        case .int: return Literal(text: scalarText(value), datatype: xsd + "integer")
        case .double:
            guard let number = value.double, number.isFinite else { return nil }
            return Literal(text: "\(number)", datatype: xsd + "double")
        case .text, .json: return Literal(text: RDFObject.cleanText(scalarText(value)), datatype: nil)
        }
    }

    private static func scalarText(_ value: SQLValue) -> String {
        switch value {
        case .null: ""
        case .int(let number): String(number)
        case .double(let number): "\(number)"
        case .text(let text): text
        case .bool(let flag): flag ? "true" : "false"
        }
    }

    private static func turtle(_ subject: String?, _ properties: [(name: String, literal: Literal)]) -> String {
        var text = "\n" + (subject.map { "<\($0)>" } ?? "[]")
        for (index, property) in properties.enumerated() {
            text += (index == 0 ? " " : " ;\n    ") + property.name + " " + TurtleText.quoted(property.literal.text)
            if let datatype = property.literal.datatype { text += "^^<\(datatype)>" }
        }
        return text + " .\n"
    }

    private static func rdfXML(_ subject: String?, _ properties: [(name: String, literal: Literal)]) -> String {
        var text = "<rdf:Description" + (subject.map { " rdf:about=\"\(MarkupEscaping.xml($0))\"" } ?? "") + ">\n"
        for property in properties {
            text += "<\(property.name)"
            if let datatype = property.literal.datatype { text += " rdf:datatype=\"\(MarkupEscaping.xml(datatype))\"" }
            text += ">\(MarkupEscaping.xml(property.literal.text))</\(property.name)>\n"
        }
        return text + "</rdf:Description>\n"
    }

    private static func jsonLD(_ subject: String?, _ properties: [(name: String, literal: Literal)]) -> String {
        var writer = JSONWriter()
        writer.raw("{")
        if let subject {
            writer.raw("\"@id\":")
            writer.string(subject)
        }
        for (index, property) in properties.enumerated() {
            if index > 0 || subject != nil { writer.raw(",") }
            writer.string(property.name)
            writer.raw(":{\"@value\":")
            writer.string(property.literal.text)
            if let datatype = property.literal.datatype {
                writer.raw(",\"@type\":")
                writer.string(datatype)
            }
            writer.raw("}")
        }
        writer.raw("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension ExportFormat {
    /// The RDF syntax of the `jsonld`, `turtle` and `rdfxml` exports (``RDFRecords``), nil for the others.
    var rdfSyntax: RDFSyntax? {
        switch self {
        case .jsonld: .jsonLD
        case .turtle: .turtle
        case .rdfxml: .rdfXML
        default: nil
        }
    }
}
