import Vocabulary

/// The key of a stored audience count: what makes two counts one row.
struct AudienceKey: Hashable, Comparable {
    let day: Int
    let channel: String
    let metric: String
    let datasetID: String
    let dimension: String

    init(_ count: AudienceCount) {
        day = count.day.daysSinceEpoch
        channel = count.channel.rawValue
        metric = count.metric.rawValue
        datasetID = count.datasetID
        dimension = count.dimension
    }

    static func < (lhs: AudienceKey, rhs: AudienceKey) -> Bool {
        (lhs.day, lhs.channel, lhs.metric, lhs.datasetID, lhs.dimension)
            < (rhs.day, rhs.channel, rhs.metric, rhs.datasetID, rhs.dimension)
    }
}

enum AudienceBatch {
    /// `counts` with the same key summed, positive ones only, in key order: one upsert per row, and two nodes
    /// writing at once lock their rows in the same order, so that they never deadlock.
    static func merged(_ counts: [AudienceCount]) -> [(key: AudienceKey, count: Int64)] {
        var sums: [AudienceKey: Int64] = [:]
        for count in counts where count.count > 0 {
            sums[AudienceKey(count), default: 0] &+= count.count
        }
        return sums.map { (key: $0.key, count: $0.value) }.sorted { $0.key < $1.key }
    }

    /// A stored row as a count, or nil when its channel or metric is unknown to this build (written by a newer node).
    static func count(day: Int, channel: String, metric: String, datasetID: String, dimension: String, hits: Int64)
        -> AudienceCount?
    {
        guard let channel = AudienceChannel(rawValue: channel), let metric = AudienceMetric(rawValue: metric) else {
            return nil
        }
        return AudienceCount(
            day: CivilDate(daysSinceEpoch: day), channel: channel, metric: metric, datasetID: datasetID,
            dimension: dimension, count: hits)
    }

    /// Adds a row of per-dataset sums to `totals`.
    static func add(metric: String, hits: Int64, to totals: inout AudienceDatasetTotals) {
        switch AudienceMetric(rawValue: metric) {
        case .pageView: totals.pageViews &+= hits
        case .download: totals.downloads &+= hits
        case .apiCall: totals.apiCalls &+= hits
        default: break
        }
    }
}
