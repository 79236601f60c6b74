import CookieCharter
import Foundation
import Store
import Web

/// The template values of the catalog page: results, facets, active refinements, sort and paging,
/// every link carrying the whole state of the search.
struct CatalogView {
    let catalog: Catalog
    let language: Language
    let query: CatalogQuery
    let search: CatalogSearch

    func values() -> [String: Any] {
        let total = search.matches.count
        var values: [String: Any] = [
            "query": query.text,
            "results": search.page(query.page).map { CatalogFormat.summary($0, language: language, catalog: catalog) },
            "has_results": total > 0,
            "total_text": CatalogFormat.count(total, language: language, catalog: catalog),
            "facets": facets(),
            "sorts": CatalogSort.allCases.map { sort -> [String: Any] in
                ["value": sort.rawValue, "label": text("catalog_sort_\(sort.rawValue)"), "selected": sort == search.sort]
            },
            "hidden_refinements": query.refinements.map { ["name": $0.facet.parameter, "value": $0.value] },
            "notices": notices(),
        ]
        let active = query.refinements.enumerated().map { index, refinement -> [String: Any] in
            var without = query
            without.refinements.remove(at: index)
            without.page = 1
            let facet = text("catalog_facet_\(refinement.facet.rawValue)")
            return [
                "text": text("catalog_refinement", ["facet": facet, "value": label(refinement.value, facet: refinement.facet)]),
                "remove_href": Self.url(without),
                "remove_label": text("catalog_remove_refinement", ["value": label(refinement.value, facet: refinement.facet)]),
            ]
        }
        if !active.isEmpty {
            var cleared = query
            cleared.refinements = []
            cleared.page = 1
            values["active"] = ["refinements": active, "clear_href": Self.url(cleared)]
        }
        if search.pageCount > 1 { values["pagination"] = pagination() }
        return values
    }

    /// A link to the catalog in the state `query`: `q`, the refinements, the sort when chosen, the page after the first.
    static func url(_ query: CatalogQuery) -> String {
        var parts: [String] = []
        if !query.text.isEmpty { parts.append("q=" + encode(query.text)) }
        for refinement in query.refinements { parts.append(refinement.facet.parameter + "=" + encode(refinement.value)) }
        if let sort = query.sort { parts.append("sort=" + sort.rawValue) }
        if query.page > 1 { parts.append("page=\(query.page)") }
        return "/explore/" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private func facets() -> [[String: Any]] {
        search.facets.compactMap { facet, counts -> [String: Any]? in
            let active = query.refinements.filter { $0.facet == facet }.map(\.value)
            let shown = counts.filter { !active.contains($0.value) }.prefix(15)
            guard !shown.isEmpty else { return nil }
            return [
                "id": facet.rawValue,
                "title": text("catalog_facet_\(facet.rawValue)"),
                "values": shown.map { value, count -> [String: Any] in
                    var refined = query
                    refined.refinements.append((facet, value))
                    refined.page = 1
                    return [
                        "label": label(value, facet: facet),
                        "count": CatalogFormat.number(count, language: language),
                        "href": Self.url(refined),
                    ]
                },
            ]
        }
    }

    private func label(_ value: String, facet: CatalogFacet) -> String {
        guard facet == .licence, let licence = Licence(rawValue: value) else { return value }
        return licence == .other ? text("catalog_licence_other") : licence.title
    }

    private func notices() -> [String] {
        query.ignored.map { ignored in
            switch ignored {
            case .longQuery(let extra):
                text("catalog_notice_long_query", ["max": String(CatalogQuery.maxQueryLength), "extra": String(extra)])
            case .unknownRefine(let field): text("catalog_notice_unknown_refine", ["field": field])
            case .unknownSort(let sort): text("catalog_notice_unknown_sort", ["sort": sort])
            case .tooManyRefinements(let count):
                text("catalog_notice_too_many_refinements", ["max": String(CatalogQuery.maxRefinements), "count": String(count)])
            }
        }
    }

    private func pagination() -> [String: Any] {
        let current = query.page
        let last = search.pageCount
        func link(_ number: Int) -> String {
            var paged = query
            paged.page = number
            return Self.url(paged)
        }
        var numbers = Set([1, last, current - 1, current, current + 1]).filter { (1...last).contains($0) }.sorted()
        numbers = numbers.reduce(into: []) { result, number in
            if let previous = result.last, number - previous > 1 { result.append(-1) }
            result.append(number)
        }
        var values: [String: Any] = [
            "status": text("catalog_page_status", ["page": String(current), "pages": String(last)]),
            "pages": numbers.map { number -> [String: Any] in
                number < 0
                    ? ["gap": true]
                    : [
                        "number": String(number), "href": link(number), "current": number == current,
                        "label": text("catalog_page_label", ["page": String(number)]),
                    ]
            },
        ]
        if current > 1 { values["previous"] = link(current - 1) }
        if current < last { values["next"] = link(current + 1) }
        return values
    }

    private func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        catalog.text(key, in: language, arguments)
    }
}

/// Numbers, dates and dataset summaries written for the visitor's language.
enum CatalogFormat {
    private static let utc = TimeZone(identifier: "UTC") ?? .current
    private static let dateStyles: [Language: Date.FormatStyle] = [
        .fr: Date.FormatStyle(date: .long, time: .omitted, locale: Locale(identifier: "fr_FR"), timeZone: utc),
        .en: Date.FormatStyle(date: .long, time: .omitted, locale: Locale(identifier: "en_GB"), timeZone: utc),
    ]

    private static let isoDay = Date.ISO8601FormatStyle(timeZone: utc).year().month().day()

    /// `1 234` in French, `1,234` in English.
    static func number(_ number: Int, language: Language) -> String {
        NumberFormat.integer(number, language: language)
    }

    /// `29 novembre 2026` in French, `29 November 2026` in English.
    static func date(_ date: Date, language: Language) -> String {
        date.formatted(dateStyles[language] ?? Date.FormatStyle(date: .long, time: .omitted))
    }

    /// `3 jeux de données`, `1 dataset`: the count of datasets with the language's plural.
    static func count(_ count: Int, language: Language, catalog: Catalog) -> String {
        let one = language == .fr ? count <= 1 : count == 1
        return catalog.text(
            one ? "catalog_count_one" : "catalog_count_other", in: language, ["count": number(count, language: language)])
    }

    /// A dataset as the home page and the catalog list it.
    static func summary(_ entry: CatalogEntry, language: Language, catalog: Catalog) -> [String: Any] {
        let dataset = entry.dataset
        var values: [String: Any] = [
            "id": dataset.id,
            "href": "/explore/dataset/\(dataset.id)/",
            "title": entry.title.text,
            "title_lang": entry.title.language.rawValue,
            "other_title_lang": entry.title.language != language,
            "modified": date(dataset.modified, language: language),
            "modified_iso": dataset.modified.formatted(isoDay),
            "records": catalog.text(
                dataset.recordsCount == 1 || (language == .fr && dataset.recordsCount == 0)
                    ? "catalog_records_one" : "catalog_records_other",
                in: language, ["count": number(dataset.recordsCount, language: language)]),
            "private": dataset.metadata.visibility == .private,
            "themes": dataset.metadata.themes.joined(separator: ", "),
            "has_themes": !dataset.metadata.themes.isEmpty,
            "publisher": dataset.metadata.publisher,
            "has_publisher": !dataset.metadata.publisher.isEmpty,
        ]
        if !entry.description.text.isEmpty {
            values["description"] = [
                "text": excerpt(entry.description.text), "lang": entry.description.language.rawValue,
                "other_lang": entry.description.language != language,
            ]
        }
        return values
    }

    /// At most about 240 characters, cut at a word.
    static func excerpt(_ text: String, limit: Int = 240) -> String {
        guard text.count > limit else { return text }
        let cut = text.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + "…"
    }
}
