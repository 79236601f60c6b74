import Foundation
import Ingest
import ODSQL
import PostgresNIO
import Synchronization
import Testing
import Vocabulary

@testable import Store

/// The search vector that imports compute in Swift (``SearchVector``) against the server's `garona_search_vector`,
/// which the field-restricted searches and the query side still use: the same words (without their positions, as `strip` leaves them).
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
struct PostgreSQLSearchVectorTests {
    /// Texts where the parser, the folding or the limits of `tsvector` have a say.
    static let texts: [String] =
        PostgreSQLFunctionParityTests.texts + [
            "", "   ", "12e 1e5x 3d 1e 1e5 abc123 123abc 0x1f 1e5e5 12e3e 5e5 a1e5 00012 ١٢٣ x٣y ʰa ªb ǅa",
            "Été ÉTÉ été ete", "ÇA ÊTRE À l'ÎLE Ōsaka ǸǹǗ", "ΩΜΈΓΑΣ Ὀδυσσεύς", "İSTANBUL ıi", "ﬁne ﬀ Ǆ ǅ",
            "e\u{301}te\u{301} E\u{301}TE\u{301} a\u{323}\u{301} a\u{483}\u{301}",
            String(repeating: "w", count: 2046) + " " + String(repeating: "l", count: 2047) + " after",
            String(repeating: "same ", count: 300), (1...17_000).map { "w\($0)" }.joined(separator: " "),
            String(repeating: "z ", count: 16_390) + "tail",
        ]

    @Test func swiftVectorsAreTheServersOnEveryCodePointUpToU33FFKnownToBoth() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let scalars = (1...0x33FF).compactMap(Unicode.Scalar.init)
            let differing = try await store.searchVectorMismatches(scalars.map(SearchVector.probe)).map { scalars[$0] }
            // Debian's PostgreSQL 15 reads Unicode 15.0 (ICU 72): only characters added later may differ.
            let known = differing.filter { scalar in
                scalar.properties.age.map { $0.major < 15 || ($0.major == 15 && $0.minor == 0) } ?? true
            }
            #expect(known.isEmpty, "differing: \(known.map { String($0.value, radix: 16) })")
            #expect(differing.count < 16)
            let set = try await store.serverFoldedScalars()
            #expect(differing.allSatisfy(set.contains) && !set.contains("é") && set.contains("\u{30000}"))
            // Kept in the database for the next process: no probe then.
            let kept = try await store.setting(SearchVector.probeSetting)
            let fingerprint = try await store.probeFingerprint()
            let list = try #require(kept?.split(separator: "|").last?.split(separator: ",").map(String.init))
            #expect(kept?.hasPrefix(fingerprint + "|") == true)
            #expect(differing.allSatisfy { list.contains(String($0.value, radix: 16)) })
        }
    }

    /// Random texts of ASCII and Latin letters, digits, `e` and separators: the one-pass fold and cut of each
    /// alphabet (``SearchVector/add(_:)``) against the server's.
    @Test func swiftVectorsAreTheServersOnRandomLatinTexts() async throws {
        var generator = SystemRandomNumberGenerator()
        let ascii = Array("aeEzZ0159 .-'_/")
        let latin = ascii + Array("éÉçÇœŒßſİıǅǄÆøŁĳŉ\u{00A0}º")
        let texts = [ascii, latin].flatMap { alphabet in
            (0..<300).map { _ in
                String((0..<Int.random(in: 1...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }
        }
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let mismatches = try await store.searchVectorMismatches(texts)
            #expect(mismatches.isEmpty, "texts differing: \(mismatches.map { texts[$0] })")
        }
    }

    @Test func swiftVectorsAreTheServersOnTrickyTexts() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let mismatches = try await store.searchVectorMismatches(Self.texts)
            #expect(mismatches.isEmpty, "texts differing: \(mismatches.map { Self.texts[$0].prefix(60) })")
            // The check can fail: a vector with a word too many differs.
            var vector = SearchVector()
            vector.add("Été")
            #expect(vector.text == "'ete'")
            // COPY stores a text up to a NUL (which a query parameter cannot hold).
            var cut = SearchVector()
            cut.add("cut\u{0}after the nul")
            #expect(cut.text == "'cut'")
            let wrong = try await store.withConnection { connection in
                try await connection.query(
                    "SELECT strip(garona_search_vector('Été one' COLLATE \"C\")) = \(vector.text)::tsvector", logger: store.logger
                ).collect().first?.decode(Bool.self)
            }
            #expect(wrong == false)
        }
    }

    @Test(arguments: [false, true])
    func importsStoreGaronasVectorsAndFindAccentedCapitals(serverFoldsÎ: Bool) async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            // A record holding a code point the server folds otherwise gets its vector from the server.
            var scalars = try await store.serverFoldedScalars()
            if serverFoldsÎ { scalars.insert("î") }
            store.serverScalars.withLock { [scalars] in $0 = scalars }
            let csv = "name;note;n\nÉté à Nîmes;ÉCOLE 1e5x;1\nHiver;;2\n;Été;3\n"
            let report = try await Self.publishSeasons(csv, batchSize: 2, on: store)
            let table = try #require(try await store.dataset(id: "seasons")?.recordsTable)
            #expect(report.records == 3)
            let layout = try await store.withConnection { connection in
                try await connection.query(
                    """
                    SELECT attgenerated::text FROM pg_attribute
                    WHERE attrelid = quote_ident(\(table))::regclass AND attname = '_search'
                    """, logger: store.logger
                ).collect().first?.decode(String.self)
            }
            #expect(layout == "", "the vector is a plain column that the COPY fills")
            let rows = try await store.rows(
                CompiledQuery(
                    sql: """
                        SELECT n, _search = strip(garona_search_vector(coalesce(name, '') || ' ' || coalesce(note, '')))
                        FROM "\(table)" WHERE _search @@ garona_search_query($1) ORDER BY n
                        """, bindings: [.text("'ete':*")]))
            #expect(rows == [[.int(1), .int(1)], [.int(3), .int(1)]])
            // Each text field's own vector, the server's vector of that field alone, on every record.
            let own = try await store.rows(
                CompiledQuery(
                    sql: """
                        SELECT n, name__search = strip(garona_search_vector(coalesce(name, ''))),
                            note__search = strip(garona_search_vector(coalesce(note, '')))
                        FROM "\(table)" ORDER BY n
                        """, bindings: []))
            #expect(own == [1, 2, 3].map { [.int($0), .int(1), .int(1)] })
        }
    }

    /// Publishes `csv` as the dataset `seasons`, read in batches of `batchSize` records.
    static func publishSeasons(_ csv: String, batchSize: Int, on store: PostgreSQLStore) async throws -> PublishReport {
        try await PostgreSQLTestDatabase.onThread {
            let bytes = Array(csv.utf8)
            let reader = try Ingest.read(
                bytes: bytes, detection: try Ingest.detect(bytes: bytes, fileName: "data.csv"), batchSize: batchSize)
            return try store.publish(
                datasetID: "seasons", reader: reader, newDataset: DatasetMetadata(id: "seasons"),
                now: Date(timeIntervalSince1970: 1_790_000_000))
        }
    }

    /// A table published before migration 23 gets its fields' vectors as generated columns, in its rows' order, and
    /// a search in one field reads them.
    @Test func migrationTwentyThreeGivesPublishedTablesTheirFieldsVectors() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let csv = "name;note;n\n" + (1...50).map { "Été \($0);note \($0);\($0)" }.joined(separator: "\n") + "\n"
            _ = try await Self.publishSeasons(csv, batchSize: 16, on: store)
            let table = try #require(try await store.dataset(id: "seasons")?.recordsTable)
            // As a version before migration 23 published it, then a start of this version.
            try await store.run(
                PostgresQuery(unsafeSQL: "ALTER TABLE \"\(table)\" DROP COLUMN name__search, DROP COLUMN note__search"))
            try await store.run("DELETE FROM schema_migrations WHERE version = 23")
            try await PostgreSQLMigrations.migrate(store)
            let generated = try await store.rows(
                CompiledQuery(
                    sql: """
                        SELECT attname::text, attgenerated::text FROM pg_attribute
                        WHERE attrelid = quote_ident($1)::regclass AND attname LIKE '%\\_\\_search' ORDER BY 1
                        """, bindings: [.text(table)]))
            #expect(generated == [[.text("name__search"), .text("s")], [.text("note__search"), .text("s")]])
            let order = try await store.rows(CompiledQuery(sql: "SELECT n FROM \"\(table)\"", bindings: []))
            #expect(order == (1...50).map { [.int(Int64($0))] }, "the rewrite keeps the heap's order")
            let dialect = PostgreSQLDialect()
            let predicate = dialect.fullTextPredicate(
                layout: TableLayout(recordsTable: table), query: "$1", columns: ["note"])
            let found = try await store.rows(
                CompiledQuery(
                    sql: "SELECT n FROM \"\(table)\" WHERE \(predicate.sql) ORDER BY n", bindings: [.text("'7':*")]))
            #expect(found == [[.int(7)]])
        }
    }
}

/// The vectors of a row as ``CopyEncoder`` writes them, each text cut once for the record's vector and its field's
/// own, against the vector of the fields' texts added in turn and of each text alone.
@Suite struct CopyEncoderVectorTests {
    @Test(arguments: [
        ["Été à Nîmes", "", "été 12e5x"],
        [String(repeating: "same ", count: 200), String(repeating: "same ", count: 100), "same"],
        [(1...10_000).map { "w\($0)" }.joined(separator: " "), (1...7_000).map { "w\($0)" }.joined(separator: " "), "w1"],
        [String(repeating: "z ", count: 16_390), "tail z", "ζ Ωμέγα z"],
    ])
    func eachTextIsCutOnceForTheRecordAndItsField(_ texts: [String]) {
        let fields = ["a", "n", "b", "c"].map { name in
            DatasetField(name: name, label: name, type: name == "n" ? .int : .text, facet: false, sortable: false)
        }
        var encoder = CopyEncoder(fields: fields, serverScalars: ScalarSet())
        // Two rows: the second's vectors start empty again.
        let rows: [[Value]] = [
            [.text("before"), .int(7), .text("earlier"), .null],
            [.text(texts[0]), .int(-42), .text(texts[1]), .text(texts[2])],
        ]
        var buffer = ByteBuffer()
        for (number, row) in rows.enumerated() { encoder.append(row, id: "r\(number)", number: number + 1, to: &buffer) }
        let lines = String(buffer: buffer).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false)
        }
        #expect(lines.count == 2)
        let columns = lines[1].map(String.init)
        #expect(Array(columns[0...2]) == ["r1", "2", texts[0]])
        #expect(columns[3] == "-42")
        var record = SearchVector()
        for text in texts { record.add(text) }
        #expect(columns.count == 10)
        #expect(Self.words(columns[9]) == record.words)
        for (column, text) in zip(columns[6...8], texts) {
            var own = SearchVector()
            own.add(text)
            #expect(Self.words(column) == own.words)
        }
    }

    /// The words of a vector's text (`'word' 'other'`).
    static func words(_ text: String) -> Set<String> {
        Set(text.split(separator: " ").map { String($0.dropFirst().dropLast()) })
    }
}

/// The fold of Latin text from the table, code point by code point, against the fold of the whole text step by step.
@Suite struct SearchVectorFoldTests {
    @Test func latinTextFoldsAsItsCodePointsDo() {
        var generator = SystemRandomNumberGenerator()
        let texts =
            ["Été à l'ÎLE", "Ǣ ǅemal İSTANBUL ſ ß", "Ça ŒUVRE ǺÅ", "ǰ Ǉ ǈ ǉ ȷ ɏ"]
            + (0..<2_000).map { _ in
                String(
                    String.UnicodeScalarView(
                        (0..<Int.random(in: 1...12, using: &generator)).compactMap { _ in
                            Unicode.Scalar(UInt32.random(in: 0x20..<SearchWords.latinFoldLimit, using: &generator))
                        }))
            }
        for text in texts {
            #expect(SearchWords.fold(text) == SearchWords.foldEachStep(text), "\(text.unicodeScalars.map(\.value))")
        }
    }
}
