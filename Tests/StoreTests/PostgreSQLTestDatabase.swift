import Foundation
import PostgresNIO
import Testing

@testable import Store

/// A throw-away database on the test server (`GARONA_TEST_POSTGRES_URL`), created empty for one test, migrated by
/// ``PostgreSQLStore/open(url:poolSize:waitSeconds:logger:)`` and dropped afterwards.
enum PostgreSQLTestDatabase {
    /// The server's URL, or nil: the suites using it are then disabled, saying why.
    static let serverURL = ProcessInfo.processInfo.environment["GARONA_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    /// Why a suite is skipped.
    static let skipReason: Comment = "GARONA_TEST_POSTGRES_URL is unset: the PostgreSQL engine's tests are skipped"

    /// Runs `body` with a store on a new, migrated database (the URL is passed too, for a second store), then drops
    /// the database.
    static func withStore(
        poolSize: Int = 4, _ body: (PostgreSQLStore, String) async throws -> Void
    ) async throws {
        let server = try #require(serverURL)
        let name = "garona_t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let admin = try PostgreSQLStore(url: server, poolSize: 1)
        defer { admin.shutdown() }
        var components = try #require(URLComponents(string: server))
        components.path = "/" + name
        let url = try #require(components.string)
        do {
            let store = try await openings.run {
                try await admin.run(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
                return try await PostgreSQLStore.open(url: url, poolSize: poolSize, waitSeconds: 5)
            }
            defer { store.shutdown() }
            try await body(store, url)
        } catch {
            _ = try? await admin.run(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
            throw ServerError(error)
        }
        try await drop(name, admin: admin)
    }

    /// Drops a test database; a failure is retried every second, four times, and then told in full.
    static func drop(_ name: String, admin: PostgreSQLStore) async throws {
        let drop = PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        // `FORCE` may not end a backend at once (under load, it waits 5 s), nor one that is not the role's, as an
        // autovacuum worker that a fresh database's first writes started.
        for attempt in 1... {
            do {
                try await admin.run(drop)
                return
            } catch {
                guard attempt < 5 else { throw ServerError(error) }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// At most four databases are created and migrated at once: the suites start every test together, and sixty
    /// migrations in parallel on two cores made connections time out.
    static let openings = TestGate(width: 4)

    /// An error of a test on the server, told in full: PostgresNIO's own description hides the server's message.
    struct ServerError: Error, CustomStringConvertible {
        let description: String

        init(_ error: any Error) {
            if let error = error as? ServerError {
                description = error.description
            } else if error is PSQLError {
                description = PostgreSQLStore.describe(error) + " — " + String(reflecting: error)
            } else {
                description = String(describing: error)
            }
        }
    }

    /// Runs `body` on a thread of its own and waits for it without blocking the caller's: for the synchronous
    /// ``DatasetPublisher`` methods, which must never run on Swift's cooperative pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The records tables of the database, retired ones included, by name.
    static func tables(_ store: PostgreSQLStore) async throws -> [String] {
        try await store.withConnection { connection in
            try await connection.query(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE 'records%' ORDER BY tablename",
                logger: store.logger
            ).collect().map { try $0.decode(String.self) }
        }
    }
}

/// Runs at most `width` bodies at once; the others wait their turn, in order.
actor TestGate {
    private let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = width }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running < width {
            running += 1
        } else {
            await withCheckedContinuation { waiting.append($0) }
        }
        defer { release() }
        return try await body()
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
