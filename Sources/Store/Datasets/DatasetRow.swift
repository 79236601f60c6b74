import Foundation

/// A row of the `datasets` table as both engines store it: metadata and fields as JSON text (sorted keys), times as
/// seconds since 1970. Engine-neutral, so that SQLite and PostgreSQL give equal ``Dataset`` values.
struct DatasetRow: Sendable {
    var metadata: String
    var fields: String
    var recordsCount: Int
    var version: Int
    var recordsTable: String?
    var createdAt: Double
    var modifiedAt: Double
    var processedAt: Double?

    /// The dataset this row stores.
    /// - Throws: a decoding error when the JSON columns do not hold a ``DatasetMetadata`` and ``DatasetField``s.
    func dataset() throws -> Dataset {
        let decoder = JSONDecoder()
        return Dataset(
            metadata: try decoder.decode(DatasetMetadata.self, from: Data(metadata.utf8)),
            fields: try decoder.decode([DatasetField].self, from: Data(fields.utf8)),
            recordsCount: recordsCount,
            created: Date(timeIntervalSince1970: createdAt),
            modified: Date(timeIntervalSince1970: modifiedAt),
            dataProcessed: processedAt.map { Date(timeIntervalSince1970: $0) },
            version: version,
            recordsTable: recordsTable
        )
    }

    /// `value` as JSON text with sorted keys: the stored form of metadata, fields and session data.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `fields` with the descriptions and flags of `edited` (matched by name): names and types come from the data
    /// and never change through an edit.
    static func editing(_ fields: [DatasetField], with edited: [DatasetField]) -> [DatasetField] {
        fields.map { field in
            guard let edit = edited.first(where: { $0.name == field.name }) else { return field }
            var field = field
            field.description = edit.description
            field.facet = edit.facet
            field.sortable = edit.sortable
            return field
        }
    }
}
