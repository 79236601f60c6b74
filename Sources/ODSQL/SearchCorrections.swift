import Foundation

/// The typo corrections of a full-text search: for a mistyped word of a `search()`, a bare string or `q`, the words
/// of the dataset's index it may have meant.
///
/// A compilation only applies corrections it is given (``CompileOptions/corrections``); finding them needs the
/// vocabulary of the records table, which the store reads (see `SearchVocabulary` in Store). The caller asks
/// ``ODSQL/Compiler/correctableWords(_:)`` which words to look up, then compiles with the answer
/// (``ODSQL/Compiler/correcting(_:)``). A word that is not a key is searched as typed.
public struct SearchCorrections: Sendable, Hashable {
    /// Words shorter than this (in Unicode scalars, once folded) are never corrected, as the issue asks: "one typo
    /// in a word of five or more letters".
    public static let shortestCorrectedWord = 5

    /// Alternatives by folded word (see ``fold(_:)``).
    public var alternatives: [String: [String]]

    /// Creates corrections.
    public init(_ alternatives: [String: [String]] = [:]) {
        self.alternatives = alternatives
    }

    /// A word as the full-text index holds it: lower case, without diacritics. The engines fold their own query
    /// text (FTS5's `unicode61 remove_diacritics 2`, PostgreSQL's `garona_search_fold`); this folding is only used
    /// to look a word up in the vocabulary they return, and the word as typed stays in the query beside its
    /// alternatives, so a rare letter that folds differently here loses nothing.
    public static func fold(_ word: String) -> String {
        word.lowercased().folding(options: .diacriticInsensitive, locale: nil)
    }

    /// Ends the key of a prefix term: such a term is corrected only when no indexed word starts with it, and its
    /// alternatives are prefixes too.
    public static let prefixMark = "*"

    /// The key under which a term's alternatives are looked up (its folded text, followed by ``prefixMark`` for the
    /// prefix term), nil for a word of fewer than five letters, which is never corrected.
    static func key(of term: FullTextTerm) -> String? {
        let word = fold(term.text)
        guard word.unicodeScalars.count >= shortestCorrectedWord else { return nil }
        return term.isPrefix ? word + prefixMark : word
    }

    /// The alternatives of a term, none when it is not correctable or not a key.
    func alternatives(of term: FullTextTerm) -> [String] {
        Self.key(of: term).flatMap { alternatives[$0] } ?? []
    }
}

extension ODSQL.Compiler {
    /// The keys of `query`'s full-text search words that a typo correction would look up (``SearchCorrections/key(of:)``):
    /// terms of five letters or more, the prefix term marked. Empty when the query has none, or does not compile (the real compilation reports that).
    public func correctableWords(_ query: ODSQL.QueryText) -> Set<String> {
        guard let filter = try? Planner(schema: schema, options: options).filter(query) else { return [] }
        var words: Set<String> = []
        Self.collectWords(filter, into: &words)
        return words
    }

    /// This compiler with typo corrections for its full-text searches.
    public func correcting(_ corrections: SearchCorrections) -> ODSQL.Compiler {
        var options = options
        options.corrections = corrections
        return ODSQL.Compiler(schema: schema, layout: layout, dialect: dialect, options: options)
    }

    private static func collectWords(_ expression: TypedExpression, into words: inout Set<String>) {
        switch expression.node {
        case .fullText(let query):
            for term in query.terms {
                if let key = SearchCorrections.key(of: term) { words.insert(key) }
            }
        case .and(let items), .or(let items):
            for item in items { collectWords(item, into: &words) }
        case .not(let inner):
            collectWords(inner, into: &words)
        default:
            break
        }
    }
}
