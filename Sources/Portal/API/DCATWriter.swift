import CookieCharter
import Foundation
import Markup
import Store

/// The catalog as DCAT-AP RDF/XML, for data.gouv.fr-style harvesters: one `dcat:Dataset` per public dataset with
/// its title, description, keywords, publisher, licence and modification date, and one `dcat:Distribution` per
/// requested export format pointing at that export's URL.
struct DCATWriter {
    let origin: String
    let apiBase: String
    let formats: [ExportFormat]
    let useLabels: Bool
    let language: String

    func document(_ datasets: [Dataset]) -> String {
        let api = origin + apiBase
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#" \
            xmlns:dct="http://purl.org/dc/terms/" xmlns:foaf="http://xmlns.com/foaf/0.1/">
            <dcat:Catalog rdf:about="\(attribute(api + "/catalog/exports/dcat"))">
            <dct:title>Garona</dct:title>

            """
        for dataset in datasets {
            xml += "<dcat:dataset>" + self.dataset(dataset, api: api) + "</dcat:dataset>\n"
        }
        return xml + "</dcat:Catalog>\n</rdf:RDF>\n"
    }

    private func dataset(_ dataset: Dataset, api: String) -> String {
        let metadata = dataset.metadata
        let lang: Language = language == "en" ? .en : .fr
        let title = LocalizedText(fr: metadata.titleFR, en: metadata.titleEN).text(in: lang)
        let description = LocalizedText(fr: metadata.descriptionFR, en: metadata.descriptionEN).text(in: lang)
        let licence = metadata.licence.url ?? metadata.licenceURL
        let modified = DateTimeRendering.render(dataset.modified, in: TimeZone(identifier: "UTC")!)
        var xml = "<dcat:Dataset rdf:about=\"\(attribute(origin + "/explore/dataset/" + dataset.id + "/"))\">"
        xml += "<dct:identifier>\(text(dataset.id))</dct:identifier>"
        xml += "<dct:title>\(text(title.isEmpty ? dataset.id : title))</dct:title>"
        if !description.isEmpty { xml += "<dct:description>\(text(description))</dct:description>" }
        for keyword in metadata.keywords { xml += "<dcat:keyword>\(text(keyword))</dcat:keyword>" }
        if !metadata.publisher.isEmpty {
            xml += "<dct:publisher><foaf:Organization><foaf:name>\(text(metadata.publisher))</foaf:name>"
            xml += "</foaf:Organization></dct:publisher>"
        }
        xml += "<dct:modified rdf:datatype=\"http://www.w3.org/2001/XMLSchema#dateTime\">\(modified)</dct:modified>"
        if !licence.isEmpty { xml += "<dct:license rdf:resource=\"\(attribute(licence))\"/>" }
        xml += "<dcat:landingPage rdf:resource=\"\(attribute(origin + "/explore/dataset/" + dataset.id + "/"))\"/>"
        if dataset.recordsTable != nil {
            for format in formats {
                xml += "<dcat:distribution>" + distribution(dataset, format, api: api, licence: licence) + "</dcat:distribution>"
            }
        }
        return xml + "</dcat:Dataset>"
    }

    private func distribution(_ dataset: Dataset, _ format: ExportFormat, api: String, licence: String) -> String {
        let url = "\(api)/catalog/datasets/\(dataset.id)/exports/\(format.rawValue)" + (useLabels ? "?use_labels=true" : "")
        let mediaType = format.contentType.split(separator: ";").first.map(String.init) ?? format.contentType
        var xml = "<dcat:Distribution rdf:about=\"\(attribute(url))\">"
        xml += "<dct:title>\(text(dataset.id)) (\(format.rawValue.uppercased()))</dct:title>"
        xml += "<dcat:accessURL rdf:resource=\"\(attribute(url))\"/>"
        xml += "<dcat:downloadURL rdf:resource=\"\(attribute(url))\"/>"
        xml += "<dct:format>\(format.rawValue.uppercased())</dct:format>"
        xml += "<dcat:mediaType>\(mediaType)</dcat:mediaType>"
        if !licence.isEmpty { xml += "<dct:license rdf:resource=\"\(attribute(licence))\"/>" }
        xml += "<dct:modified rdf:datatype=\"http://www.w3.org/2001/XMLSchema#dateTime\">"
        xml += DateTimeRendering.render(dataset.dataProcessed ?? dataset.modified, in: TimeZone(identifier: "UTC")!)
        return xml + "</dct:modified></dcat:Distribution>"
    }

    private func text(_ value: String) -> String { MarkupEscaping.xml(value) }
    private func attribute(_ value: String) -> String { MarkupEscaping.xml(value) }
}
