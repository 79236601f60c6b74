import PostgresNIO

extension PostgreSQLStore: SearchVocabularySource {
    /// Reads the words of the table's stored search vectors with `ts_stat`: one pass over the vectors (not the text),
    /// in a read-only transaction without the query budget, since callers keep the answer for the table's life.
    public func searchWords(ofTable table: String) async throws -> [String] {
        let column = RecordLayout.quote(PostgreSQLRecordsTable.searchColumn)
        // ts_stat takes the text of a query; the table's name comes from the catalog, never from a request.
        let vectors = "SELECT \(column) FROM \(RecordLayout.quote(table))"
        return try await withConnection { connection in
            let exists = try await connection.query(
                """
                SELECT count(*) FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table) AND column_name = \(PostgreSQLRecordsTable.searchColumn)
                """, logger: logger)
            var found = 0
            for try await count in exists.decode(Int.self) { found = count }
            guard found > 0 else { return [] }
            let shortest = SearchVocabulary.shortestWord
            let longest = SearchVocabulary.longestWord
            let limit = SearchVocabulary.largestVocabulary
            let rows = try await connection.query(
                """
                SELECT word FROM ts_stat(\(vectors)) WHERE length(word) BETWEEN \(shortest) AND \(longest)
                ORDER BY ndoc DESC, word COLLATE "C" LIMIT \(limit)
                """, logger: logger)
            var words: [String] = []
            for try await word in rows.decode(String.self) { words.append(word) }
            return words
        }
    }
}
