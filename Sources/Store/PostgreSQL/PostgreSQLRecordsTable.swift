import Crypto
import Ingest
import ODSQL
import Vocabulary

/// The records tables of the PostgreSQL engine: the SQLite layout (``RecordLayout``), with PostgreSQL's types and
/// more columns: ``PostgreSQLDialect/rowNumberColumn`` (SQLite's rowid), ``TableLayout/searchVectorColumn``, the
/// full-text vector over every text field, and each text field's own vector
/// (``TableLayout/fieldSearchVectorColumn(_:)``), all filled by the `COPY` (``CopyEncoder``).
///
/// Types: `text COLLATE "C"` (compared and sorted byte-wise, as SQLite's BINARY collation does), `bigint` for
/// integers and booleans, `double precision` for reals.
enum PostgreSQLRecordsTable {
    /// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are silently truncated.
    static let maximumIdentifierBytes = 63

    /// The table holding `version` of a dataset: SQLite's name, or, when it is too long for PostgreSQL (dataset ids
    /// run to 100 characters), a shortened one that stays unique: its start and a hash of the dataset id.
    static func name(datasetID: String, version: Int) -> String {
        let name = RecordLayout.tableName(datasetID: datasetID, version: version)
        guard name.utf8.count > maximumIdentifierBytes else { return name }
        return "records_" + String(datasetID.prefix(30)) + "_" + hexDigest(datasetID) + "_v\(version)"
    }

    /// The PostgreSQL type of a column of SQLite's type `type`.
    static func columnType(_ type: String) -> String {
        switch type {
        case "INTEGER": "bigint"
        case "REAL": "double precision"
        default: "text COLLATE \"C\""
        }
    }

    /// The columns a COPY fills, in ``CopyEncoder``'s order: the search vectors last, the text fields' then the
    /// record's.
    static func copyColumns(_ fields: [DatasetField]) -> [String] {
        [RecordLayout.recordIDColumn, PostgreSQLDialect.rowNumberColumn] + fields.flatMap(RecordLayout.columns).map(\.name)
            + fieldSearchColumns(fields) + [searchColumn]
    }

    /// The indexes of the text fields that get a search vector of their own: a search in some fields reads them
    /// (``PostgreSQLDialect/fullTextPredicate(layout:query:columns:)``) rather than computing the fields' vectors
    /// for every candidate. Not indexed: the record's indexed vector chooses the candidates.
    static func fieldSearchVectorIndexes(_ fields: [DatasetField]) -> [Int] {
        fields.indices.filter { fields[$0].type == .text && TableLayout.fieldSearchVectorColumn(fields[$0].name) != nil }
    }

    /// The columns of the text fields' own search vectors, in field order.
    static func fieldSearchColumns(_ fields: [DatasetField]) -> [String] {
        fieldSearchVectorIndexes(fields).compactMap { TableLayout.fieldSearchVectorColumn(fields[$0].name) }
    }

    /// `CREATE TABLE` for a new records table, its search vector included: a plain column that the COPY fills
    /// (``SearchVector``) and ``fillSearchVectors(_:fields:)`` completes. Tables published before migration 11's
    /// version generated it on the server; both hold the same words.
    /// - Throws: ``StoreError/invalid(_:)`` when a column name is longer than PostgreSQL keeps.
    static func createStatement(_ table: String, fields: [DatasetField]) throws -> String {
        let columns = fields.flatMap(RecordLayout.columns)
        if let long = columns.first(where: { $0.name.utf8.count > maximumIdentifierBytes }) {
            throw StoreError.invalid(
                "the field name \"\(long.name)\" is longer than PostgreSQL allows (63 bytes, suffix included)")
        }
        let definitions =
            [
                RecordLayout.quote(RecordLayout.recordIDColumn) + " text COLLATE \"C\" NOT NULL",
                RecordLayout.quote(PostgreSQLDialect.rowNumberColumn) + " bigint NOT NULL",
            ]
            + columns.map { RecordLayout.quote($0.name) + " " + columnType($0.type) }
            + ([searchColumn] + fieldSearchColumns(fields)).map { RecordLayout.quote($0) + " tsvector" }
        return "CREATE TABLE \(RecordLayout.quote(table)) (\(definitions.joined(separator: ", ")))"
    }

    /// Computes on the server the vectors that the COPY left NULL (``CopyEncoder/serverScalars``): the record's and
    /// its text fields', without positions as ``SearchVector`` writes them (`strip`).
    static func fillSearchVectors(_ table: String, fields: [DatasetField]) -> String {
        let textColumns = fields.filter { $0.type == .text }.map { RecordLayout.quote($0.name) }
        let column = RecordLayout.quote(searchColumn)
        let own = zip(fieldSearchVectorIndexes(fields), fieldSearchColumns(fields)).map { index, vector in
            RecordLayout.quote(vector) + " = strip("
                + PostgreSQLDialect.searchDocument([RecordLayout.quote(fields[index].name)]) + ")"
        }
        let assignments = ["\(column) = strip(" + PostgreSQLDialect.searchDocument(textColumns) + ")"] + own
        return "UPDATE \(RecordLayout.quote(table)) SET \(assignments.joined(separator: ", ")) WHERE \(column) IS NULL"
    }

    /// The full-text vector column.
    static var searchColumn: String { TableLayout(recordsTable: "").searchVectorColumn }

    /// The indexes of a loaded table: the search vector when there is a text field, the record id, the row numbers,
    /// and every facet or sortable field (sortable ones both ways). The longest to build, the search vector's, comes
    /// first, so that two connections that share them (``PostgreSQLStore/buildIndexes(_:on:)``) end together; each
    /// is named (``indexName(_:number:)``), as two connections would pick the same name for a field's two.
    static func indexStatements(_ table: String, fields: [DatasetField]) -> [String] {
        var keys: [String] = []
        if fields.contains(where: { $0.type == .text }) { keys.append("USING gin (\(RecordLayout.quote(searchColumn)))") }
        keys += ["(\(RecordLayout.quote(RecordLayout.recordIDColumn)))", "(\(rowNumberIndexKey))"]
        for field in fields where field.facet || field.sortable {
            guard let column = RecordLayout.columns(of: field).first?.name else { continue }
            keys.append("(\(RecordLayout.quote(column)))")
            // ODSQL sorts with NULLS LAST both ways; an ascending index read backwards would give NULLS FIRST.
            if field.sortable { keys.append("(\(RecordLayout.quote(column)) DESC NULLS LAST)") }
        }
        return keys.enumerated().map { number, key in
            "CREATE INDEX \(RecordLayout.quote(indexName(table, number: number))) ON \(RecordLayout.quote(table)) \(key)"
        }
    }

    /// The name of index `number` of `table`: the table's name and the number, or, when that is longer than
    /// PostgreSQL keeps, ``name(datasetID:version:)``'s way of shortening, from a hash of the table's name (field
    /// names, which could be truncated into one another, are never part of it).
    static func indexName(_ table: String, number: Int) -> String {
        let name = table + "_i\(number)"
        guard name.utf8.count > maximumIdentifierBytes else { return name }
        return "records_" + hexDigest(table) + "_i\(number)"
    }

    /// The first 6 bytes of the SHA-256 of `text`, in hexadecimal.
    static func hexDigest(_ text: String) -> String {
        InstanceSecret.hex(Array(SHA256.hash(data: Array(text.utf8)).prefix(6)))
    }

    /// `fields` with the text fields of few distinct values made facets (and sortable), as SQLite decides.
    static func decideFacets(_ fields: [DatasetField], tally: DistinctTally) -> [DatasetField] {
        var fields = fields
        for index in fields.indices where fields[index].type == .text {
            if let distinct = tally.count(at: index), (1...DistinctTally.cap).contains(distinct) {
                fields[index].facet = true
                fields[index].sortable = true
            }
        }
        return fields
    }

    /// The advisory lock key of an import's staging table: a session lock held by the importing connection, so
    /// that any node can tell a live import (locked) from a dead one (free) whatever machine ran it.
    static let importLockClass: Int32 = 0x4741_5249  // "GARI"
}
