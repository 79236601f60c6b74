import Synchronization

/// The last catalog read from the database, decoded, with the catalog version it was read at.
///
/// Pages and API calls list or look up datasets on every request; decoding every row's metadata
/// each time would cost more than the rest of the request. A reader compares one integer instead
/// (`catalog_version`, bumped by triggers on every change), and decodes again only when it moved.
final class DatasetCache: Sendable {
    /// The datasets at one catalog version, by id order, with an index by id.
    struct Snapshot: Sendable {
        let version: Int64
        let datasets: [Dataset]
        private let positions: [String: Int]

        init(version: Int64, datasets: [Dataset]) {
            self.version = version
            self.datasets = datasets
            positions = Dictionary(datasets.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        }

        func dataset(id: String) -> Dataset? { positions[id].map { datasets[$0] } }
    }

    private let current = Mutex<Snapshot?>(nil)

    /// The cached snapshot if it was read at `version`.
    func snapshot(version: Int64) -> Snapshot? {
        current.withLock { snapshot in snapshot?.version == version ? snapshot : nil }
    }

    /// Keeps `snapshot` (unless a newer one is already kept) and returns it.
    @discardableResult func store(_ snapshot: Snapshot) -> Snapshot {
        current.withLock { kept in
            if (kept?.version ?? .min) <= snapshot.version { kept = snapshot }
        }
        return snapshot
    }
}
