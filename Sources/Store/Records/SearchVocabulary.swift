import ODSQL

/// The words of a published records table's full-text index, for typo-tolerant search: a word of five letters or
/// more that the index does not hold is also searched as the indexed words one edit away from it.
///
/// "One edit" is a Levenshtein distance of 1, as Opendatasoft's reference measures fuzziness: one letter inserted,
/// deleted or replaced (swapping two neighbours is two edits). Letters are Unicode scalars of the folded word.
///
/// Both engines answer the same words with the same document counts (FTS5's `fts5vocab`, PostgreSQL's `ts_stat` over
/// the stored search vector, the same tokenization), and the choice below depends on nothing else, so a search
/// matches the same records on both.
public struct SearchVocabulary: Sendable {
    /// Indexed words shorter than this are never a correction: a corrected word has five letters, so its neighbours
    /// have four at least.
    public static let shortestWord = SearchCorrections.shortestCorrectedWord - 1
    /// Longer words are left out of the vocabulary (a long token is rarely a word: an identifier, a URL).
    public static let longestWord = 48
    /// At most this many words per table, the most frequent ones (ties in code point order), which bounds memory
    /// (a few tens of megabytes at worst). A rarer word left out is still searched as typed, but is treated as
    /// absent: its neighbours are searched too.
    public static let largestVocabulary = 250_000
    /// At most this many corrections per word, the most frequent first: a hostile query cannot expand a word into
    /// thousands of alternatives.
    public static let correctionsPerWord = 16

    private let known: Set<String>
    /// The same words in ascending order, to find whether one starts with a prefix term.
    private let ascending: [String]
    /// Words by length in scalars, each list in the order of the load (most frequent first), with that position.
    private let byLength: [Int: [(word: String, rank: Int32)]]

    /// The vocabulary of `words`, given most frequent first; words out of the length bounds are dropped.
    public init(words: [String]) {
        var known: Set<String> = []
        var byLength: [Int: [(word: String, rank: Int32)]] = [:]
        for (rank, word) in words.prefix(Self.largestVocabulary).enumerated() {
            let length = word.unicodeScalars.count
            guard length >= Self.shortestWord, length <= Self.longestWord, known.insert(word).inserted else { continue }
            byLength[length, default: []].append((word, Int32(truncatingIfNeeded: rank)))
        }
        self.known = known
        self.ascending = known.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        self.byLength = byLength
    }

    /// How many words it holds.
    public var count: Int { known.count }

    /// The corrections of `words` (folded keys, as ``ODSQL/Compiler/correctableWords(_:)`` gives them): a word the
    /// index holds, or a prefix term that starts an indexed word, is taken as typed; an absent one gets its
    /// neighbours, when it has any (the prefix term's neighbours are whole words, searched as prefixes in turn).
    public func corrections(of words: Set<String>) -> SearchCorrections {
        var alternatives: [String: [String]] = [:]
        for key in words {
            let isPrefix = key.hasSuffix(SearchCorrections.prefixMark)
            let word = isPrefix ? String(key.dropLast(SearchCorrections.prefixMark.count)) : key
            guard isPrefix ? !hasWord(startingWith: word) : !known.contains(word) else { continue }
            let found = neighbours(of: word)
            if !found.isEmpty { alternatives[key] = found }
        }
        return SearchCorrections(alternatives)
    }

    /// Whether an indexed word starts with `prefix` (scalar by scalar, as the engines match a prefix term).
    func hasWord(startingWith prefix: String) -> Bool {
        let scalars = prefix.unicodeScalars
        var low = 0
        var high = ascending.count
        while low < high {
            let middle = low + (high - low) / 2
            if ascending[middle].unicodeScalars.lexicographicallyPrecedes(scalars) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ascending.count && ascending[low].unicodeScalars.starts(with: scalars)
    }

    /// `compiler` with the corrections of `words` (``ODSQL/Compiler/correctableWords(_:)``), itself when there is none.
    public func correcting(_ compiler: ODSQL.Compiler, words: Set<String>) -> ODSQL.Compiler {
        guard !words.isEmpty else { return compiler }
        let corrections = corrections(of: words)
        return corrections.alternatives.isEmpty ? compiler : compiler.correcting(corrections)
    }

    /// The indexed words at distance 1 from `word`, at most ``correctionsPerWord``, most frequent first.
    func neighbours(of word: String) -> [String] {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count <= Self.longestWord + 1 else { return [] }
        var found: [(word: String, rank: Int32)] = []
        for length in [scalars.count - 1, scalars.count, scalars.count + 1] {
            // Each list is in frequency order, so its first matches are its most frequent ones.
            var taken = 0
            for candidate in byLength[length] ?? [] where Self.isOneEditApart(scalars, candidate.word, length: length) {
                found.append(candidate)
                taken += 1
                if taken == Self.correctionsPerWord { break }
            }
        }
        return found.sorted { $0.rank < $1.rank }.prefix(Self.correctionsPerWord).map(\.word)
    }

    /// Whether `candidate`, of `length` scalars, is at Levenshtein distance exactly 1 from `word`.
    static func isOneEditApart(_ word: [Unicode.Scalar], _ candidate: String, length: Int) -> Bool {
        var edited = false
        var scalars = candidate.unicodeScalars.makeIterator()
        switch length - word.count {
        case 0:  // one letter replaced
            var index = 0
            while let scalar = scalars.next() {
                if scalar != word[index] {
                    if edited { return false }
                    edited = true
                }
                index += 1
            }
            return edited
        case 1:  // one letter inserted in the word
            var index = 0
            while let scalar = scalars.next() {
                if index < word.count, scalar == word[index] {
                    index += 1
                } else {
                    if edited { return false }
                    edited = true
                }
            }
            return index == word.count
        case -1:  // one letter of the word deleted
            var current = scalars.next()
            for scalar in word {
                if current == scalar {
                    current = scalars.next()
                } else {
                    if edited { return false }
                    edited = true
                }
            }
            return current == nil
        default:
            return false
        }
    }
}

/// Reads the vocabulary of a records table's full-text index (see ``SearchVocabulary``).
public protocol SearchVocabularySource: Sendable {
    /// The words of the full-text index of the published records table `table`, most frequent first (ties in code
    /// point order), of ``SearchVocabulary/shortestWord`` to ``SearchVocabulary/longestWord`` scalars, at most
    /// ``SearchVocabulary/largestVocabulary``; empty when the table has no text field. It reads the index, not the
    /// rows (SQLite), or the stored search vectors once (PostgreSQL): callers keep the answer, since a published
    /// table never changes.
    func searchWords(ofTable table: String) async throws -> [String]
}
