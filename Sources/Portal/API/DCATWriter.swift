import CookieCharter
import Foundation
import Store

/// Which flavour of DCAT a catalog export speaks; both describe the same resources with the properties of DCAT-AP 2.x.
enum DCATProfile: Sendable {
    /// `catalog/exports/dcat`, as Opendatasoft writes it and data.gouv.fr's harvester reads it: a distribution's
    /// `dct:format` (`CSV`) and `dcat:mediaType` (`text/csv`) are literals.
    case opendatasoft
    /// `catalog/exports/dcat_ap_*`: DCAT-AP 2.x's controlled vocabularies, `dct:format` an EU file type and
    /// `dcat:mediaType` an IANA media type IRI (a literal where the vocabulary has no entry).
    case dcatAP
}

/// The catalog as a DCAT-AP 2.x graph (see ``RDFResource``), for harvesters such as data.gouv.fr's or
/// data.europa.eu's: a `dcat:Catalog` with its publisher, one `dcat:Dataset` per listed dataset and one
/// `dcat:Distribution` per requested export format.
///
/// A dataset carries its identifier, its titles and descriptions in every language they exist in (the requested
/// language first; the description falls back to the titles, DCAT-AP requiring one), keywords, themes (a
/// `skos:Concept` per theme, plus the EU data theme it matches, see ``DCATVocabulary``), licence, issue and
/// modification dates, publisher, contact point and landing page.
struct DCATWriter {
    let origin: String
    let apiBase: String
    let useLabels: Bool
    let language: String
    var profile: DCATProfile = .opendatasoft
    /// The portal's name: the catalog's title and publisher, and the publisher of a dataset that names none.
    var siteName = "Garona"

    private static let dateTime = "xsd:dateTime"
    private static let utc = TimeZone(secondsFromGMT: 0) ?? .current

    /// The catalog of `entries`, in the order given, each dataset with a distribution per format of its entry.
    func catalog(_ entries: [DatasetExports]) -> RDFResource {
        let datasets = entries.map(\.dataset)
        var catalog = RDFResource(iri: origin + "/explore/", type: "dcat:Catalog")
        catalog.add("dct:title", text: siteName)
        catalog.add("dct:description", text: "Catalogue des jeux de données ouverts de \(siteName).", language: "fr")
        catalog.add("dct:description", text: "Catalog of the open datasets of \(siteName).", language: "en")
        catalog.add("dct:publisher", .resource(organization(siteName)))
        catalog.add("foaf:homepage", iri: origin + "/")
        for code in ["FRA", "ENG"] { catalog.add("dct:language", iri: DCATVocabulary.language + code) }
        if let modified = datasets.map(\.modified).max() { catalog.add("dct:modified", date(modified)) }
        for entry in entries { catalog.add("dcat:dataset", .resource(dataset(entry.dataset, formats: entry.formats))) }
        return catalog
    }

    private func dataset(_ dataset: Dataset, formats: [ExportFormat]) -> RDFResource {
        let metadata = dataset.metadata
        let landingPage = origin + "/explore/dataset/" + dataset.id + "/"
        var node = RDFResource(iri: landingPage, type: "dcat:Dataset")
        node.add("dct:identifier", text: dataset.id)
        let titles = localized(fr: metadata.titleFR, en: metadata.titleEN)
        if titles.isEmpty { node.add("dct:title", text: dataset.id) }
        for (code, title) in titles { node.add("dct:title", text: title, language: code) }
        let descriptions = localized(fr: metadata.descriptionFR, en: metadata.descriptionEN)
        for (code, description) in descriptions.isEmpty ? titles : descriptions {
            node.add("dct:description", text: description, language: code)
        }
        if titles.isEmpty && descriptions.isEmpty { node.add("dct:description", text: dataset.id) }
        for keyword in metadata.keywords { node.add("dcat:keyword", text: keyword) }
        for theme in metadata.themes where !theme.isEmpty {
            if let code = DCATVocabulary.dataTheme(theme) { node.add("dcat:theme", iri: DCATVocabulary.themes + code) }
            var concept = RDFResource(iri: origin + "/explore/?refine.theme=" + queryValue(theme), type: "skos:Concept")
            concept.add("skos:prefLabel", text: theme)
            node.add("dcat:theme", .resource(concept))
        }
        let publisher = metadata.publisher.isEmpty ? siteName : metadata.publisher
        node.add("dct:publisher", .resource(organization(publisher)))
        var contact = RDFResource(iri: nil, type: "vcard:Organization")
        contact.add("vcard:fn", text: publisher)
        contact.add("vcard:hasURL", iri: landingPage)
        node.add("dcat:contactPoint", .resource(contact))
        let licence = self.licence(metadata)
        if let licence { node.add("dct:license", licence) }
        node.add("dct:issued", date(dataset.created))
        node.add("dct:modified", date(dataset.modified))
        node.add("dcat:landingPage", iri: landingPage)
        for format in formats { node.add("dcat:distribution", .resource(distribution(dataset, format, licence: licence))) }
        return node
    }

    private func distribution(_ dataset: Dataset, _ format: ExportFormat, licence: RDFObject?) -> RDFResource {
        let url = format.downloadURL(datasetID: dataset.id, api: origin + apiBase, useLabels: useLabels)
        let mediaType = format.mediaType
        var node = RDFResource(iri: url, type: "dcat:Distribution")
        node.add("dct:title", text: "\(dataset.id) (\(format.rawValue.uppercased()))")
        node.add("dcat:accessURL", iri: url)
        node.add("dcat:downloadURL", iri: url)
        switch (profile, DCATVocabulary.fileType(format)) {
        case (.dcatAP, let code?): node.add("dct:format", iri: DCATVocabulary.fileTypes + code)
        default: node.add("dct:format", text: format.rawValue.uppercased())
        }
        if profile == .dcatAP, DCATVocabulary.registeredMediaTypes.contains(mediaType) {
            node.add("dcat:mediaType", iri: DCATVocabulary.mediaTypes + mediaType)
        } else {
            node.add("dcat:mediaType", text: mediaType)
        }
        if let licence { node.add("dct:license", licence) }
        node.add("dct:modified", date(dataset.dataProcessed ?? dataset.modified))
        return node
    }

    /// The licence: its IRI when it is a web address, else a licence document labelled with what the publisher wrote.
    private func licence(_ metadata: DatasetMetadata) -> RDFObject? {
        let text = (metadata.licence.url ?? metadata.licenceURL).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let url = URL(string: text), url.scheme == "https" || url.scheme == "http", url.host != nil {
            return .iri(text)
        }
        var document = RDFResource(iri: nil, type: "dct:LicenseDocument")
        document.add("rdfs:label", text: text)
        return .resource(document)
    }

    /// The non-empty texts with their language, the requested language first.
    private func localized(fr: String, en: String) -> [(String, String)] {
        let both = [("fr", fr), ("en", en)].filter { !$0.1.isEmpty }
        return language == "en" ? both.reversed() : both
    }

    private func organization(_ name: String) -> RDFResource {
        var node = RDFResource(iri: nil, type: "foaf:Organization")
        node.add("foaf:name", text: name)
        return node
    }

    private func date(_ date: Date) -> RDFObject {
        .literal(DateTimeRendering.render(date, in: Self.utc), datatype: Self.dateTime)
    }

    private func queryValue(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
