import CookieCharter
import Foundation
import Testing
import Web

@testable import Portal
@testable import Store

/// The catalog's in-memory search: folding, relevance, refinements, facet counts, paging and bad input.
@Suite struct CatalogSearchTests {
    static func dataset(
        _ id: String, fr: String, en: String = "", description: String = "", keywords: [String] = [], themes: [String] = [],
        days: Double = 0
    ) -> Dataset {
        Dataset(
            metadata: DatasetMetadata(
                id: id, titleFR: fr, titleEN: en, descriptionFR: description, keywords: keywords, themes: themes),
            fields: [], recordsCount: 0, created: Date(timeIntervalSince1970: 0),
            modified: Date(timeIntervalSince1970: 1_700_000_000 + days * 86_400), dataProcessed: nil, version: 0,
            recordsTable: nil)
    }

    let entries = [
        dataset("air", fr: "Qualité de l'air", en: "Air quality", keywords: ["Pollution"], themes: ["Environnement"]),
        dataset("eau", fr: "Eau potable", description: "Qualité de l'eau", themes: ["Environnement"], days: 5),
        dataset("gares", fr: "Gares", en: "Stations", keywords: ["TER", "vélo"], themes: ["Transports"], days: 2),
    ].map { CatalogEntry($0, language: .en) }

    func query(_ text: String) throws -> CatalogQuery {
        try CatalogQuery(FormData(urlEncoded: Substring(text)))
    }

    @Test func searchFoldsAccentsAndCaseAndRanksTitlesFirst() throws {
        let search = CatalogSearch(entries: entries, query: try query("q=QUALITE"))
        #expect(search.matches.map(\.dataset.id) == ["air", "eau"])
        #expect(search.sort == .relevance)
        #expect(CatalogSearch(entries: entries, query: try query("q=velo")).matches.map(\.dataset.id) == ["gares"])
        #expect(CatalogSearch(entries: entries, query: try query("q=velo+air")).matches.isEmpty)
    }

    @Test func defaultSortIsModifiedAndTitleSortFolds() throws {
        #expect(CatalogSearch(entries: entries, query: try query("")).matches.map(\.dataset.id) == ["eau", "gares", "air"])
        let byTitle = CatalogSearch(entries: entries, query: try query("sort=title")).matches.map(\.title.text)
        #expect(byTitle == ["Air quality", "Eau potable", "Stations"])
    }

    @Test func refinementsFilterAndFacetsCount() throws {
        let search = CatalogSearch(entries: entries, query: try query("refine.theme=Environnement"))
        #expect(search.matches.count == 2)
        let themes = search.facets.first { $0.facet == .theme }?.values
        #expect(themes?.map(\.value) == ["Environnement"] && themes?.map(\.count) == [2])
        let licences = search.facets.first { $0.facet == .licence }?.values
        #expect(licences?.first?.value == "etalab-2.0" && licences?.first?.count == 2)
    }

    @Test func untranslatedTitlesFallBackToTheOtherLanguage() {
        #expect(entries[1].title.text == "Eau potable" && entries[1].title.language == .fr)
        #expect(entries[0].title.language == .en)
    }

    @Test func badInputIsIgnoredOrNotFound() throws {
        let long = try query("q=" + String(repeating: "a", count: 250) + "&refine.colour=x&sort=popular")
        #expect(long.text.count == CatalogQuery.maxQueryLength)
        #expect(long.ignored == [.longQuery(50), .unknownSort("popular"), .unknownRefine("colour")])
        for page in ["0", "-3", "x", "", "1e3", "9999999999"] {
            #expect(throws: PageError.self) { try query("page=" + page) }
        }
        #expect(try query("page=3").page == 3)
    }

    @Test func linksCarryTheWholeState() throws {
        var state = try query("q=qualité de l'air&refine.theme=Économie&sort=title&page=2")
        #expect(CatalogView.url(state) == "/explore/?q=qualit%C3%A9%20de%20l%27air&refine.theme=%C3%89conomie&sort=title&page=2")
        state.page = 1
        state.sort = nil
        #expect(CatalogView.url(state) == "/explore/?q=qualit%C3%A9%20de%20l%27air&refine.theme=%C3%89conomie")
    }
}
