import Foundation
import Ingest

/// Where a back-office import job is: the page that follows it shows one of these.
///
/// A job starts ``queued``, is ``analysing`` its file, waits ``ready`` for the publisher's confirmation, is
/// ``queued`` again until a slot is free on the node that claimed it, ``importing``, then ``done`` or ``failed``.
public enum ImportJobState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a free import slot on the node that runs it.
    case queued
    /// Reading the file to detect its format and types.
    case analysing
    /// Detected, waiting for the publisher to confirm the types.
    case ready
    /// Publishing the records.
    case importing
    /// Published.
    case done
    /// Refused or interrupted; nothing was published.
    case failed

    /// The states in which a node is working on the job (or about to): the job belongs to that node.
    public static let running: Set<ImportJobState> = [.queued, .analysing, .importing]
    /// The states that age out: finished jobs, and jobs waiting for a confirmation nobody gave.
    public static let settled: Set<ImportJobState> = [.ready, .done, .failed]
}

/// What the publisher asked for besides the file: the options of an import.
public struct ImportJobOptions: Sendable, Codable, Equatable {
    /// The title of a new dataset (French); the id when nil.
    public var title: String?
    public var delimiter: String?
    public var encoding: String?
    public var sheet: String?
    /// `NAME=TYPE` overrides.
    public var fieldTypes: [String]
    /// `NAME=SEPARATOR` declarations of list (multivalued) fields; absent from options stored before lists existed.
    public var fieldSeparators: [String]

    public init(
        title: String? = nil, delimiter: String? = nil, encoding: String? = nil, sheet: String? = nil,
        fieldTypes: [String] = [], fieldSeparators: [String] = []
    ) {
        self.title = title
        self.delimiter = delimiter
        self.encoding = encoding
        self.sheet = sheet
        self.fieldTypes = fieldTypes
        self.fieldSeparators = fieldSeparators
    }

    private enum CodingKeys: String, CodingKey { case title, delimiter, encoding, sheet, fieldTypes, fieldSeparators }

    /// Decodes stored options; those written before list fields existed have no `fieldSeparators`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        delimiter = try container.decodeIfPresent(String.self, forKey: .delimiter)
        encoding = try container.decodeIfPresent(String.self, forKey: .encoding)
        sheet = try container.decodeIfPresent(String.self, forKey: .sheet)
        fieldTypes = try container.decode([String].self, forKey: .fieldTypes)
        fieldSeparators = try container.decodeIfPresent([String].self, forKey: .fieldSeparators) ?? []
    }
}

/// How far a pass over a job's file is: ``IngestProgress`` as the store keeps it.
public struct ImportJobProgress: Sendable, Equatable {
    public var bytesRead: Int
    public var totalBytes: Int
    public var records: Int

    public init(bytesRead: Int, totalBytes: Int, records: Int) {
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
        self.records = records
    }

    public init(_ progress: IngestProgress) {
        self.init(bytesRead: progress.bytesRead, totalBytes: progress.totalBytes, records: progress.records)
    }

    /// The share of the file read, from 0 to 100.
    public var percent: Int {
        guard totalBytes > 0 else { return 0 }
        return Int(min(100, max(0, Double(bytesRead) * 100 / Double(totalBytes))))
    }
}

/// How much of an uploaded file the store holds: its chunks `0..<chunks`, `bytes` in all.
public struct ImportUpload: Sendable, Equatable {
    public var chunks: Int
    public var bytes: Int

    public init(chunks: Int, bytes: Int) {
        self.chunks = chunks
        self.bytes = bytes
    }
}

/// A back-office import job, as every node of the instance sees it.
///
/// The job names the node that works on it (``node``) while it runs; any node may read it, and any node may claim a
/// ``ImportJobState/ready`` job for publication (``ImportJobStore/claimImportJob(id:detection:node:now:)``), once.
public struct ImportJob: Sendable {
    /// 24 characters `[a-z0-9]`, in the job page's URL.
    public var id: String
    /// The dataset created or replaced.
    public var datasetID: String
    /// Whether the job creates the dataset (else it replaces the records of an existing one).
    public var isNew: Bool
    /// The file's name as the publisher sent it (made harmless), for the job page.
    public var fileName: String
    /// The name of the uploaded file in the job's upload folder, on whichever node holds a copy.
    public var uploadName: String
    public var options: ImportJobOptions
    public var state: ImportJobState
    /// The node that runs the job, or ran it last.
    public var node: String
    /// How far the current pass is, while analysing or importing.
    public var progress: ImportJobProgress?
    /// What the analysis found: set from ``ImportJobState/ready`` on, with the publisher's types once confirmed.
    public var detection: Detection?
    /// What the publication did, once ``ImportJobState/done``.
    public var report: PublishReport?
    /// Why the job failed, once ``ImportJobState/failed``: one line for the publisher.
    public var failure: String?
    /// The uploaded file's chunks held by the store; nil until the whole file is stored.
    public var upload: ImportUpload?
    public var created: Date
    /// When the job last changed state: the age that the purge looks at.
    public var changed: Date
    /// When a node last wrote to the job (a state, progress, or a sign of life): a running job not updated for long
    /// belongs to a node that died.
    public var updated: Date

    public init(
        id: String, datasetID: String, isNew: Bool, fileName: String, uploadName: String,
        options: ImportJobOptions = ImportJobOptions(), state: ImportJobState = .queued, node: String, now: Date
    ) {
        self.id = id
        self.datasetID = datasetID
        self.isNew = isNew
        self.fileName = fileName
        self.uploadName = uploadName
        self.options = options
        self.state = state
        self.node = node
        created = now
        changed = now
        updated = now
    }
}

/// A change of state of a job, with what the new state brings; what is nil is left as it was (but the progress,
/// which is the new state's).
public struct ImportJobChange: Sendable {
    public var state: ImportJobState
    /// The node that runs the job from now on; unchanged when nil.
    public var node: String?
    public var progress: ImportJobProgress?
    public var detection: Detection?
    public var report: PublishReport?
    public var failure: String?
    public var upload: ImportUpload?

    public init(
        _ state: ImportJobState, node: String? = nil, progress: ImportJobProgress? = nil, detection: Detection? = nil,
        report: PublishReport? = nil, failure: String? = nil, upload: ImportUpload? = nil
    ) {
        self.state = state
        self.node = node
        self.progress = progress
        self.detection = detection
        self.report = report
        self.failure = failure
        self.upload = upload
    }
}

/// The import jobs of the back office and their uploaded files, shared by every node. Conformers: ``SQLiteStore``,
/// ``PostgreSQLStore``.
///
/// Every change of state is conditional on the state the caller expects, so that two nodes never both act on a job:
/// the one whose change applied goes on, the other is told `false`. The uploaded file is kept in chunks (at most a
/// few MiB each, in order from 0) so that the node that publishes can copy it to its own disk; the chunks go with
/// the job, or earlier with ``deleteImportUpload(jobID:)``.
public protocol ImportJobStore: Sendable {
    /// Registers a new job. Throws ``StoreError/duplicate(_:)`` when the id is taken.
    func createImportJob(_ job: ImportJob) async throws
    /// The job `id`, or nil.
    func importJob(id: String) async throws -> ImportJob?
    /// The latest jobs, newest first.
    func recentImportJobs(limit: Int) async throws -> [ImportJob]
    /// Applies `change` to job `id` if its state is one of `expected`; says whether it did.
    @discardableResult
    func changeImportJob(id: String, expecting expected: Set<ImportJobState>, to change: ImportJobChange, now: Date)
        async throws -> Bool
    /// Records how far job `id` is, if it is still in `state`.
    func recordImportProgress(id: String, state: ImportJobState, progress: ImportJobProgress, now: Date) async throws
    /// Tells that the running jobs `ids` are alive (their node works on them or keeps them queued).
    func touchImportJobs(ids: [String], now: Date) async throws
    /// Marks as failed, with `reason`, the running jobs of `node` (when given) and those not updated since `cutoff`
    /// (when given), but for `sparing`; says how many.
    @discardableResult
    func failRunningImportJobs(node: String?, updatedBefore cutoff: Date?, sparing: Set<String>, reason: String, now: Date)
        async throws -> Int
    /// Deletes the ready, done and failed jobs whose state dates from before `cutoff`, with their uploads; returns
    /// their ids.
    func purgeImportJobs(changedBefore cutoff: Date) async throws -> [String]
    /// Stores chunk `sequence` of job `jobID`'s uploaded file.
    func saveImportUploadChunk(jobID: String, sequence: Int, bytes: Data) async throws
    /// Chunk `sequence` of job `jobID`'s uploaded file, or nil.
    func importUploadChunk(jobID: String, sequence: Int) async throws -> Data?
    /// Deletes the stored chunks of job `jobID`'s uploaded file.
    func deleteImportUpload(jobID: String) async throws
}

extension ImportJobStore {
    /// Claims job `id`, which must be ready, for publication by `node` with the confirmed `detection`: the job is
    /// queued on that node. Says whether this call claimed it; of two nodes claiming the same job, one only does.
    public func claimImportJob(id: String, detection: Detection, node: String, now: Date) async throws -> Bool {
        try await changeImportJob(
            id: id, expecting: [.ready], to: ImportJobChange(.queued, node: node, detection: detection), now: now)
    }
}
