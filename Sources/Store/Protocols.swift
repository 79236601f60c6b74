import Foundation
import Ingest
import ODSQL

/// Back-office accounts.
public protocol UserStore: Sendable {
    /// Creates an account. Throws ``StoreError/duplicate(_:)`` when the username is taken.
    func createUser(username: String, role: Role, passwordHash: String, now: Date) async throws -> User
    func user(named username: String) async throws -> User?
    func user(id: Int64) async throws -> User?
    func userCount() async throws -> Int
}

/// Server-side sessions.
public protocol SessionStore: Sendable {
    /// The session with `key`, unless it does not exist or has expired.
    func session(key: String, now: Date) async throws -> SessionRecord?
    /// Inserts or replaces a session.
    func saveSession(_ session: SessionRecord) async throws
    func deleteSession(key: String) async throws
    /// Deletes every expired session and says how many.
    @discardableResult func purgeExpiredSessions(now: Date) async throws -> Int
}

/// The append-only proof of consent.
public protocol ConsentLog: Sendable {
    func appendConsent(_ entry: ConsentLogEntry) async throws
    /// The latest entries, newest first.
    func recentConsents(limit: Int) async throws -> [ConsentLogEntry]
    /// Deletes the entries older than `cutoff` (past their retention period) and says how many.
    @discardableResult func purgeConsents(before cutoff: Date) async throws -> Int
}

/// The data API's keys.
public protocol ApiKeyStore: Sendable {
    /// Stores a new active key for `userID`; only its hash and prefix are kept.
    func createApiKey(userID: Int64, label: String, keyHash: String, prefix: String, now: Date) async throws -> ApiKey
    /// The keys of `userID`, or every key when nil, newest first.
    func apiKeys(userID: Int64?) async throws -> [ApiKey]
    /// The active key with this hash: not revoked, and its owner's account is enabled.
    func activeApiKey(hash: String) async throws -> ApiKey?
    /// Revokes key `id`, if it belongs to `userID` (any owner when nil). Says whether a key was revoked.
    @discardableResult func revokeApiKey(id: Int64, userID: Int64?, now: Date) async throws -> Bool
    /// Records that key `id` authenticated a request at `now`.
    func touchApiKey(id: Int64, now: Date) async throws
}

/// Everything the web layer needs from storage, whatever the engine.
public typealias PortalStore = UserStore & SessionStore & ConsentLog

/// Reads of the catalog, for the pages and the API. Conformers: ``SQLiteStore``, ``PostgreSQLStore``.
///
/// The catalog version changes whenever any dataset is created, edited, published or deleted, by any process or
/// node sharing the database; whatever is kept per version (rendered pages, aggregate answers) is therefore never
/// stale once the version is read again.
public protocol DatasetCatalog: Sendable {
    /// Every dataset, private ones included; callers decide what a visitor may see.
    func datasets() async throws -> [Dataset]
    /// The dataset `id`, or nil.
    func dataset(id: String) async throws -> Dataset?
    /// A dataset by id, with the catalog version it was read at, in one read.
    func versionedDataset(id: String) async throws -> (dataset: Dataset?, catalogVersion: Int64)
    /// The current catalog version.
    func catalogVersion() async throws -> Int64
}

/// Writes to the catalog, for the back office and the command line. Conformers: ``SQLiteStore``,
/// ``PostgreSQLStore``.
public protocol DatasetPublisher: DatasetStore {
    /// Imports every record of `reader` as a new version of dataset `datasetID`, atomically: until the new version
    /// is swapped in, in one short transaction, the previous one stays served; a failure leaves nothing behind.
    ///
    /// Synchronous and long: it blocks the calling thread, which must be a thread of its own (an import job, the
    /// command line), never one of Swift's cooperative pool.
    /// - Parameters:
    ///   - newDataset: the metadata to create the dataset with, when it does not exist yet.
    ///   - progress: called after each written batch.
    func publish(
        datasetID: String, reader: RecordBatchReader, newDataset: DatasetMetadata?, now: Date,
        progress: ((IngestProgress) -> Void)?
    ) throws -> PublishReport
    /// Removes the staging tables of imports that died, and says how many.
    @discardableResult func removeOrphanImports() throws -> Int
    /// Drops the records tables replaced or deleted long enough before `now`, and says how many.
    @discardableResult func dropRetiredTables(now: Date) async throws -> Int
}

/// Read-only ODSQL queries over records tables. Conformers: ``SQLiteStore``, ``PostgreSQLStore``.
///
/// Queries are compiled for ``dialect`` (the engine's, never chosen by the caller), values are bound, and every
/// query runs under ``queryBudget``: an expired one throws ``QueryTimeoutError``, an integer overflow
/// ``QueryOverflowError``.
public protocol RecordQueries: Sendable {
    /// The SQL flavour to compile ODSQL to for this engine.
    var dialect: any SQLDialect { get }
    /// How long one API query, and one whole export, may run.
    var queryBudget: QueryBudget { get }
    /// The most queries that may run at once; exports are kept below it.
    var readerCount: Int { get }
    /// Runs a compiled query and returns all its rows.
    func rows(_ query: CompiledQuery) async throws -> [[SQLValue]]
    /// Looks up dataset `id`, then runs the query `compile` makes for it (nil to skip), in one trip; nil when
    /// there is no such dataset or the query was skipped.
    func rows(
        ofDataset id: String, _ compile: @escaping @Sendable (Dataset) throws -> CompiledQuery?
    ) async throws -> (query: CompiledQuery, rows: [[SQLValue]])?
    /// Starts a query whose rows are read in batches as the consumer asks, holding one connection until the end,
    /// under `milliseconds` (the export budget when nil).
    func rowStream(_ query: CompiledQuery, milliseconds: Int?, batchSize: Int) -> RowStream
}

extension RecordQueries {
    /// ``rowStream(_:milliseconds:batchSize:)`` with the export budget and batches of 1,000 rows.
    public func rowStream(_ query: CompiledQuery) -> RowStream {
        rowStream(query, milliseconds: nil, batchSize: 1_000)
    }

    /// Runs a query and hands its rows to `consume` in batches, as they are read; when `consume` throws (the
    /// client went away), reading stops and the connection is released.
    public func streamRows(
        _ query: CompiledQuery, milliseconds: Int? = nil, batchSize: Int = 1_000,
        _ consume: ([[SQLValue]]) async throws -> Void
    ) async throws {
        let stream = rowStream(query, milliseconds: milliseconds, batchSize: batchSize)
        defer { stream.cancel() }
        while let batch = try await stream.next() { try await consume(batch) }
    }
}

/// What an instance shares between its nodes besides the catalog: the instance secret and named settings.
/// Conformers: ``SQLiteStore`` (the secret in `secret.key` beside the database, mode 0600), ``PostgreSQLStore``
/// (both in the database, so that every node signs and verifies with the same secret).
public protocol InstanceSettings: Sendable {
    /// The secret that signs sessions, CSRF tokens and consent cookies: generated once (64 random bytes) by the
    /// first process that asks, then the same for every process and node of the instance.
    func instanceSecret() async throws -> [UInt8]
    /// The setting `key`, or nil when it was never set.
    func setting(_ key: String) async throws -> String?
    /// Sets (or, with nil, removes) the setting `key`.
    func setSetting(_ key: String, to value: String?) async throws
}

/// An engine whose write-ahead log the server must compact now and then. Conformers: ``SQLiteStore``.
public protocol WriteAheadLogCompaction: Sendable {
    /// Checkpoints and truncates the log when it holds more than `bytes`; returns its size before when it did.
    func compactWriteAheadLog(over bytes: Int64) async throws -> Int64?
}

/// A storage engine: everything Garona keeps, behind one value. Conformers: ``SQLiteStore`` (embedded, the default)
/// and ``PostgreSQLStore`` (shared by several nodes).
public typealias StoreEngine = PortalStore & ApiKeyStore & DatasetCatalog & DatasetPublisher & RecordQueries
    & InstanceSettings & ImportJobStore & AuditTrail & SourceStore & AttachmentStore & ContentPageStore & AccountAdministration
    & AudienceStore
    & ConsentFigures & SearchVocabularySource
