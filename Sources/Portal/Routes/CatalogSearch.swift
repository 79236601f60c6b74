import CookieCharter
import Foundation
import HTTPTypes
import Store
import Web

/// The facets of the catalog page, in the order it shows them.
enum CatalogFacet: String, CaseIterable, Sendable {
    case theme, keyword, publisher, licence, modified

    /// The query parameter that refines on this facet: `refine.theme`, ….
    var parameter: String { "refine." + rawValue }
}

/// How the catalog orders its results.
enum CatalogSort: String, CaseIterable, Sendable {
    case relevance, title, modified
    /// Most used first: public page views, downloads and API calls over the audience figures kept (issue 15); the
    /// value Opendatasoft portals use in their catalog's URL.
    case popularity = "explore.popularity_score"
}

/// What the visitor asked of the catalog, read from the URL, with what had to be ignored.
struct CatalogQuery: Sendable {
    static let maxQueryLength = 200
    static let maxRefinements = 20
    static let pageSize = 20

    /// A part of the request the page did not use, to be told to the visitor.
    enum Ignored: Sendable, Equatable {
        case longQuery(Int)
        case unknownRefine(String)
        case unknownSort(String)
        case tooManyRefinements(Int)
    }

    var text = ""
    var refinements: [(facet: CatalogFacet, value: String)] = []
    /// The sort the visitor chose, nil for the default.
    var sort: CatalogSort?
    var page = 1
    var ignored: [Ignored] = []

    init() {}

    /// Reads `q`, `refine.<facet>`, `sort` and `page`. Other parameters are not the catalog's and are left alone.
    /// A page number that is not a positive integer throws ``PageError/notFound``.
    init(_ form: FormData) throws {
        var unknownRefines: [String] = []
        var dropped = 0
        for (name, value) in form.pairs {
            switch name {
            case "q":
                text = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.count > Self.maxQueryLength {
                    ignored.append(.longQuery(text.count - Self.maxQueryLength))
                    text = String(text.prefix(Self.maxQueryLength))
                }
            case "sort":
                sort = CatalogSort(rawValue: value)
                if sort == nil && !value.isEmpty { ignored.append(.unknownSort(String(value.prefix(40)))) }
            case "page":
                guard value.count <= 9, let number = Int(value), number >= 1 else { throw Self.pageNotFound(value) }
                page = number
            case _ where name.hasPrefix("refine."):
                let field = String(name.dropFirst("refine.".count))
                guard let facet = CatalogFacet(rawValue: field) else {
                    let shown = String(field.prefix(40))
                    if !unknownRefines.contains(shown) { unknownRefines.append(shown) }
                    continue
                }
                let value = String(value.prefix(Self.maxQueryLength))
                guard !value.isEmpty, !refinements.contains(where: { $0.facet == facet && $0.value == value }) else { continue }
                if refinements.count < Self.maxRefinements {
                    refinements.append((facet, value))
                } else {
                    dropped += 1
                }
            default:
                continue
            }
        }
        ignored += unknownRefines.prefix(10).map(Ignored.unknownRefine)
        if dropped > 0 { ignored.append(.tooManyRefinements(dropped)) }
    }

    /// The sort in force: the visitor's, else relevance when searching and the last modified first otherwise.
    var effectiveSort: CatalogSort {
        if let sort, sort != .relevance || !text.isEmpty { return sort }
        return text.isEmpty ? .modified : .relevance
    }

    /// The localized 404 for a page number that does not exist.
    static func pageNotFound(_ value: String) -> PageError {
        PageError(.notFound, messageKey: "catalog_page_not_found", arguments: ["page": String(value.prefix(20))])
    }
}

/// One dataset as the catalog searches and shows it, in the visitor's language.
struct CatalogEntry: Sendable {
    let dataset: Dataset
    /// The title in the visitor's language when translated, else in the other one; the id when there is none.
    let title: LocalizedChoice
    let description: LocalizedChoice
    private let folded: FoldedMetadata
    var year: String { folded.year }
    /// The folded title, for sorting.
    let sortKey: String

    init(_ dataset: Dataset, language: Language, cache: CatalogFoldCache = .shared) {
        let metadata = dataset.metadata
        self.dataset = dataset
        title = LocalizedChoice(fr: metadata.titleFR, en: metadata.titleEN, language: language, fallback: metadata.id)
        description = LocalizedChoice(fr: metadata.descriptionFR, en: metadata.descriptionEN, language: language, fallback: "")
        folded = cache.folded(dataset)
        sortKey =
            !metadata.titleFR.isEmpty && title.text == metadata.titleFR
            ? folded.titleFR : !metadata.titleEN.isEmpty && title.text == metadata.titleEN ? folded.titleEN : metadata.id
    }

    /// The values this dataset has for `facet`.
    func values(_ facet: CatalogFacet) -> [String] {
        let metadata = dataset.metadata
        switch facet {
        case .theme: return metadata.themes
        case .keyword: return metadata.keywords
        case .publisher: return metadata.publisher.isEmpty ? [] : [metadata.publisher]
        case .licence: return [metadata.licence.rawValue]
        case .modified: return [year]
        }
    }

    /// 0 when a term is missing; else a score weighing titles over keywords over descriptions.
    func score(_ terms: [String]) -> Int {
        var total = 0
        for term in terms {
            var points = 0
            if folded.titles.contains(term) { points += 3 }
            if folded.keywords.contains(term) { points += 2 }
            if folded.descriptions.contains(term) { points += 1 }
            if points == 0 { return 0 }
            total += points
        }
        return total
    }
}

/// A text shown in the visitor's language when there is one, with the language it is actually in.
struct LocalizedChoice: Sendable {
    let text: String
    let language: Language

    init(fr: String, en: String, language: Language, fallback: String) {
        let wanted = language == .fr ? fr : en
        let other = language == .fr ? en : fr
        if !wanted.isEmpty {
            (text, self.language) = (wanted, language)
        } else if !other.isEmpty {
            (text, self.language) = (other, language == .fr ? .en : .fr)
        } else {
            (text, self.language) = (fallback, language)
        }
    }
}

/// The catalog's search: full text over titles, descriptions and keywords in both languages (case and
/// accents folded), refinements, facet counts, sorting and paging, all in memory.
struct CatalogSearch {
    /// Matching entries, in the order of the sort.
    let matches: [CatalogEntry]
    /// For each facet, its values among the matches with their counts, most frequent first.
    let facets: [(facet: CatalogFacet, values: [(value: String, count: Int)])]
    let sort: CatalogSort

    /// - Parameter popularity: each dataset's use, for ``CatalogSort/popularity`` (none counts as 0).
    init(entries: [CatalogEntry], query: CatalogQuery, popularity: [String: Int64] = [:]) {
        let terms = Self.terms(query.text)
        var scored: [(entry: CatalogEntry, score: Int)] = []
        scored.reserveCapacity(entries.count)
        for entry in entries where query.refinements.allSatisfy({ entry.values($0.facet).contains($0.value) }) {
            if terms.isEmpty {
                scored.append((entry, 0))
            } else {
                let score = entry.score(terms)
                if score > 0 { scored.append((entry, score)) }
            }
        }
        let sort = query.effectiveSort
        self.sort = sort
        scored.sort { a, b in
            switch sort {
            case .relevance where a.score != b.score: return a.score > b.score
            case .title where a.entry.sortKey != b.entry.sortKey: return a.entry.sortKey < b.entry.sortKey
            case .popularity where popularity[a.entry.dataset.id, default: 0] != popularity[b.entry.dataset.id, default: 0]:
                return popularity[a.entry.dataset.id, default: 0] > popularity[b.entry.dataset.id, default: 0]
            default: break
            }
            if a.entry.dataset.modified != b.entry.dataset.modified { return a.entry.dataset.modified > b.entry.dataset.modified }
            return a.entry.dataset.id < b.entry.dataset.id
        }
        matches = scored.map(\.entry)
        facets = CatalogFacet.allCases.map { facet in (facet, Self.counts(of: facet, in: scored.map(\.entry))) }
    }

    /// How many pages the matches fill (at least one, even when empty).
    var pageCount: Int { max(1, (matches.count + CatalogQuery.pageSize - 1) / CatalogQuery.pageSize) }

    /// The matches of page `number` (1-based).
    func page(_ number: Int) -> ArraySlice<CatalogEntry> {
        let start = (number - 1) * CatalogQuery.pageSize
        guard start < matches.count else { return [] }
        return matches[start..<min(matches.count, start + CatalogQuery.pageSize)]
    }

    /// Lower case without accents, for matching: `Éco` → `eco`.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }

    /// The folded words of a query, at most 20.
    static func terms(_ text: String) -> [String] {
        let words = fold(text).split { !$0.isLetter && !$0.isNumber }.map(String.init)
        var unique: [String] = []
        for word in words where !unique.contains(word) { unique.append(word) }
        return Array(unique.prefix(20))
    }

    private static func counts(of facet: CatalogFacet, in entries: [CatalogEntry]) -> [(value: String, count: Int)] {
        var counts: [String: Int] = [:]
        for entry in entries {
            for value in Set(entry.values(facet)) where !value.isEmpty { counts[value, default: 0] += 1 }
        }
        if facet == .modified { return counts.sorted { $0.key > $1.key }.map { ($0.key, $0.value) } }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
