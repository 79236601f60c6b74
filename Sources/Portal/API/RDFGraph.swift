/// A small RDF graph written as a tree: a resource with its properties, whose values are literals, IRIs or nested
/// resources. The catalog's DCAT description is such a tree (a catalog holds datasets, a dataset its distributions,
/// its publisher and contact point), and a tree serializes directly to nested RDF/XML, to Turtle and to JSON-LD
/// (see ``RDFSyntax``), which then carry the same triples.
///
/// Types and predicates are prefixed names of ``RDFNamespace/all``. Every text is cleaned once here, when the graph
/// is built, so that the three syntaxes hold the same graph: characters XML 1.0 cannot carry are dropped and line
/// ends become `\n` (an XML parser would turn a bare `\r` into `\n`), and IRIs are percent-encoded where they hold a
/// character no syntax allows bare in an IRI.
struct RDFResource: Sendable {
    /// The resource's IRI, nil for a blank node.
    let iri: String?
    /// The class, as a prefixed name (`dcat:Dataset`).
    let type: String
    /// The properties in the order they are written; a predicate may repeat.
    private(set) var properties: [(predicate: String, object: RDFObject)] = []

    init(iri: String?, type: String) {
        self.iri = iri.map(RDFObject.cleanIRI)
        self.type = type
    }

    /// Adds `predicate` with `object`.
    mutating func add(_ predicate: String, _ object: RDFObject) { properties.append((predicate, object)) }

    /// Adds `predicate` with a plain or language-tagged literal, unless `text` is empty.
    mutating func add(_ predicate: String, text: String, language: String? = nil) {
        guard !text.isEmpty else { return }
        add(predicate, .literal(text, language: language))
    }

    /// Adds `predicate` with an IRI, unless `iri` is empty.
    mutating func add(_ predicate: String, iri: String) {
        guard !iri.isEmpty else { return }
        add(predicate, .iri(iri))
    }
}

/// The value of a property. Build literals and references with ``literal(_:language:datatype:)`` and ``iri(_:)``,
/// which clean their text.
enum RDFObject: Sendable {
    /// A literal, with a language tag or a datatype (a prefixed name such as `xsd:dateTime`), not both.
    case text(String, language: String?, datatype: String?)
    /// A reference to a resource described elsewhere, or not at all.
    case reference(String)
    /// A resource described in place (a blank node when its IRI is nil).
    case resource(RDFResource)

    /// A cleaned literal: see ``RDFResource``.
    static func literal(_ text: String, language: String? = nil, datatype: String? = nil) -> RDFObject {
        .text(cleanText(text), language: language, datatype: datatype)
    }

    /// A cleaned IRI: see ``RDFResource``.
    static func iri(_ text: String) -> RDFObject { .reference(cleanIRI(text)) }

    /// Text that XML 1.0 can carry, with `\n` line ends.
    static func cleanText(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            switch scalar.value {
            case 0xD: cleaned.append("\n")
            case 0xA where afterCarriageReturn: continue
            case 0x9, 0xA: cleaned.append(scalar)
            case 0..<0x20, 0xFFFE, 0xFFFF: continue
            default: cleaned.append(scalar)
            }
        }
        return String(cleaned)
    }

    /// `text` with the characters that no IRI syntax allows bare (spaces, controls, `<>"{}|^\` and the backtick)
    /// percent-encoded as UTF-8.
    static func cleanIRI(_ text: String) -> String {
        var cleaned = ""
        for scalar in cleanText(text).unicodeScalars {
            if scalar.value <= 0x20 || "<>\"{}|^`\\".unicodeScalars.contains(scalar) {
                for byte in String(scalar).utf8 { cleaned += "%" + String(byte, radix: 16, uppercase: true).leftPadded }
            } else {
                cleaned.unicodeScalars.append(scalar)
            }
        }
        return cleaned
    }
}

extension String {
    /// A one-digit hexadecimal byte padded to two digits.
    fileprivate var leftPadded: String { count < 2 ? "0" + self : self }
}

/// The namespaces of the catalog's graph, with their usual prefixes (as the DCAT-AP specification writes them).
enum RDFNamespace {
    static let all: [(prefix: String, iri: String)] = [
        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
        ("dcat", "http://www.w3.org/ns/dcat#"),
        ("dct", "http://purl.org/dc/terms/"),
        ("foaf", "http://xmlns.com/foaf/0.1/"),
        ("vcard", "http://www.w3.org/2006/vcard/ns#"),
        ("skos", "http://www.w3.org/2004/02/skos/core#"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ]
}
