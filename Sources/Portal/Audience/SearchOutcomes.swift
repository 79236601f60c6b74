import CookieCharter
import Store
import Synchronization
import Web

/// How many public datasets a catalog search's words find, remembered per catalog version.
///
/// Key: the catalog version and the normalised words. An entry cannot go stale: a change of the catalog changes its
/// version, and the map is emptied when the version moves. Bound: ``capacity`` entries, emptied when full.
final class SearchOutcomes: Sendable {
    static let capacity = 4_096
    private let catalog: any DatasetCatalog
    private let state = Mutex<(version: Int64, found: [String: Int])>((-1, [:]))

    init(catalog: any DatasetCatalog) {
        self.catalog = catalog
    }

    /// The number of public datasets `words` find in the catalog search.
    func found(_ words: String) async throws -> Int {
        let version = try await catalog.catalogVersion()
        if let known = state.withLock({ $0.version == version ? $0.found[words] : nil }) { return known }
        var query = CatalogQuery()
        query.text = words
        let entries = try await visibleDatasets(in: catalog, includingPrivate: false).map {
            CatalogEntry($0, language: .fr)
        }
        let found = CatalogSearch(entries: entries, query: query).matches.count
        state.withLock { state in
            if state.version != version || state.found.count >= Self.capacity { state = (version, [:]) }
            state.found[words] = found
        }
        return found
    }
}
