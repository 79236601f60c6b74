import GRDB

extension SQLiteStore: SearchVocabularySource {
    /// Reads the terms of the table's FTS5 index through an `fts5vocab` table created in the `temp` schema of a
    /// connection of its own, so that nothing is written to the database and the index is read, not the rows.
    public func searchWords(ofTable table: String) async throws -> [String] {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: pool.path, configuration: configuration)
        // Not `read`: GRDB makes a read query-only, which refuses even a `temp` table.
        return try await queue.writeWithoutTransaction { db in
            try Self.searchWords(fullTextTable: RecordLayout.fullTextTable(of: table), in: db)
        }
    }

    /// The words of the FTS5 table `fts` of `db`'s main schema, as ``SearchVocabularySource/searchWords(ofTable:)``
    /// describes them; the `temp` table it reads them through is dropped afterwards.
    static func searchWords(fullTextTable fts: String, in db: GRDB.Database) throws -> [String] {
        guard try db.tableExists(fts) else { return [] }
        try db.execute(
            sql: "CREATE VIRTUAL TABLE temp.garona_vocabulary USING fts5vocab(main, \(RecordLayout.quote(fts)), 'row')")
        defer { try? db.execute(sql: "DROP TABLE temp.garona_vocabulary") }
        return try String.fetchAll(
            db,
            sql: """
                SELECT term FROM temp.garona_vocabulary WHERE length(term) BETWEEN ? AND ?
                ORDER BY doc DESC, term LIMIT ?
                """,
            arguments: [SearchVocabulary.shortestWord, SearchVocabulary.longestWord, SearchVocabulary.largestVocabulary])
    }
}

extension ScratchTable {
    /// The words of the full-text index of the table `name` (see ``SearchVocabulary``).
    public func searchWords(ofTable name: String) throws -> [String] {
        try queue.writeWithoutTransaction { db in
            try SQLiteStore.searchWords(fullTextTable: RecordLayout.fullTextTable(of: name), in: db)
        }
    }
}
