import Foundation
import Store
import Synchronization

/// A dataset's texts folded for search (lower case, no accents) and its modified year.
struct FoldedMetadata: Sendable {
    let titles: String
    let keywords: String
    let descriptions: String
    let titleFR: String
    let titleEN: String
    let year: String

    init(_ dataset: Dataset, calendar: Calendar) {
        let metadata = dataset.metadata
        titleFR = CatalogSearch.fold(metadata.titleFR)
        titleEN = CatalogSearch.fold(metadata.titleEN)
        titles = titleFR + "\n" + titleEN + "\n" + metadata.id
        keywords = CatalogSearch.fold(metadata.keywords.joined(separator: "\n"))
        descriptions = CatalogSearch.fold(metadata.descriptionFR + "\n" + metadata.descriptionEN)
        year = String(calendar.component(.year, from: dataset.modified))
    }
}

/// Folded texts kept between requests while a dataset's metadata and modified date stay the same, so that
/// a catalog request over a thousand datasets folds only what changed.
final class CatalogFoldCache: Sendable {
    static let shared = CatalogFoldCache()
    /// Beyond this many datasets the cache starts again empty, to bound its memory.
    static let capacity = 20_000

    private struct Item {
        let metadata: DatasetMetadata
        let modified: Date
        let folded: FoldedMetadata
    }

    private let items = Mutex<[String: Item]>([:])
    private let calendar: Calendar

    init() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        self.calendar = calendar
    }

    func folded(_ dataset: Dataset) -> FoldedMetadata {
        let cached = items.withLock { $0[dataset.id] }
        if let cached, cached.modified == dataset.modified, cached.metadata == dataset.metadata { return cached.folded }
        let folded = FoldedMetadata(dataset, calendar: calendar)
        items.withLock { items in
            if items.count >= Self.capacity { items.removeAll(keepingCapacity: true) }
            items[dataset.id] = Item(metadata: dataset.metadata, modified: dataset.modified, folded: folded)
        }
        return folded
    }
}
