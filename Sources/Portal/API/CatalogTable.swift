import CookieCharter
import Foundation
import ODSQL
import Store
import Synchronization
import Vocabulary

/// The catalog as a table the ODSQL compiler can target, so `catalog/datasets`, `catalog/facets` and the
/// catalog exports take the same select/where/group_by/order_by/refine/exclude/q as records do. The table is
/// built in a private in-memory SQLite database from the visible datasets (a catalog holds at most a few
/// thousand rows), with an FTS5 index over its text fields; every value is a bound parameter. It is built once
/// per catalog version, language and audience, and kept in ``CatalogTables``.
struct CatalogTable: Sendable {
    /// The catalog's fields, as the Explore API names its dataset metadata.
    static let schema = ODSQL.Schema(fields: [
        .init(name: "dataset_id", type: .text),
        .init(name: "title", type: .text),
        .init(name: "description", type: .text),
        .init(name: "keyword", type: .text, isMultivalued: true),
        .init(name: "theme", type: .text, isMultivalued: true),
        .init(name: "publisher", type: .text),
        .init(name: "license", type: .text),
        .init(name: "license_url", type: .text),
        .init(name: "language", type: .text),
        .init(name: "features", type: .text, isMultivalued: true),
        .init(name: "visibility", type: .text),
        .init(name: "has_records", type: .boolean),
        .init(name: "records_count", type: .int),
        .init(name: "modified", type: .datetime),
        .init(name: "data_processed", type: .datetime),
        .init(name: "metadata_processed", type: .datetime),
    ])
    /// The facets `catalog/facets` lists when no `facet` is given.
    static let defaultFacets = ["publisher", "features", "language", "theme", "keyword", "license", "modified"]
    static let layout = TableLayout(recordsTable: "catalog")

    private let table: ScratchTable
    /// The visible datasets, by id.
    let datasets: [String: Dataset]
    /// The words of its full-text index, for typo-tolerant search (issue 12, ``SearchVocabulary``).
    let vocabulary: SearchVocabulary

    init(_ datasets: [Dataset], language: String) throws {
        self.datasets = Dictionary(datasets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let fields = Self.schema.fields
        table = try ScratchTable(
            name: Self.layout.recordsTable,
            columns: [("_id", "TEXT")]
                + fields.map { ($0.name, $0.type == .int || $0.type == .boolean ? "INTEGER" : "TEXT") },
            fullText: fields.filter { $0.type == .text }.map(\.name),
            rows: datasets.map { Self.row($0, language: language) })
        vocabulary = SearchVocabulary(words: try table.searchWords(ofTable: Self.layout.recordsTable))
    }

    /// A compiler over the catalog table.
    static func compiler(now: Date, language: String) -> ODSQL.Compiler {
        ODSQL.Compiler(
            schema: schema, layout: layout, dialect: ScratchTable.dialect,
            options: ODSQL.CompileOptions(now: now, language: language))
    }

    /// Runs a compiled query on the catalog.
    func rows(_ query: CompiledQuery) throws -> [[SQLValue]] { try table.rows(query) }

    private static func row(_ dataset: Dataset, language: String) -> [SQLValue] {
        let document = DatasetDocument(dataset, language: language)
        let metas = document.metas.default
        func value(_ name: String) -> SQLValue {
            switch name {
            case "dataset_id": return .text(dataset.id)
            case "features": return json(document.features)
            case "visibility": return .text(document.visibility)
            case "has_records": return .int(document.hasRecords ? 1 : 0)
            case "modified", "data_processed", "metadata_processed":
                guard case .text(let text?) = metas[name] else { return .null }
                return DateTimeRendering.parse(text.replacing("+00:00", with: "Z")) == nil
                    ? .null : .text(text.replacing("+00:00", with: "Z"))
            default:
                switch metas[name] {
                case .text(let text?): return .text(text)
                case .list(let list): return json(list)
                case .number(let number): return .int(Int64(number))
                default: return .null
                }
            }
        }
        return [.text(dataset.id)] + schema.fields.map { value($0.name) }
    }

    private static func json(_ list: [String]) -> SQLValue {
        guard let data = try? JSONEncoder().encode(list) else { return .text("[]") }
        return .text(String(decoding: data, as: UTF8.self))
    }
}

/// The catalog tables built for the current catalog version: one per language and audience (public datasets
/// only, or all of them for an API key), built once by whichever request needs it first while the others wait
/// for that build.
///
/// A new catalog version drops every table of older versions, so at most a few tables are kept. A build that
/// fails is forgotten, and the next request tries again.
final class CatalogTables: Sendable {
    private struct Key: Hashable {
        let version: Int64
        let language: String
        let includingPrivate: Bool
    }

    /// Tables kept at most (languages × audiences of one version, with room to spare).
    static let capacity = 8
    private let tables = Mutex<[Key: Task<CatalogTable, any Error>]>([:])

    /// How many tables are kept now (for tests).
    var count: Int { tables.withLock { $0.count } }

    /// The table of `version` for `language` and the audience, built with `build` if it is not kept yet.
    func table(
        version: Int64, language: String, includingPrivate: Bool,
        build: @escaping @Sendable () async throws -> CatalogTable
    ) async throws -> CatalogTable {
        let key = Key(version: version, language: language, includingPrivate: includingPrivate)
        let task = tables.withLock { tables in
            if let kept = tables[key] { return kept }
            tables = tables.filter { $0.key.version >= version }
            if tables.count >= Self.capacity { tables.removeAll() }
            let task = Task { try await build() }
            tables[key] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            tables.withLock { tables in
                if tables[key] == task { tables[key] = nil }
            }
            throw error
        }
    }
}
