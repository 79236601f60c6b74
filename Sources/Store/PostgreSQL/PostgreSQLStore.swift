import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ODSQL
import PostgresNIO
import Synchronization

/// The shared engine: a PostgreSQL database that several Garona nodes (and the command line) use at once.
///
/// Everything a node needs lives in the database (accounts, sessions, the catalog, records, the instance secret,
/// declared services), so any node answers any request. Connections come from a pool of ``readerCount``
/// connections (postgres-nio's `PostgresClient`), which the store runs in a task of its own until ``shutdown()``.
/// A query on a lost connection fails with an error (the pool connects again for the next one); it never traps.
///
/// Open it with ``open(url:poolSize:waitSeconds:logger:)``, which waits for the server and brings the schema up to
/// date under an advisory lock (``PostgreSQLMigrations``).
public final class PostgreSQLStore: Sendable {
    /// The connection pool.
    let client: PostgresClient
    /// Runs ``client``; cancelled by ``shutdown()``.
    private let runner: Task<Void, Never>
    /// Where queries log (never a value, never the password).
    let logger: Logger
    /// Where the database is, without the password: for messages.
    public let location: String
    /// The parsed URL, for the start-up probe and the record readers' pools.
    let address: PostgreSQLAddress
    /// How long one API query, and one whole export, may run (`statement_timeout`).
    public let queryBudget = QueryBudget()
    /// The size of the connection pool.
    public let readerCount: Int
    /// The decoded datasets, reused while the catalog version does not change.
    let datasetCache = DatasetCache()
    /// The pools of the data API's record queries (``PostgreSQLRecordReaders``), made at the first one.
    let recordReaderSlot = RecordReaderSlot()
    /// The code points whose search vectors the server computes itself (``serverFoldedScalars()``), once known.
    let serverScalars = Mutex<ScalarSet?>(nil)
    /// The newest catalog version this store has read (nil before the first read).
    let lastCatalogVersion = Mutex<Int64?>(nil)
    /// The catalog version as heard on a listening connection, which spares a request its read.
    let catalogWatch = CatalogVersionWatch()
    /// PostgreSQL's SQL flavour, for the ODSQL compiler.
    public var dialect: any SQLDialect { PostgreSQLDialect() }

    /// Builds the pool for `url` (`postgres://USER:PASSWORD@HOST:PORT/DB`, optionally `?sslmode=…`) and starts it.
    /// Nothing is connected yet: the first query connects. Prefer ``open(url:poolSize:waitSeconds:logger:)``.
    /// - Throws: ``StoreError/invalid(_:)`` for a URL that is not a PostgreSQL URL.
    public init(url: String, poolSize: Int = 10, logger: Logger = Logger(label: "garona.postgresql")) throws {
        let address = try PostgreSQLAddress(url: url)
        let configuration = address.poolConfiguration(size: poolSize)
        // The pool logs every failed connection attempt at `info`: the store reports what matters itself.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
        self.logger = logger
        self.address = address
        location = address.description
        readerCount = configuration.options.maximumConnections
        runner = Task { await client.run() }
    }

    /// Opens the database at `url`: waits for the server (one line logged per failed attempt, every 2 s, for
    /// `waitSeconds` at most), then runs the migrations.
    /// - Throws: ``StoreError/unavailable(_:)`` when the server still cannot be reached after `waitSeconds`, or
    ///   refuses the credentials; ``StoreError/invalid(_:)`` for a malformed URL.
    public static func open(
        url: String, poolSize: Int = 10, waitSeconds: Int = 60, logger: Logger = Logger(label: "garona.postgresql")
    ) async throws -> PostgreSQLStore {
        let store = try PostgreSQLStore(url: url, poolSize: poolSize, logger: logger)
        do {
            try await store.waitForServer(seconds: waitSeconds)
            try await PostgreSQLMigrations.migrate(store)
        } catch {
            store.shutdown()
            throw error
        }
        return store
    }

    deinit { shutdown() }

    /// Closes the pools: running queries fail, and the store must not be used afterwards.
    public func shutdown() {
        runner.cancel()
        catalogWatch.stop()
        recordReaderSlot.withLock { $0?.shutdown() }
    }

    /// Connects (outside the pool, whose waits are long) until it works, every 2 s, for `seconds` at most (at
    /// least one attempt); wrong credentials or an unknown database end the wait at once.
    private func waitForServer(seconds: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(max(0, seconds))
        var quiet = logger
        quiet.logLevel = .critical
        while true {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try address.connectionConfiguration(), id: 0, logger: quiet)
                try? await connection.close()
                return
            } catch {
                let reason = Self.describe(error)
                guard ContinuousClock.now < deadline, !Self.isPermanent(error) else {
                    throw StoreError.unavailable("cannot use the database \(location): \(reason)")
                }
                logger.warning("database \(location) unavailable (\(reason)); retrying in 2 s")
                try await Task.sleep(for: .seconds(2))
            }
        }
    }

    /// Runs `body` with a connection of the pool, released afterwards (`body` must not keep it). `body` may write:
    /// the catalog version is read from the database again at the next request (``CatalogVersionWatch``), so that
    /// a change this node made shows at once, before its notification arrives.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        defer { catalogWatch.invalidate() }
        return try await client.withConnection(waitingAtMost: Self.leaseWait, body)
    }

    /// ``withConnection(_:)`` for a `body` that only reads.
    func withReadConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection(waitingAtMost: Self.leaseWait, body)
    }

    /// How long a request waits for a connection of a pool before it is answered 503 (``StoreError/unavailable(_:)``):
    /// a server that is down, or connections all busy that long.
    static let leaseWait: Duration = .seconds(15)

    /// Runs `body`, a read, with a connection of the pool; when the connection turns out to be lost (the server
    /// restarted, a proxy closed it), runs it again on another one. Only for reads: a write might have happened.
    ///
    /// A restarted server leaves every pooled connection dead, and the pool may lend one before it has noticed its
    /// end: each failed try retires one, after a short pause, up to one try per pooled connection and one more.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await retryingLostConnections { try await withReadConnection(body) }
    }

    /// Runs `body`, a read on a pooled connection, again when its connection turns out to be lost (see ``read(_:)``).
    func retryingLostConnections<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var tries = 0
        while true {
            do {
                return try await body()
            } catch let error as PSQLError where Self.lostConnectionCodes.contains(error.code) {
                tries += 1
                guard tries <= min(readerCount, 20) else { throw error }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// The errors of a connection that was lost before or during a query.
    private static let lostConnectionCodes: Set<PSQLError.Code> = [
        .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown,
    ]

    /// Runs `body` in a transaction on a connection of the pool: committed when `body` returns, rolled back when it
    /// throws (the error of `body` is rethrown, not postgres-nio's wrapper).
    func withTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            let result: T
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }

    /// Runs `query` to its end and returns how many rows it returned; a write counts the rows it changed with
    /// `RETURNING 1`.
    @discardableResult
    func run(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Int {
        var count = 0
        for try await _ in try await connection.query(query, logger: logger) { count += 1 }
        return count
    }

    /// Runs `query` on a connection of the pool and returns how many rows it returned (see
    /// ``run(_:on:)``).
    @discardableResult
    func run(_ query: PostgresQuery) async throws -> Int {
        try await withConnection { connection in try await run(query, on: connection) }
    }

    /// `error` in one line, for an operator: the server's message, or what failed on the way; never a password
    /// (postgres-nio's messages hold none) and never a bound value.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else {
            if let error = error as? StoreError { return "\(error)" }
            return String(describing: type(of: error))
        }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if error.code == .sslUnsupported { return "the server does not offer TLS, which the URL's sslmode requires" }
        if let failure = error.underlying as? NIOConnectionError {
            if failure.connectionErrors.isEmpty, failure.dnsAError != nil || failure.dnsAAAAError != nil {
                return "the host \(failure.host) was not found"
            }
            let reason = failure.connectionErrors.last.map { Self.describeSocketError($0.error) } ?? "no address"
            return "cannot connect to \(failure.host):\(failure.port): \(reason)"
        }
        if let underlying = error.underlying { return "\(error.code): \(Self.describeSocketError(underlying))" }
        return "\(error.code)"
    }

    /// A socket error as the system says it ("Connection refused"), else its type.
    private static func describeSocketError(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? ChannelError, case .connectTimeout = error { return "timed out" }
        return String(describing: type(of: error))
    }

    /// The SQLSTATE of a server error, nil for any other error.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Whether waiting cannot help: wrong credentials, unknown database, refused TLS.
    private static func isPermanent(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        if let state = error.serverInfo?[.sqlState] {
            // 28xxx: invalid authorization; 3D000: no such database.
            return state.hasPrefix("28") || state == "3D000"
        }
        return error.code == .sslUnsupported || error.code == .unsupportedAuthMechanism
            || error.code == .authMechanismRequiresPassword
    }
}

/// The parts of a `postgres://` or `postgresql://` URL.
struct PostgreSQLAddress: Sendable, CustomStringConvertible {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    /// `sslmode`: nil to disable TLS, else the TLS configuration and whether TLS is required.
    var tls: (configuration: TLSConfiguration, required: Bool)?

    /// The pool's TLS setting.
    var poolTLS: PostgresClient.Configuration.TLS {
        guard let tls else { return .disable }
        return tls.required ? .require(tls.configuration) : .prefer(tls.configuration)
    }

    /// The settings of a pool of at most `size` connections (1 to 1,000), named `garona` on the server.
    func poolConfiguration(size: Int) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: poolTLS)
        configuration.options.maximumConnections = min(max(1, size), 1_000)
        configuration.options.additionalStartupParameters = [("application_name", "garona")]
        return configuration
    }

    /// The settings of one connection outside the pool.
    /// - Throws: when the TLS configuration cannot be loaded.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var connectionTLS = PostgresConnection.Configuration.TLS.disable
        if let tls {
            let context = try NIOSSLContext(configuration: tls.configuration)
            connectionTLS = tls.required ? .require(context) : .prefer(context)
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: connectionTLS)
    }

    /// Parses `postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable|prefer|require`; user and password may be
    /// percent-encoded. The port defaults to 5432, the database to the user's name, sslmode to `prefer`.
    /// `require` encrypts without verifying the certificate, as libpq does; `verify-full` verifies it.
    init(url: String) throws {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql",
            let host = components.host, !host.isEmpty
        else {
            throw StoreError.invalid("the database URL must look like postgres://USER:PASSWORD@HOST:PORT/DB")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError.invalid("the database URL names no user (postgres://USER:PASSWORD@HOST:PORT/DB)")
        }
        self.host = host
        port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw StoreError.invalid("the database URL's port is out of range") }
        username = user
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        switch mode {
        case "disable": tls = nil
        case "prefer", "allow": tls = (.makeClientConfiguration(), false)
        case "require":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            tls = (configuration, true)
        case "verify-full": tls = (.makeClientConfiguration(), true)
        default:
            throw StoreError.invalid("sslmode \(mode) is not supported (disable, prefer, require, verify-full)")
        }
    }

    /// `postgres://USER@HOST:PORT/DB`: the URL without its password, safe to log.
    var description: String { "postgres://\(username)@\(host):\(port)/\(database ?? username)" }
}
