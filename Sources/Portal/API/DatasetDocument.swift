import CookieCharter
import Crypto
import Foundation
import Ingest
import Store
import Vocabulary

/// A dataset as `/catalog/datasets` describes it, in the shape of the reference's `dataset-v2.1` example: `dataset_id`,
/// `dataset_uid`, `attachments`, `has_records`, `data_visible`, `fields`, `metas` (`default` with every key of the
/// example, null where Garona keeps nothing) and `features`, plus `_links` with `include_links=true`.
struct DatasetDocument: Encodable {
    /// A field as the reference lists it: `description` is null, not absent, when there is none.
    struct FieldDocument: Encodable {
        let name: String
        let label: String
        let type: String
        let description: String?
        let annotations: [String: [String]]

        enum CodingKeys: String, CodingKey { case name, label, type, description, annotations }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(label, forKey: .label)
            try container.encode(type, forKey: .type)
            try container.encode(description, forKey: .description)
            try container.encode(annotations, forKey: .annotations)
        }
    }

    /// A file attached in the back office, as the reference's dataset lists it (`mimetype`, `url` as
    /// `odsfile://name`, `id`, `title`), with `href`, its download URL in the API.
    struct AttachmentDocument: Encodable {
        let mimetype: String
        let url: String
        let id: String
        let title: String
        let href: String
    }

    struct Metas: Encodable {
        var `default`: [String: MetaValue]
        /// Use of the dataset, as Opendatasoft's `explore` template gives it: `download_count`, `api_call_count`.
        var explore: [String: MetaValue]? = nil
    }

    enum MetaValue: Encodable {
        case text(String?)
        case list([String])
        case number(Int)
        case flag(Bool)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .list(let list): try container.encode(list)
            case .number(let number): try container.encode(number)
            case .flag(let flag): try container.encode(flag)
            }
        }
    }

    let datasetID: String
    /// A stable opaque id, `da_` and six base-36 digits of a hash of the dataset id (see ``uid(of:)``).
    let datasetUID: String
    let hasRecords: Bool
    let dataVisible: Bool
    let visibility: String
    let features: [String]
    let fields: [FieldDocument]
    var metas: Metas
    /// The files attached in the back office (``addAttachments(_:base:)``), none until added.
    var attachments: [AttachmentDocument] = []
    /// The HATEOAS links, with `include_links=true` only, written `_links` as the reference spells them.
    var links: [Link]?
    /// The members to write, from `select` (``CodingKeys`` raw values); all of them when nil.
    var selected: Set<String>?

    /// A HATEOAS link.
    struct Link: Encodable {
        let rel: String
        let href: String
    }

    enum CodingKeys: String, CodingKey {
        case datasetID = "dataset_id"
        case datasetUID = "dataset_uid"
        case hasRecords = "has_records"
        case dataVisible = "data_visible"
        case links = "_links"
        case visibility, features, fields, metas, attachments
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        func wanted(_ key: CodingKeys) -> Bool { selected.map { $0.contains(key.stringValue) } ?? true }
        if wanted(.datasetID) { try container.encode(datasetID, forKey: .datasetID) }
        if wanted(.datasetUID) { try container.encode(datasetUID, forKey: .datasetUID) }
        if wanted(.hasRecords) { try container.encode(hasRecords, forKey: .hasRecords) }
        if wanted(.dataVisible) { try container.encode(dataVisible, forKey: .dataVisible) }
        if wanted(.visibility) { try container.encode(visibility, forKey: .visibility) }
        if wanted(.features) { try container.encode(features, forKey: .features) }
        if wanted(.fields) { try container.encode(fields, forKey: .fields) }
        if wanted(.metas) { try container.encode(metas, forKey: .metas) }
        if wanted(.attachments) { try container.encode(attachments, forKey: .attachments) }
        if wanted(.links) { try container.encodeIfPresent(links, forKey: .links) }
    }

    /// The names `select` may list to keep members of the document (`select=dataset_id, fields`).
    static let memberNames = Set(
        [
            CodingKeys.datasetID, .datasetUID, .hasRecords, .dataVisible, .visibility, .features, .fields, .metas,
            .attachments, .links,
        ].map(\.stringValue))

    /// `da_` and six base-36 digits of the SHA-256 of `datasetID`: the same on every engine and node, unique enough
    /// for a catalog (about 2 billion values), and kept as long as the dataset keeps its id.
    static func uid(of datasetID: String) -> String {
        var value = SHA256.hash(data: Data(datasetID.utf8)).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var text = ""
        for _ in 0..<6 {
            text.append(digits[Int(value % 36)])
            value /= 36
        }
        return "da_" + text
    }

    /// Lists `attachments` with their download URLs under `base` (`https://host/api/explore/v2.1`).
    mutating func addAttachments(_ attachments: [Attachment], base: String) {
        self.attachments = attachments.map {
            AttachmentDocument(
                mimetype: $0.mimeType, url: "odsfile://" + $0.fileName, id: $0.id, title: $0.title,
                href: ExploreAPIController.attachmentURL($0, base: base))
        }
    }

    /// With `include_app_metas=true`: the application's own metadata, here `metas.explore.popularity_score`, the
    /// value `sort=explore.popularity_score` orders the catalog by (every view, download and API call).
    mutating func addApplicationMetas(_ totals: AudienceDatasetTotals) {
        var explore = metas.explore ?? [:]
        explore["popularity_score"] = .number(Int(clamping: totals.popularity))
        metas.explore = explore
    }

    /// Writes the dates of `metas.default` in `zone` (they are built in UTC).
    mutating func render(in zone: TimeZone) {
        for key in ["modified", "data_processed", "metadata_processed"] {
            guard case .text(let text?) = metas.default[key],
                let date = DateTimeRendering.parse(text.replacing("+00:00", with: "Z"))
            else { continue }
            metas.default[key] = .text(DateTimeRendering.render(date, in: zone))
        }
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
        datasetUID = Self.uid(of: dataset.id)
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
            if let separator = field.separator { annotations["multivalued"] = [separator] }
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
            "metadata_languages": .list(metadata.titleEN.isEmpty ? ["fr"] : ["fr", "en"]),
        ])
        // The example's other keys, which Garona does not keep: present, null or false, as on a portal leaving them.
        for key in [
            "references", "geographic_reference", "timezone", "parent_domain", "territory", "source_domain",
            "source_domain_title", "source_domain_address", "shared_catalog", "attributions", "geographic_area_mode",
            "geographic_area", "source_dataset", "oauth_scope",
        ] {
            metas.default[key] = .text(nil)
        }
        for key in [
            "modified_updates_on_data_change", "modified_updates_on_metadata_change", "geographic_reference_auto",
            "federated",
        ] {
            metas.default[key] = .flag(false)
        }
    }
}
