import CookieCharter
import Foundation
import Store

/// The catalog as Project Open Data 1.1 `data.json` (`catalog/exports/data.json`), the catalog format US-style
/// harvesters (CKAN's datajson harvester, data.gov) read: one entry per dataset, in the requested language, with a
/// distribution per requested export format.
///
/// Garona keeps no contact e-mail, so `contactPoint` names the publisher without `hasEmail`; a dataset without
/// keywords lists its themes as keywords.
struct DataJSONWriter {
    /// The document's root.
    struct Catalog: Encodable {
        let context = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
        let id: String
        let type = "dcat:Catalog"
        let conformsTo = "https://project-open-data.cio.gov/v1.1/schema"
        let describedBy = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
        let dataset: [Entry]

        enum CodingKeys: String, CodingKey {
            case context = "@context", id = "@id", type = "@type", conformsTo, describedBy, dataset
        }
    }

    /// One dataset.
    struct Entry: Encodable {
        let type = "dcat:Dataset"
        let identifier: String
        let title: String
        let description: String
        let keyword: [String]
        let theme: [String]
        let issued: String
        let modified: String
        let publisher: Organization
        let contactPoint: Contact
        let accessLevel: String
        let license: String?
        let landingPage: String
        let language: [String]
        let distribution: [Distribution]

        enum CodingKeys: String, CodingKey {
            case type = "@type", identifier, title, description, keyword, theme, issued, modified, publisher
            case contactPoint, accessLevel, license, landingPage, language, distribution
        }
    }

    /// A publisher.
    struct Organization: Encodable {
        let type = "org:Organization"
        let name: String

        enum CodingKeys: String, CodingKey { case type = "@type", name }
    }

    /// A contact point.
    struct Contact: Encodable {
        let type = "vcard:Contact"
        let fn: String

        enum CodingKeys: String, CodingKey { case type = "@type", fn }
    }

    /// One export of a dataset.
    struct Distribution: Encodable {
        let type = "dcat:Distribution"
        let title: String
        let downloadURL: String
        let mediaType: String
        let format: String

        enum CodingKeys: String, CodingKey { case type = "@type", title, downloadURL, mediaType, format }
    }

    let origin: String
    let apiBase: String
    let useLabels: Bool
    let language: String
    var siteName = "Garona"

    /// The document for `entries`, in the order given, each dataset with a distribution per format of its entry.
    func document(_ entries: [DatasetExports]) -> Catalog {
        Catalog(
            id: origin + apiBase + "/catalog/exports/data.json",
            dataset: entries.map { entry($0.dataset, formats: $0.formats) })
    }

    private func entry(_ dataset: Dataset, formats: [ExportFormat]) -> Entry {
        let metadata = dataset.metadata
        let lang: Language = language == "en" ? .en : .fr
        let title = LocalizedText(fr: metadata.titleFR, en: metadata.titleEN).text(in: lang)
        let description = LocalizedText(fr: metadata.descriptionFR, en: metadata.descriptionEN).text(in: lang)
        let publisher = metadata.publisher.isEmpty ? siteName : metadata.publisher
        let licence = metadata.licence.url ?? metadata.licenceURL
        let utc = TimeZone(secondsFromGMT: 0) ?? .current
        var languages: [String] = []
        if !metadata.titleFR.isEmpty || !metadata.descriptionFR.isEmpty { languages.append("fr") }
        if !metadata.titleEN.isEmpty || !metadata.descriptionEN.isEmpty { languages.append("en") }
        let distributions = formats.map { format in
            Distribution(
                title: "\(dataset.id) (\(format.rawValue.uppercased()))",
                downloadURL: format.downloadURL(datasetID: dataset.id, api: origin + apiBase, useLabels: useLabels),
                mediaType: format.mediaType, format: format.rawValue.uppercased())
        }
        return Entry(
            identifier: dataset.id, title: title.isEmpty ? dataset.id : title,
            description: description.isEmpty ? (title.isEmpty ? dataset.id : title) : description,
            keyword: metadata.keywords.isEmpty ? metadata.themes : metadata.keywords, theme: metadata.themes,
            issued: DateTimeRendering.render(dataset.created, in: utc),
            modified: DateTimeRendering.render(dataset.modified, in: utc),
            publisher: Organization(name: publisher), contactPoint: Contact(fn: publisher),
            accessLevel: metadata.visibility == .public ? "public" : "restricted public",
            license: licence.isEmpty ? nil : licence, landingPage: origin + "/explore/dataset/" + dataset.id + "/",
            language: languages, distribution: distributions)
    }
}
