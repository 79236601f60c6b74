import Foundation
import ODSQL
import Store
import Synchronization

/// Typo-tolerant full-text search for the data API and the dataset pages: gives a compiler the corrections of the
/// mistyped words of a query (see ``SearchCorrections`` and ``SearchVocabulary``).
///
/// Only a query with a correctable word (an exact search term of five letters or more) reads a vocabulary. Each
/// table's vocabulary is read once and kept: a published version never changes (a new import writes a new table), so
/// an entry is keyed by the records table and its publication time, as ``AggregateMemo`` keys its answers. The
/// entries hold at most ``wordBudget`` words together; the least recently used go first.
final class SearchSpelling: Sendable {
    /// Words kept for all tables together, about 60 MB at worst (see ``SearchVocabulary/largestVocabulary``).
    static let defaultWordBudget = 1_000_000

    private struct Entry {
        var vocabulary: SearchVocabulary
        var lastUse: UInt64
    }

    private struct Memo {
        var entries: [String: Entry] = [:]
        var uses: UInt64 = 0
        var words = 0
    }

    private let source: any SearchVocabularySource
    private let wordBudget: Int
    private let memo = Mutex(Memo())

    /// Spelling over the vocabularies `source` reads.
    init(source: any SearchVocabularySource, wordBudget: Int = SearchSpelling.defaultWordBudget) {
        self.source = source
        self.wordBudget = wordBudget
    }

    /// `compiler` with the corrections of `query`'s mistyped search words on `dataset`. When the vocabulary cannot be
    /// read, the words are searched as typed: a search never fails for want of corrections.
    func correcting(_ compiler: ODSQL.Compiler, for dataset: Dataset, query: ODSQL.QueryText) async -> ODSQL.Compiler {
        let words = compiler.correctableWords(query)
        guard !words.isEmpty, let table = dataset.recordsTable,
            let vocabulary = try? await vocabulary(of: table, version: dataset.dataProcessed)
        else { return compiler }
        return vocabulary.correcting(compiler, words: words)
    }

    /// How many tables' vocabularies are kept, and how many words they hold together.
    var kept: (tables: Int, words: Int) { memo.withLock { ($0.entries.count, $0.words) } }

    private func vocabulary(of table: String, version: Date?) async throws -> SearchVocabulary {
        let key = table + "\u{1E}" + String(version?.timeIntervalSince1970 ?? 0)
        let found = memo.withLock { memo -> SearchVocabulary? in
            guard let entry = memo.entries[key] else { return nil }
            memo.uses += 1
            memo.entries[key]?.lastUse = memo.uses
            return entry.vocabulary
        }
        if let found { return found }
        let vocabulary = SearchVocabulary(words: try await source.searchWords(ofTable: table))
        memo.withLock { memo in
            guard memo.entries[key] == nil else { return }
            memo.uses += 1
            memo.entries[key] = Entry(vocabulary: vocabulary, lastUse: memo.uses)
            memo.words += vocabulary.count
            while memo.words > wordBudget, memo.entries.count > 1,
                let oldest = memo.entries.filter({ $0.key != key }).min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                memo.words -= oldest.value.vocabulary.count
                memo.entries[oldest.key] = nil
            }
        }
        return vocabulary
    }
}

extension DatasetPageController {
    /// `compiler` with the corrections of the page's mistyped search words, when the page searches.
    func correcting(_ compiler: ODSQL.Compiler?, for dataset: Dataset, query: DatasetPageQuery) async -> ODSQL.Compiler? {
        guard let compiler, let spelling, !query.search.isEmpty else { return compiler }
        return await spelling.correcting(compiler, for: dataset, query: query.odsql)
    }
}

extension CatalogTable {
    /// `compiler` with the corrections of `query`'s mistyped search words, from the catalog's own index.
    func correcting(_ compiler: ODSQL.Compiler, query: ODSQL.QueryText) -> ODSQL.Compiler {
        vocabulary.correcting(compiler, words: compiler.correctableWords(query))
    }
}
