/// The full-text matches that ``ColumnAccelerator`` keeps, by version, index and query: at most `limit` rows in all,
/// the least recently used sets dropped first to make room for a new one.
struct KeptMatches {
    /// The most rows kept, all sets together.
    let limit: Int
    private var sets: [String: [Int32]] = [:]
    /// The keys, least recently used first.
    private var recency: [String] = []
    private var rows = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// The set kept under `key`, now the most recently used.
    mutating func set(_ key: String) -> [Int32]? {
        guard let found = sets[key] else { return nil }
        if let index = recency.lastIndex(of: key), index != recency.count - 1 {
            recency.remove(at: index)
            recency.append(key)
        }
        return found
    }

    /// Keeps `matches` under `key`, unless it alone is over the limit.
    mutating func keep(_ matches: [Int32], as key: String) {
        guard matches.count <= limit, sets[key] == nil else { return }
        while rows + matches.count > limit, !recency.isEmpty {
            let dropped = recency.removeFirst()
            rows -= sets.removeValue(forKey: dropped)?.count ?? 0
        }
        sets[key] = matches
        recency.append(key)
        rows += matches.count
    }
}
