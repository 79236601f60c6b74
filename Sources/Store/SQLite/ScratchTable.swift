import GRDB
import ODSQL

/// A small table in a private in-memory SQLite database, with an FTS5 index over its text
/// columns, queried with compiled ODSQL like a records table.
///
/// The API's catalog uses one per request: a few thousand dataset descriptions, filtered, faceted
/// and exported with the same compiler as records, without storing them twice on disk. The
/// full-text table is named `<name>__fts`, as ``RecordLayout`` names it for records.
public final class ScratchTable: Sendable {
    let queue: DatabaseQueue
    /// The SQL flavour to compile queries on scratch tables to: SQLite's, whatever the instance's engine.
    public static let dialect: any SQLDialect = SQLiteDialect()

    /// Creates the table `name` with `columns` (SQL types `INTEGER`, `REAL` or `TEXT`) and fills it
    /// with `rows`, each value bound. `fullText` lists the columns the FTS5 index covers.
    public init(name: String, columns: [(name: String, type: String)], fullText: [String], rows: [[SQLValue]]) throws {
        queue = try DatabaseQueue()
        let table = RecordLayout.quote(name)
        try queue.write { db in
            let definitions = columns.map { RecordLayout.quote($0.name) + " " + $0.type }
            try db.execute(sql: "CREATE TABLE \(table) (\(definitions.joined(separator: ", ")))")
            let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            let insert = try db.makeStatement(sql: "INSERT INTO \(table) VALUES (\(placeholders))")
            for row in rows {
                try insert.execute(arguments: StatementArguments(row.map(SQLiteStore.databaseValue)))
            }
            guard !fullText.isEmpty else { return }
            let fts = RecordLayout.quote(RecordLayout.fullTextTable(of: name))
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE \(fts) USING fts5(\(fullText.map(RecordLayout.quote).joined(separator: ", ")),
                        content=\(table), content_rowid='rowid', tokenize='\(FullTextBuilder.tokenizer)');
                    INSERT INTO \(fts)(\(fts)) VALUES('rebuild');
                    """)
        }
    }

    /// Runs a compiled, read-only query on the table. An integer sum past Int64 throws ``QueryOverflowError``.
    public func rows(_ query: CompiledQuery) throws -> [[SQLValue]] {
        do {
            return try queue.read { db in try SQLiteStore.fetch(query, in: db) }
        } catch let error as DatabaseError where QueryOverflowError.isOverflow(error) {
            throw QueryOverflowError()
        }
    }
}
