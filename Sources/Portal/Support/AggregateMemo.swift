import ODSQL
import Synchronization

/// Remembers facet counts and filtered totals of dataset pages, so that the table page of a large dataset costs
/// one indexed page query per request. Keys start with the records table, whose name changes with every published
/// version: a new import is never answered from an old entry.
final class DatasetPageCache: Sendable {
    private let entries = Mutex<[String: [[SQLValue]]]>([:])
    private let capacity: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// The rows stored for `key`, or those `load` returns, then stored.
    func rows(_ key: String, load: () async throws -> [[SQLValue]]) async throws -> [[SQLValue]] {
        if let found = entries.withLock({ $0[key] }) { return found }
        let rows = try await load()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = rows
        }
        return rows
    }
}
