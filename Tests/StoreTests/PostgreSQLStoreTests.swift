import Foundation
import PostgresNIO
import Testing

@testable import Store

/// The PostgreSQL engine's accounts, catalog, settings and start-up, on the test server; skipped, saying why,
/// without `GARONA_TEST_POSTGRES_URL`.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason), .timeLimit(.minutes(1)))
struct PostgreSQLStoreTests {
    @Test(arguments: StoreEngineBehaviours.all) func behaviour(_ behaviour: StoreEngineBehaviours.Behaviour) async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in try await behaviour.check(store) }
    }

    /// A stored secret that is damaged is an error, never silently replaced (that would log everybody out); the
    /// API keys table holds a key's hash, never the key.
    @Test func aDamagedSecretIsAnErrorAndKeysAreStoredHashed() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            try await store.setSetting(PostgreSQLStore.secretSetting, to: "abcd")
            await #expect(throws: StoreError.self) { _ = try await store.instanceSecret() }
            #expect(try await store.setting(PostgreSQLStore.secretSetting) == "abcd")

            let key = "Abcdefgh0123456789ABCDEFGHIJKLMNOPQRSTUV"
            let user = try await store.createUser(
                username: "alice", role: .editor, passwordHash: "h", now: StoreEngineBehaviours.now)
            _ = try await store.createApiKey(
                userID: user.id, label: "notebook", keyHash: ApiKey.hash(of: key), prefix: "Abcdefgh",
                now: StoreEngineBehaviours.now)
            let logger = store.logger
            let dump = try await store.withConnection { connection in
                var text = ""
                let rows = try await connection.query("SELECT k::text FROM api_keys k", logger: logger)
                for try await row in rows.decode(String.self) { text += row }
                return text
            }
            #expect(!dump.contains(key) && dump.contains(ApiKey.hash(of: key)))
        }
    }

    /// Two nodes on one database: what one writes, the other reads (the catalog as soon as it hears of the change,
    /// see ``PostgreSQLCatalogWatchTests``).
    @Test func twoStoresOnOneDatabaseSeeEachOthersWrites() async throws {
        try await PostgreSQLTestDatabase.withStore { first, url in
            let second = try await PostgreSQLStore.open(url: url, poolSize: 2, waitSeconds: 5)
            defer { second.shutdown() }
            #expect(try await first.instanceSecret() == second.instanceSecret())

            let version = try await second.catalogVersion()
            #expect(try await second.datasets().isEmpty)
            try await first.createDataset(DatasetMetadata(id: "gares"), now: StoreEngineBehaviours.now)
            #expect(try await PostgreSQLCatalogWatchTests.eventually { try await second.catalogVersion() != version })
            #expect(try await second.datasets().map(\.id) == ["gares"])

            let session = SessionRecord(key: "k", data: ["_auth_user_id": "1"], expiresAt: .distantFuture)
            try await first.saveSession(session)
            #expect(try await second.session(key: "k", now: Date()) == session)
            try await second.deleteSession(key: "k")
            #expect(try await first.session(key: "k", now: Date()) == nil)
        }
    }

    /// Nodes starting together on a new database: each migration is applied once, and none of them fails.
    @Test func migrationsRunConcurrentlyDoNotFail() async throws {
        try await Self.withEmptyDatabase { url in
            try await withThrowingTaskGroup(of: PostgreSQLStore.self) { group in
                for _ in 0..<4 { group.addTask { try await PostgreSQLStore.open(url: url, poolSize: 1, waitSeconds: 5) } }
                var stores: [PostgreSQLStore] = []
                for try await store in group { stores.append(store) }
                defer { stores.forEach { $0.shutdown() } }
                let logger = stores[0].logger
                let applied = try await stores[0].withConnection { connection in
                    try await connection.query(
                        "SELECT count(*), count(DISTINCT version) FROM schema_migrations", logger: logger
                    )
                    .decode((Int, Int).self).first { _ in true }
                }
                #expect(applied?.0 == PostgreSQLMigrations.all.count && applied?.1 == PostgreSQLMigrations.all.count)
                #expect(try await stores[3].instanceSecret() == stores[0].instanceSecret())
            }
        }
    }

    /// An unknown database is not waited for: waiting would not help.
    @Test func anUnknownDatabaseFailsAtOnce() async throws {
        let server = try #require(PostgreSQLTestDatabase.serverURL)
        var components = try #require(URLComponents(string: server))
        components.path = "/garona_no_such_database"
        let url = try #require(components.string)
        let error = await #expect(throws: StoreError.self) {
            // A retry would make this wait an hour; the test's time limit catches it.
            _ = try await PostgreSQLStore.open(url: url, poolSize: 1, waitSeconds: 3_600)
        }
        guard case .unavailable(let message) = error else {
            Issue.record("not unavailable: \(String(describing: error))")
            return
        }
        #expect(message.contains("3D000") && message.contains("garona_no_such_database"))
        if let password = components.password { #expect(!message.contains(":" + password + "@")) }
    }

    /// A query that fails (here, on a table dropped under the store) is an error, and the pool stays usable; reads
    /// outlive lost connections.
    @Test func aFailedQueryIsAnErrorAndThePoolRecovers() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            try await store.run("DROP TABLE settings")
            await #expect(throws: PSQLError.self) { _ = try await store.setting("services") }
            try await store.run("CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL)")
            #expect(try await store.setting("services") == nil)
            // A connection killed by the server: the query on it fails, the next one gets a new connection.
            let logger = store.logger
            let killed = await #expect(throws: PSQLError.self) {
                try await store.withConnection { connection in
                    try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: logger)
                        .decode(Bool.self).first { _ in true }
                }
            }
            #expect(killed?.code == .serverClosedConnection || killed?.code == .server)
            #expect(try await store.userCount() == 0)
            // Every other pooled connection killed at once, as a server restart does: reads still answer.
            async let first = store.userCount()
            async let second = store.userCount()
            async let third = store.userCount()
            #expect(try await [first, second, third] == [0, 0, 0])
            try await store.run(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                """)
            for _ in 0..<4 { #expect(try await store.userCount() == 0) }
        }
    }

    /// Runs `body` with the URL of a new database without any table, dropped afterwards.
    static func withEmptyDatabase(_ body: (String) async throws -> Void) async throws {
        try await PostgreSQLTestDatabase.withStore(poolSize: 1) { _, url in
            var components = try #require(URLComponents(string: url))
            let name = components.path.dropFirst() + "_empty"
            components.path = "/" + name
            let emptyURL = try #require(components.string)
            let admin = try PostgreSQLStore(url: url, poolSize: 1)
            defer { admin.shutdown() }
            try await admin.run(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            do {
                try await body(emptyURL)
            } catch {
                _ = try? await admin.run(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
                throw error
            }
            try await admin.run(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }
}

/// Reading database URLs and failing to reach a server, without a server.
@Suite struct PostgreSQLAddressTests {
    /// A server that does not answer is retried until the wait is over, then a one-line error without the password.
    @Test func anUnreachableServerIsAClearErrorAfterTheWait() async throws {
        let url = "postgres://garona:s3cret-word@127.0.0.1:1/garona?sslmode=disable"
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgreSQLStore.open(url: url, poolSize: 1, waitSeconds: 0)
        }
        guard case .unavailable(let message) = error else {
            Issue.record("not unavailable: \(String(describing: error))"); return
        }
        #expect(message.contains("postgres://garona@127.0.0.1:1/garona") && !message.contains("s3cret"))
        #expect(!message.contains("\n"))
    }

    @Test func readsEveryPartAndHidesThePassword() throws {
        let address = try PostgreSQLAddress(url: "postgresql://garona:p%40ss@db.example:6543/portal?sslmode=require")
        #expect(address.host == "db.example" && address.port == 6543 && address.username == "garona")
        #expect(address.password == "p@ss" && address.database == "portal")
        #expect(address.description == "postgres://garona@db.example:6543/portal")
        let defaults = try PostgreSQLAddress(url: "postgres://garona@localhost")
        #expect(defaults.port == 5432 && defaults.password == nil && defaults.database == nil)
    }

    @Test func refusesWhatIsNotAPostgreSQLURL() {
        for url in [
            "mysql://a:b@host/db", "postgres://host/db", "postgres://a:b@/db", "not a url", "postgres://a@h:99999/db",
            "postgres://a@h/db?sslmode=sometimes",
        ] {
            #expect(throws: StoreError.self, "\(url)") { _ = try PostgreSQLAddress(url: url) }
        }
    }
}
