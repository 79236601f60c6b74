import Foundation
import Ingest

/// The JSON text that both engines keep in an import job's columns (options, detection, report), so that a job
/// written by one engine's code reads the same on the other.
enum ImportJobCoding {
    /// A publication report as stored: ``PublishReport`` with its phases as named pairs.
    private struct StoredReport: Codable {
        struct Phase: Codable {
            var name: String
            var seconds: Double
        }

        var datasetID: String
        var version: Int
        var records: Int
        var fields: [DatasetField]
        var warnings: [IngestWarning]
        var phases: [Phase]
    }

    static func text(_ options: ImportJobOptions) throws -> String {
        try text(encoding: options)
    }

    static func text(_ detection: Detection?) throws -> String? {
        try detection.map { try text(encoding: $0) }
    }

    static func text(_ report: PublishReport?) throws -> String? {
        try report.map { report in
            try text(
                encoding: StoredReport(
                    datasetID: report.datasetID, version: report.version, records: report.records, fields: report.fields,
                    warnings: report.warnings, phases: report.phases.map { StoredReport.Phase(name: $0.0, seconds: $0.1) }))
        }
    }

    static func options(_ text: String) throws -> ImportJobOptions {
        try JSONDecoder().decode(ImportJobOptions.self, from: Data(text.utf8))
    }

    static func detection(_ text: String?) throws -> Detection? {
        try text.map { try JSONDecoder().decode(Detection.self, from: Data($0.utf8)) }
    }

    static func report(_ text: String?) throws -> PublishReport? {
        try text.map { text in
            let stored = try JSONDecoder().decode(StoredReport.self, from: Data(text.utf8))
            return PublishReport(
                datasetID: stored.datasetID, version: stored.version, records: stored.records, fields: stored.fields,
                warnings: stored.warnings, phases: stored.phases.map { ($0.name, $0.seconds) })
        }
    }

    /// A progress from its three columns, when they are set and fit.
    static func progress(bytesRead: Int64?, totalBytes: Int64?, records: Int64?) -> ImportJobProgress? {
        guard let bytesRead, let totalBytes, let records,
            let read = Int(exactly: bytesRead), let total = Int(exactly: totalBytes), let count = Int(exactly: records)
        else { return nil }
        return ImportJobProgress(bytesRead: read, totalBytes: total, records: count)
    }

    /// An upload from its two columns, when both are set and fit.
    static func upload(chunks: Int64?, bytes: Int64?) -> ImportUpload? {
        guard let chunks, let bytes, let count = Int(exactly: chunks), let size = Int(exactly: bytes) else { return nil }
        return ImportUpload(chunks: count, bytes: size)
    }

    private static func text(encoding value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A row of `import_jobs`, the same on both engines: each engine reads its columns, then ``job()`` decodes it.
struct ImportJobRow: Decodable {
    var id: String
    var datasetId: String
    var isNew: Bool
    var fileName: String
    var uploadName: String
    var options: String
    var state: String
    var node: String
    var progressBytes: Int64?
    var progressTotal: Int64?
    var progressRecords: Int64?
    var detection: String?
    var report: String?
    var failure: String?
    var uploadChunks: Int64?
    var uploadBytes: Int64?
    var createdAt: Double
    var changedAt: Double
    var updatedAt: Double

    /// The job this row holds.
    /// - Throws: ``StoreError/invalid(_:)`` for an unknown state; a decoding error for unreadable JSON.
    func job() throws -> ImportJob {
        guard let state = ImportJobState(rawValue: state) else {
            throw StoreError.invalid("import job \(id) has an unknown state")
        }
        var job = ImportJob(
            id: id, datasetID: datasetId, isNew: isNew, fileName: fileName, uploadName: uploadName,
            options: try ImportJobCoding.options(options), state: state, node: node,
            now: Date(timeIntervalSince1970: createdAt))
        job.progress = ImportJobCoding.progress(bytesRead: progressBytes, totalBytes: progressTotal, records: progressRecords)
        job.detection = try ImportJobCoding.detection(detection)
        job.report = try ImportJobCoding.report(report)
        job.failure = failure
        job.upload = ImportJobCoding.upload(chunks: uploadChunks, bytes: uploadBytes)
        job.changed = Date(timeIntervalSince1970: changedAt)
        job.updated = Date(timeIntervalSince1970: updatedAt)
        return job
    }
}
