import Foundation
import Ingest
import Vocabulary

/// Who may see a dataset.
public enum Visibility: String, Sendable, Codable, CaseIterable {
    /// Anyone, in the front office and the API.
    case `public`
    /// Logged-in publishers and API keys only.
    case `private`
}

/// The licences a publisher picks from.
public enum Licence: String, Sendable, Codable, CaseIterable {
    /// Licence Ouverte / Open Licence 2.0 (Etalab).
    case etalab2 = "etalab-2.0"
    /// Open Database License.
    case odbl
    /// Creative Commons Attribution 4.0.
    case ccBy4 = "cc-by-4.0"
    /// Any other licence, described by its URL.
    case other

    /// The licence's usual name.
    public var title: String {
        switch self {
        case .etalab2: "Licence Ouverte 2.0"
        case .odbl: "ODbL"
        case .ccBy4: "CC-BY 4.0"
        case .other: "Other"
        }
    }

    /// The licence's canonical text, for the known ones.
    public var url: String? {
        switch self {
        case .etalab2: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
        case .odbl: "https://opendatacommons.org/licenses/odbl/1-0/"
        case .ccBy4: "https://creativecommons.org/licenses/by/4.0/"
        case .other: nil
        }
    }
}

/// What a publisher says about a dataset.
public struct DatasetMetadata: Sendable, Hashable, Codable {
    /// The slug: `[a-z0-9_-]`, unique, at most 100 characters.
    public var id: String
    public var titleFR: String
    public var titleEN: String
    public var descriptionFR: String
    public var descriptionEN: String
    public var keywords: [String]
    public var themes: [String]
    public var publisher: String
    public var licence: Licence
    /// The licence's URL when ``licence`` is ``Licence/other``.
    public var licenceURL: String
    public var visibility: Visibility

    public init(
        id: String, titleFR: String = "", titleEN: String = "", descriptionFR: String = "", descriptionEN: String = "",
        keywords: [String] = [], themes: [String] = [], publisher: String = "", licence: Licence = .etalab2,
        licenceURL: String = "", visibility: Visibility = .public
    ) {
        self.id = id
        self.titleFR = titleFR
        self.titleEN = titleEN
        self.descriptionFR = descriptionFR
        self.descriptionEN = descriptionEN
        self.keywords = keywords
        self.themes = themes
        self.publisher = publisher
        self.licence = licence
        self.licenceURL = licenceURL
        self.visibility = visibility
    }

    /// Whether `id` is a valid dataset slug.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 100
            && id.utf8.allSatisfy {
                (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }
}

/// A field of a published dataset.
public struct DatasetField: Sendable, Hashable, Codable {
    /// Normalised name: lowercase ASCII, `_` separators, unique in the dataset.
    public var name: String
    /// The original header.
    public var label: String
    public var type: FieldType
    public var description: String
    /// Offered as a facet in the front office and `/facets`.
    public var facet: Bool
    /// Offered as a sort key; indexed.
    public var sortable: Bool
    /// The separator declared at import for a list (multivalued) field, whose records hold a JSON array of text;
    /// nil for a field of single values. Shown as the `multivalued` annotation in the API.
    public var separator: String?

    public init(name: String, label: String, type: FieldType, description: String = "", facet: Bool, sortable: Bool) {
        self.name = name
        self.label = label
        self.type = type
        self.description = description
        self.facet = facet
        self.sortable = sortable
    }
}

/// A dataset as the catalog knows it: metadata, fields and where its records are.
public struct Dataset: Sendable, Hashable {
    public var metadata: DatasetMetadata
    public var fields: [DatasetField]
    public var recordsCount: Int
    public var created: Date
    public var modified: Date
    /// When the current records were published, nil before the first import.
    public var dataProcessed: Date?
    /// Increases with every published import.
    public var version: Int
    /// The table holding the current version's records, nil before the first import.
    public var recordsTable: String?

    public var id: String { metadata.id }
}

/// What a successful publication did.
public struct PublishReport: Sendable {
    public var datasetID: String
    public var version: Int
    public var records: Int
    public var fields: [DatasetField]
    public var warnings: [IngestWarning]
    /// How long each phase took, in seconds, in order.
    public var phases: [(String, Double)] = []
}

/// The catalog of datasets, whatever the engine.
public protocol DatasetStore: Sendable {
    /// Every dataset, private ones included; callers decide what a visitor may see.
    func datasets() async throws -> [Dataset]
    func dataset(id: String) async throws -> Dataset?
    /// Registers a new dataset without records. Throws ``StoreError/duplicate(_:)`` if the id is taken.
    func createDataset(_ metadata: DatasetMetadata, now: Date) async throws
    /// Changes a dataset's metadata and, when given, its fields' descriptions and flags.
    func updateDataset(_ metadata: DatasetMetadata, fields: [DatasetField]?, now: Date) async throws
    /// Deletes the dataset and its records.
    func deleteDataset(id: String) async throws
}
