import Foundation

/// A source as both engines store it, column by column (``CodingKeys`` are the column names): one decoding for both.
struct SourceColumns: Decodable {
    enum CodingKeys: String, CodingKey {
        case datasetID = "dataset_id", url, options, schedule, etag, lastModified = "last_modified"
        case nextRunAt = "next_run_at", leaseNode = "lease_node", leaseUntil = "lease_until"
        case lastOutcome = "last_outcome", lastRunAt = "last_run_at", updatedAt = "updated_at"
    }

    var datasetID: String
    var url: String
    var options: String
    var schedule: String
    var etag: String?
    var lastModified: String?
    var nextRunAt: Double
    var leaseNode: String?
    var leaseUntil: Double?
    var lastOutcome: String?
    var lastRunAt: Double?
    var updatedAt: Double

    /// The source, or nil when a newer node wrote a schedule or options this build cannot read.
    func source() -> DatasetSource? {
        guard let schedule = SourceSchedule(text: schedule), let options = try? ImportJobCoding.options(options) else {
            return nil
        }
        var source = DatasetSource(
            datasetID: datasetID, url: url, options: options, schedule: schedule,
            nextRunAt: Date(timeIntervalSince1970: nextRunAt), updatedAt: Date(timeIntervalSince1970: updatedAt))
        source.etag = etag
        source.lastModified = lastModified
        source.leaseNode = leaseNode
        source.leaseUntil = leaseUntil.map(Date.init(timeIntervalSince1970:))
        source.lastOutcome = lastOutcome.flatMap(SourceOutcome.init(rawValue:))
        source.lastRunAt = lastRunAt.map(Date.init(timeIntervalSince1970:))
        return source
    }
}

/// A source run as both engines store it (``CodingKeys`` are the column names).
struct SourceRunColumns: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, datasetID = "dataset_id", trigger = "run_trigger", startedAt = "started_at"
        case finishedAt = "finished_at", outcome, detail, bytes
    }

    var id: Int64
    var datasetID: String
    var trigger: String
    var startedAt: Double
    var finishedAt: Double
    var outcome: String
    var detail: String
    var bytes: Int?

    /// The run, or nil for an outcome or trigger this build does not know.
    func run() -> SourceRun? {
        guard let trigger = SourceTrigger(rawValue: trigger), let outcome = SourceOutcome(rawValue: outcome) else {
            return nil
        }
        return SourceRun(
            id: id, datasetID: datasetID, trigger: trigger, startedAt: Date(timeIntervalSince1970: startedAt),
            finishedAt: Date(timeIntervalSince1970: finishedAt), outcome: outcome, detail: detail, bytes: bytes)
    }
}

extension SourceRunResult {
    /// Whether the run leaves the validators as they were: a failed run fetched nothing to compare with.
    var keepsValidators: Bool { run.outcome == .failed }
}
