import Foundation
import Ingest
import ODSQL
import Testing
import Vocabulary

@testable import Store

/// Typo-tolerant search (issue 12): the distance, the choice of corrections, the SQL each engine gets, and the
/// vocabulary both engines read from their index.
@Suite struct SearchVocabularyTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    /// Words of several lengths and frequencies, "toulouse" in every row.
    static let csv = """
        nom;note
        Toulouse Matabiau;Gare de Toulouse
        Toulouse Saint-Agne;Halte de Toulouse
        Montpellier Saint-Roch;Gare Montpellier Toulouse
        Sainte-Cécile;Toulouse montpellier écoles
        """

    func oneEdit(_ word: String, _ candidate: String) -> Bool {
        SearchVocabulary.isOneEditApart(Array(word.unicodeScalars), candidate, length: candidate.unicodeScalars.count)
    }

    @Test func oneEditIsOneLetterInsertedDeletedOrReplaced() {
        #expect(oneEdit("toulouze", "toulouse"))  // replaced
        #expect(oneEdit("tolouse", "toulouse"))  // the word lacks a letter
        #expect(oneEdit("toulousse", "toulouse"))  // the word has one too many
        #expect(oneEdit("toulous", "toulouse"))  // at the end
        #expect(oneEdit("xoulouse", "toulouse"))  // at the start
        #expect(oneEdit("écoles", "ecoles"))  // a scalar is a letter
        #expect(!oneEdit("toulouse", "toulouse"))  // equal is not a typo
        #expect(!oneEdit("tuolouse", "toulouse"))  // neighbours swapped: two edits for Levenshtein
        #expect(!oneEdit("tolousse", "toulouse"))
        #expect(!oneEdit("toulou", "toulouse"))
    }

    @Test func onlyAbsentWordsGetTheirNeighboursMostFrequentFirst() {
        let vocabulary = SearchVocabulary(words: ["sainte", "saints", "saint", "toulouse", "abc", "maison", "raison"])
        #expect(vocabulary.count == 6)  // "abc" is too short to be a correction
        let corrections = vocabulary.corrections(of: ["sainte", "saintes", "maisin", "toulouze", "zzzzzz"])
        #expect(
            corrections.alternatives == [
                "saintes": ["sainte", "saints"], "maisin": ["maison"], "toulouze": ["toulouse"],
            ])
    }

    @Test func aPrefixTermIsCorrectedOnlyWhenNoWordStartsWithIt() {
        let vocabulary = SearchVocabulary(words: ["toulouse", "matabiau", "maison", "saint"])
        #expect(vocabulary.hasWord(startingWith: "matab") && vocabulary.hasWord(startingWith: "toulouse"))
        #expect(!vocabulary.hasWord(startingWith: "matabiou") && !vocabulary.hasWord(startingWith: "zzzzz"))
        let corrections = vocabulary.corrections(of: ["matab*", "matabiou*", "toulouze*", "saint*", "zzzzz*"])
        #expect(corrections.alternatives == ["matabiou*": ["matabiau"], "toulouze*": ["toulouse"]])
    }

    @Test func correctionsAreCappedPerWord() {
        let words = (UInt8(ascii: "a")...UInt8(ascii: "z")).map { "mots" + String(UnicodeScalar($0)) }
        let vocabulary = SearchVocabulary(words: words)
        let found = vocabulary.corrections(of: ["motsé"]).alternatives["motsé"] ?? []
        #expect(found == Array(words.prefix(SearchVocabulary.correctionsPerWord)))
    }

    @Test func theEnginesGetTheAlternativesOfACorrectedWordOnly() throws {
        let schema = ODSQL.Schema(fields: [ODSQL.Field(name: "nom", type: .text)])
        let layout = TableLayout(recordsTable: "t")
        let query = ODSQL.QueryText(where: ["search(nom, 'Toulouze matab')"])
        for (dialect, expected) in [
            (SQLiteDialect() as any SQLDialect, "{\"nom\"} : ((\"Toulouze\" OR \"toulouse\") AND \"matab\"*)"),
            (PostgreSQLDialect(), "('Toulouze' | 'toulouse') & 'matab':*"),
        ] {
            let compiler = ODSQL.Compiler(schema: schema, layout: layout, dialect: dialect)
            #expect(compiler.correctableWords(query) == ["toulouze", "matab*"])
            let corrected = compiler.correcting(SearchCorrections(["toulouze": ["toulouse"]]))
            #expect(try corrected.count(query).bindings.contains(.text(expected)))
            // A short word is never looked up; the prefix term is, under its own key.
            #expect(compiler.correctableWords(ODSQL.QueryText(where: ["search(nom, 'gare matabiou')"])) == ["matabiou*"])
            let prefix = compiler.correcting(SearchCorrections(["matabiou*": ["matabiau"]]))
            #expect(
                try prefix.count(ODSQL.QueryText(where: ["search(nom, 'gare matabiou')"])).bindings.contains(
                    .text(
                        dialect is SQLiteDialect
                            ? "{\"nom\"} : (\"gare\" AND (\"matabiou\"* OR \"matabiau\"*))"
                            : "'gare' & ('matabiou':* | 'matabiau':*)")))
        }
    }

    static func reader() throws -> RecordBatchReader {
        let bytes = Array(Self.csv.utf8)
        return try Ingest.read(bytes: bytes, detection: try Ingest.detect(bytes: bytes, fileName: "data.csv"), batchSize: 2)
    }

    /// The words both engines must read, most frequent first, ties in code point order.
    static let expectedWords = [
        "toulouse", "gare", "montpellier", "saint", "agne", "cecile", "ecoles", "halte", "matabiau", "roch", "sainte",
    ]

    @Test func sqliteReadsTheWordsOfItsIndex() async throws {
        try await withTemporaryStore { store, _ in
            _ = try store.publish(datasetID: "v", reader: try Self.reader(), newDataset: DatasetMetadata(id: "v"), now: now)
            let table = try #require(try await store.dataset(id: "v")?.recordsTable)
            let words = try await store.searchWords(ofTable: table)
            #expect(words == Self.expectedWords)
        }
    }

    @Test(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason))
    func postgresqlReadsTheSameWordsFromItsSearchVectors() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let now = now
            _ = try await PostgreSQLTestDatabase.onThread {
                try store.publish(
                    datasetID: "v", reader: try Self.reader(), newDataset: DatasetMetadata(id: "v"), now: now, progress: nil)
            }
            let table = try #require(try await store.dataset(id: "v")?.recordsTable)
            let words = try await store.searchWords(ofTable: table)
            #expect(words == Self.expectedWords)
        }
    }
}
