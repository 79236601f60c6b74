import Markup

/// The syntaxes an ``RDFResource`` tree is written in: RDF/XML (nested, "striped", as Opendatasoft's DCAT export and
/// data.gouv.fr's harvester read it), Turtle and JSON-LD. The three documents carry the same triples.
enum RDFSyntax: Sendable {
    case rdfXML, turtle, jsonLD

    /// The answer's media type.
    var contentType: String {
        switch self {
        case .rdfXML: "application/rdf+xml; charset=utf-8"
        case .turtle: "text/turtle; charset=utf-8"
        case .jsonLD: "application/ld+json; charset=utf-8"
        }
    }

    /// The extension of the downloaded file.
    var fileExtension: String {
        switch self {
        case .rdfXML: "rdf"
        case .turtle: "ttl"
        case .jsonLD: "jsonld"
        }
    }

    /// The whole document describing `root` and everything nested in it.
    func document(_ root: RDFResource) -> String {
        switch self {
        case .rdfXML: RDFXMLText().document(root)
        case .turtle: TurtleText().document(root)
        case .jsonLD: JSONLDText().document(root)
        }
    }
}

/// RDF/XML: each resource is a node element named after its class, each property an element inside it.
private struct RDFXMLText {
    func document(_ root: RDFResource) -> String {
        var text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<rdf:RDF"
        for namespace in RDFNamespace.all { text += " xmlns:\(namespace.prefix)=\"\(namespace.iri)\"" }
        text += ">\n"
        write(root, to: &text)
        return text + "\n</rdf:RDF>\n"
    }

    private func write(_ resource: RDFResource, to text: inout String) {
        text += "<\(resource.type)"
        if let iri = resource.iri { text += " rdf:about=\"\(MarkupEscaping.xml(iri))\"" }
        text += ">\n"
        for (predicate, object) in resource.properties {
            switch object {
            case .text(let value, let language, let datatype):
                text += "<\(predicate)"
                if let language { text += " xml:lang=\"\(language)\"" }
                if let datatype { text += " rdf:datatype=\"\(MarkupEscaping.xml(expand(datatype)))\"" }
                text += ">\(MarkupEscaping.xml(value))</\(predicate)>\n"
            case .reference(let iri):
                text += "<\(predicate) rdf:resource=\"\(MarkupEscaping.xml(iri))\"/>\n"
            case .resource(let nested):
                text += "<\(predicate)>"
                write(nested, to: &text)
                text += "</\(predicate)>\n"
            }
        }
        text += "</\(resource.type)>"
    }
}

/// Turtle: one block per resource with an IRI, blank nodes inline in `[ … ]`.
struct TurtleText {
    func document(_ root: RDFResource) -> String {
        var text = ""
        for namespace in RDFNamespace.all { text += "@prefix \(namespace.prefix): <\(namespace.iri)> .\n" }
        var pending = [root]
        var index = 0
        while index < pending.count {
            let resource = pending[index]
            index += 1
            text += "\n" + (resource.iri.map { "<\($0)>" } ?? "[]") + " "
            write(properties: resource, indent: "    ", to: &text, pending: &pending)
            text += " .\n"
        }
        return text
    }

    private func write(properties resource: RDFResource, indent: String, to text: inout String, pending: inout [RDFResource]) {
        text += "a \(resource.type)"
        for (predicate, object) in resource.properties {
            text += " ;\n\(indent)\(predicate) "
            switch object {
            case .text(let value, let language, let datatype):
                text += Self.quoted(value)
                if let language { text += "@" + language } else if let datatype { text += "^^" + datatype }
            case .reference(let iri):
                text += "<\(iri)>"
            case .resource(let nested):
                if let iri = nested.iri {
                    text += "<\(iri)>"
                    pending.append(nested)
                } else {
                    text += "[ "
                    write(properties: nested, indent: indent + "    ", to: &text, pending: &pending)
                    text += " ]"
                }
            }
        }
    }

    /// `value` as a Turtle string literal (quotes, backslashes, line ends and tabs escaped).
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}

/// JSON-LD: one nested node object, compact IRIs through a context that declares the prefixes.
private struct JSONLDText {
    func document(_ root: RDFResource) -> String {
        var writer = JSONWriter()
        writer.raw("{\"@context\":{")
        for (index, namespace) in RDFNamespace.all.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(namespace.prefix)
            writer.raw(":")
            writer.string(namespace.iri)
        }
        writer.raw("},\"@graph\":[")
        write(root, to: &writer)
        writer.raw("]}\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private func write(_ resource: RDFResource, to writer: inout JSONWriter) {
        writer.raw("{")
        if let iri = resource.iri {
            writer.raw("\"@id\":")
            writer.string(iri)
            writer.raw(",")
        }
        writer.raw("\"@type\":")
        writer.string(resource.type)
        var predicates: [String] = []
        for (predicate, _) in resource.properties where !predicates.contains(predicate) { predicates.append(predicate) }
        for predicate in predicates {
            writer.raw(",")
            writer.string(predicate)
            writer.raw(":[")
            for (index, object) in resource.properties.filter({ $0.predicate == predicate }).map(\.object).enumerated() {
                if index > 0 { writer.raw(",") }
                switch object {
                case .text(let value, let language, let datatype):
                    writer.raw("{\"@value\":")
                    writer.string(value)
                    if let language {
                        writer.raw(",\"@language\":")
                        writer.string(language)
                    } else if let datatype {
                        writer.raw(",\"@type\":")
                        writer.string(datatype)
                    }
                    writer.raw("}")
                case .reference(let iri):
                    writer.raw("{\"@id\":")
                    writer.string(iri)
                    writer.raw("}")
                case .resource(let nested):
                    write(nested, to: &writer)
                }
            }
            writer.raw("]")
        }
        writer.raw("}")
    }
}

/// The full IRI of a prefixed name of ``RDFNamespace/all`` (RDF/XML's `rdf:datatype` takes no prefixed name).
func expand(_ name: String) -> String {
    guard let colon = name.firstIndex(of: ":"),
        let namespace = RDFNamespace.all.first(where: { $0.prefix == name[..<colon] })
    else { return name }
    return namespace.iri + name[name.index(after: colon)...]
}
