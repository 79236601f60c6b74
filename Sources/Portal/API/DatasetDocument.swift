import CookieCharter
import Foundation
import Ingest
import Store
import Vocabulary

/// A dataset as `/catalog/datasets` describes it.
struct DatasetDocument: Encodable {
    struct FieldDocument: Encodable {
        let name: String
        let label: String
        let type: String
        let description: String?
        let annotations: [String: [String]]
    }

    struct Metas: Encodable {
        let `default`: [String: MetaValue]
        /// Use of the dataset, as Opendatasoft's `explore` template gives it: `download_count`, `api_call_count`.
        var explore: [String: MetaValue]? = nil
    }

    enum MetaValue: Encodable {
        case text(String?)
        case list([String])
        case number(Int)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .list(let list): try container.encode(list)
            case .number(let number): try container.encode(number)
            }
        }
    }

    let datasetID: String
    let hasRecords: Bool
    let dataVisible: Bool
    let visibility: String
    let features: [String]
    let fields: [FieldDocument]
    var metas: Metas
    let attachments: [String]
    /// The HATEOAS links, with `include_links=true` only.
    var links: [Link]?

    /// A HATEOAS link.
    struct Link: Encodable {
        let rel: String
        let href: String
    }

    enum CodingKeys: String, CodingKey {
        case datasetID = "dataset_id"
        case hasRecords = "has_records"
        case dataVisible = "data_visible"
        case visibility, features, fields, metas, attachments, links
    }

    /// Adds the dataset's public downloads and API calls (the audience measurement's) to `metas.explore`.
    mutating func addAudience(_ totals: AudienceDatasetTotals) {
        metas.explore = [
            "download_count": .number(Int(clamping: totals.downloads)),
            "api_call_count": .number(Int(clamping: totals.apiCalls)),
        ]
    }

    /// The links of a dataset whose API base is `base` (`https://host/api/explore/v2.1`).
    static func links(datasetID: String, base: String) -> [Link] {
        let dataset = "\(base)/catalog/datasets/\(datasetID)"
        return [
            Link(rel: "self", href: dataset), Link(rel: "catalog", href: "\(base)/catalog/datasets"),
            Link(rel: "records", href: "\(dataset)/records"), Link(rel: "exports", href: "\(dataset)/exports"),
            Link(rel: "facets", href: "\(dataset)/facets"), Link(rel: "attachments", href: "\(dataset)/attachments"),
        ]
    }

    init(_ dataset: Dataset, language: String) {
        let metadata = dataset.metadata
        let lang: Language = language == "en" ? .en : .fr
        datasetID = dataset.id
        hasRecords = dataset.recordsCount > 0
        dataVisible = true
        visibility = metadata.visibility == .public ? "domain" : "restricted"
        var features = ["analyze"]
        if dataset.fields.contains(where: { $0.type == .geoPoint2D || $0.type == .geoShape }) { features.append("geo") }
        if dataset.fields.contains(where: { $0.type == .date || $0.type == .datetime }) { features.append("timeserie") }
        self.features = features
        fields = dataset.fields.map { field in
            var annotations: [String: [String]] = [:]
            if field.facet { annotations["facet"] = [] }
            if field.sortable { annotations["sortable"] = [] }
            return FieldDocument(
                name: field.name, label: field.label, type: field.type.rawValue,
                description: field.description.isEmpty ? nil : field.description, annotations: annotations
            )
        }
        func date(_ value: Date?) -> MetaValue {
            .text(value.map { DateTimeRendering.render($0, in: TimeZone(identifier: "UTC")!) })
        }
        metas = Metas(default: [
            "title": .text(LocalizedText(fr: metadata.titleFR, en: metadata.titleEN).text(in: lang)),
            "description": .text(LocalizedText(fr: metadata.descriptionFR, en: metadata.descriptionEN).text(in: lang)),
            "keyword": .list(metadata.keywords),
            "theme": .list(metadata.themes),
            "publisher": .text(metadata.publisher.isEmpty ? nil : metadata.publisher),
            "license": .text(metadata.licence == .other ? metadata.licenceURL : metadata.licence.title),
            "license_url": .text(metadata.licence.url ?? metadata.licenceURL),
            "language": .text(lang.rawValue),
            "records_count": .number(dataset.recordsCount),
            "modified": date(dataset.modified),
            "data_processed": date(dataset.dataProcessed),
            "metadata_processed": date(dataset.modified),
        ])
        attachments = []
    }
}
