import ArgumentParser
import Foundation
import Logging
import Portal
import Store

/// Where a command finds the instance's data: `--data-dir` for the node's local files (and the SQLite database by
/// default), `--database-url` for a PostgreSQL database shared by several nodes.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (local files; the SQLite database by default).")
    var dataDirectory = EnvironmentDefaults.string("GARONA_DATA_DIR", "./garona-data")

    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "A PostgreSQL database shared by several nodes, postgres://USER:PASSWORD@HOST:PORT/DB (env "
                + "GARONA_DATABASE_URL); SQLite in --data-dir without it.", valueName: "url"))
    var databaseURLOption: String?

    /// The PostgreSQL database's URL, nil for SQLite. The environment's is read here, not as the option's default,
    /// so that `--help` never shows it (it may hold a password).
    var databaseURL: String? {
        let url = databaseURLOption ?? EnvironmentDefaults.string("GARONA_DATABASE_URL", "")
        return url.isEmpty ? nil : url
    }

    @Option(name: .customLong("db-pool-size"), help: "PostgreSQL connections kept at most (env GARONA_DB_POOL_SIZE).")
    var poolSize = EnvironmentDefaults.int("GARONA_DB_POOL_SIZE", 10)

    @Option(
        name: .customLong("database-wait-s"),
        help: "Seconds to wait for a PostgreSQL server that does not answer at start-up (env GARONA_DATABASE_WAIT_S).")
    var waitSeconds = EnvironmentDefaults.int("GARONA_DATABASE_WAIT_S", 60)

    func validate() throws {
        guard (1...1_000).contains(poolSize) else { throw ValidationError("--db-pool-size must be 1 to 1000") }
        guard (0...86_400).contains(waitSeconds) else { throw ValidationError("--database-wait-s must be 0 to 86400") }
    }

    /// The engine the options choose.
    var database: DatabaseOptions {
        DatabaseOptions(url: databaseURL, poolSize: poolSize, waitSeconds: waitSeconds)
    }

    /// Refuses to go on when there is no instance to work on: no database URL, and no SQLite database in the data
    /// directory (for the commands that read or change an existing instance).
    func requireInstance() throws {
        guard databaseURL != nil || FileManager.default.fileExists(atPath: dataDirectory + "/garona.sqlite") else {
            throw ValidationError("no Garona data in \(dataDirectory) (use --data-dir or --database-url)")
        }
    }

    /// Opens the store, or fails with a one-line reason.
    func openStore() async -> any StoreEngine {
        do {
            return try await DataDirectory(path: dataDirectory).openStore(database, logger: Self.logger)
        } catch {
            fail("\(error)")
        }
    }

    /// The log of the store's start-up (waiting for the server, migrations), on standard error.
    static var logger: Logger {
        var logger = Logger(label: "garona")
        logger.logLevel = Logger.Level(rawValue: EnvironmentDefaults.string("LOG_LEVEL", "info")) ?? .info
        return logger
    }
}
