import Store
import Synchronization
import Vocabulary

/// The key of an in-memory count: one row of `audience_daily` once flushed.
struct AudienceCounterKey: Hashable, Sendable {
    /// Days since 1970-01-01, in UTC.
    var day: Int
    var channel: AudienceChannel
    var metric: AudienceMetric
    var datasetID: String
    var dimension: String
}

/// The counts of one node since its last flush, in memory.
///
/// Counting is one dictionary increment under the lock of one of ``shardCount`` shards, chosen by the key's hash, so
/// that requests on several threads rarely wait for each other. Memory is bounded: each shard holds at most its share
/// of `capacity` distinct keys until the next flush; a new key past that is counted in the ``otherBucket`` of its day,
/// channel and metric, so that a flood of distinct search words or referrers cannot grow memory.
final class AudienceCounters: Sendable {
    /// Shards: a power of two.
    static let shardCount = 16
    /// The dataset id and dimension of the counts that did not fit (no dataset id or format can be written so).
    static let otherBucket = "(other)"
    private let shards: [Shard]
    private let shardCapacity: Int

    /// - Parameter capacity: the most distinct keys kept between two flushes (plus the "other" buckets).
    init(capacity: Int = 20_000) {
        shardCapacity = max(1, capacity / Self.shardCount)
        shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    /// Adds one to `key`, or to its "other" bucket when the shard is full.
    func increment(_ key: AudienceCounterKey) {
        add(key, 1)
    }

    /// Adds `amount` to `key`, or to its "other" bucket when the shard is full.
    func add(_ key: AudienceCounterKey, _ amount: Int64) {
        let shard = shards[key.hashValue & (Self.shardCount - 1)]
        let overflow: AudienceCounterKey? = shard.counts.withLock { counts in
            if counts[key] != nil || counts.count < shardCapacity {
                counts[key, default: 0] &+= amount
                return nil
            }
            return AudienceCounterKey(
                day: key.day, channel: key.channel, metric: key.metric, datasetID: Self.otherBucket,
                dimension: Self.otherBucket)
        }
        // The "other" buckets are few (days × channels × metrics): one shard keeps them all, past any capacity.
        if let overflow { shards[0].counts.withLock { $0[overflow, default: 0] &+= amount } }
    }

    /// Takes every count, leaving the counters empty: what a flush writes.
    func drain() -> [AudienceCount] {
        var counts: [AudienceCount] = []
        for shard in shards {
            let taken = shard.counts.withLock { counts in
                let taken = counts
                counts.removeAll(keepingCapacity: true)
                return taken
            }
            for (key, value) in taken {
                counts.append(
                    AudienceCount(
                        day: CivilDate(daysSinceEpoch: key.day), channel: key.channel, metric: key.metric,
                        datasetID: key.datasetID, dimension: key.dimension, count: value))
            }
        }
        return counts
    }

    /// One lock and its counts.
    private final class Shard: Sendable {
        let counts = Mutex<[AudienceCounterKey: Int64]>([:])
    }

    /// Puts back counts a flush could not write, so that the next one tries again.
    func restore(_ counts: [AudienceCount]) {
        for count in counts {
            add(
                AudienceCounterKey(
                    day: count.day.daysSinceEpoch, channel: count.channel, metric: count.metric,
                    datasetID: count.datasetID, dimension: count.dimension),
                count.count)
        }
    }
}
