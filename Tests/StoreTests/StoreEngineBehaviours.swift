import Foundation
import Store
import Testing

/// What the account, catalog and settings side of a storage engine must do, whatever the engine: each behaviour
/// runs on SQLite (``SQLiteEngineBehaviourTests``) and on PostgreSQL (``PostgreSQLStoreTests``).
typealias AccountsAndCatalog = UserStore & SessionStore & ConsentLog & ApiKeyStore & DatasetCatalog & DatasetStore
    & InstanceSettings

/// The behaviours, each on a fresh, empty store.
enum StoreEngineBehaviours {
    /// One behaviour, named for the test report.
    struct Behaviour: Sendable, CustomTestStringConvertible {
        let name: String
        let check: @Sendable (any AccountsAndCatalog) async throws -> Void
        var testDescription: String { name }
    }

    /// Every behaviour, for a parameterized test per engine.
    static let all: [Behaviour] = [
        Behaviour(name: "users are found and unique", check: usersAreFoundAndUnique),
        Behaviour(name: "sessions expire, are replaced and purged", check: sessionsExpireAreReplacedAndPurged),
        Behaviour(name: "the consent log is newest first and purged", check: consentLogIsNewestFirstAndPurged),
        Behaviour(name: "API keys are scoped, listed and revoked", check: apiKeysAreScopedListedAndRevoked),
        Behaviour(name: "catalog changes move its version", check: catalogChangesMoveItsVersion),
        Behaviour(name: "settings and the secret persist", check: settingsAndTheSecretPersist),
    ]

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func usersAreFoundAndUnique(_ store: any AccountsAndCatalog) async throws {
        let created = try await store.createUser(username: "alice", role: .editor, passwordHash: "$2b$12$x", now: now)
        #expect(try await store.user(named: "alice") == created)
        #expect(try await store.user(id: created.id)?.username == "alice")
        #expect(try await store.user(named: "bob") == nil)
        #expect(try await store.user(id: created.id + 1) == nil)
        #expect(try await store.userCount() == 1)
        await #expect(throws: StoreError.duplicate("alice")) {
            _ = try await store.createUser(username: "alice", role: .admin, passwordHash: "h", now: now)
        }
        let admin = try await store.createUser(username: "root", role: .admin, passwordHash: "h", now: now)
        #expect(try await store.user(id: admin.id)?.role == .admin)
        #expect(try await store.userCount() == 2)
    }

    static func sessionsExpireAreReplacedAndPurged(_ store: any AccountsAndCatalog) async throws {
        let live = SessionRecord(key: "a", data: ["_auth_user_id": "1"], expiresAt: now.addingTimeInterval(60))
        let dead = SessionRecord(key: "b", data: ["x": "y"], expiresAt: now.addingTimeInterval(-60))
        try await store.saveSession(live)
        try await store.saveSession(dead)
        #expect(try await store.session(key: "a", now: now) == live)
        #expect(try await store.session(key: "b", now: now) == nil)
        #expect(try await store.purgeExpiredSessions(now: now) == 1)
        #expect(try await store.purgeExpiredSessions(now: now) == 0)
        try await store.saveSession(SessionRecord(key: "a", data: ["b": "2"], expiresAt: now.addingTimeInterval(1000)))
        #expect(try await store.session(key: "a", now: now.addingTimeInterval(100))?.data == ["b": "2"])
        try await store.deleteSession(key: "a")
        #expect(try await store.session(key: "a", now: now) == nil)
    }

    static func consentLogIsNewestFirstAndPurged(_ store: any AccountsAndCatalog) async throws {
        let old = ConsentLogEntry(
            date: now.addingTimeInterval(-400 * 86_400), policyVersion: "v1", acceptedCategories: "",
            acceptedServices: "", action: "refuse_all")
        let recent = ConsentLogEntry(
            date: now, policyVersion: "v2", acceptedCategories: "third_party", acceptedServices: "osm",
            action: "accept_all")
        try await store.appendConsent(old)
        try await store.appendConsent(recent)
        #expect(try await store.recentConsents(limit: 10) == [recent, old])
        #expect(try await store.recentConsents(limit: 1) == [recent])
        #expect(try await store.purgeConsents(before: now.addingTimeInterval(-86_400)) == 1)
        #expect(try await store.recentConsents(limit: 10) == [recent])
    }

    static func apiKeysAreScopedListedAndRevoked(_ store: any AccountsAndCatalog) async throws {
        let alice = try await store.createUser(username: "alice", role: .editor, passwordHash: "h", now: now)
        let bob = try await store.createUser(username: "bob", role: .admin, passwordHash: "h", now: now)
        let first = try await store.createApiKey(userID: alice.id, label: "a", keyHash: "h1", prefix: "p1", now: now)
        #expect(first.username == "alice" && first.lastUsedAt == nil && !first.isRevoked)
        #expect(try await store.activeApiKey(hash: "h1") == first)
        let second = try await store.createApiKey(userID: bob.id, label: "b", keyHash: "h2", prefix: "p2", now: now)
        #expect(try await store.apiKeys(userID: alice.id).map(\.id) == [first.id])
        #expect(try await store.apiKeys(userID: nil).map(\.id) == [second.id, first.id])
        try await store.touchApiKey(id: first.id, now: now.addingTimeInterval(5))
        #expect(try await store.activeApiKey(hash: "h1")?.lastUsedAt == now.addingTimeInterval(5))
        await #expect(throws: StoreError.duplicate("api key")) {
            _ = try await store.createApiKey(userID: bob.id, label: "", keyHash: "h1", prefix: "p1", now: now)
        }
        await #expect(throws: StoreError.notFound("user 99")) {
            _ = try await store.createApiKey(userID: 99, label: "", keyHash: "h3", prefix: "p3", now: now)
        }
        #expect(try await store.revokeApiKey(id: first.id, userID: bob.id, now: now) == false)
        #expect(try await store.activeApiKey(hash: "h1") != nil)
        #expect(try await store.revokeApiKey(id: first.id, userID: alice.id, now: now) == true)
        #expect(try await store.activeApiKey(hash: "h1") == nil)
        #expect(try await store.revokeApiKey(id: first.id, userID: nil, now: now) == false)
        #expect(try await store.apiKeys(userID: alice.id).first?.revokedAt == now)
        #expect(try await store.revokeApiKey(id: second.id, userID: nil, now: now) == true)
    }

    static func catalogChangesMoveItsVersion(_ store: any AccountsAndCatalog) async throws {
        let start = try await store.catalogVersion()
        let metadata = DatasetMetadata(id: "gares", titleFR: "Gares", keywords: ["train"], visibility: .private)
        try await store.createDataset(metadata, now: now)
        let created = try #require(try await store.dataset(id: "gares"))
        #expect(created.metadata == metadata && created.fields.isEmpty && created.recordsCount == 0)
        #expect(created.created == now && created.modified == now && created.dataProcessed == nil)
        #expect(created.version == 0 && created.recordsTable == nil)
        let afterCreate = try await store.catalogVersion()
        #expect(afterCreate != start)
        await #expect(throws: StoreError.duplicate("gares")) { try await store.createDataset(metadata, now: now) }
        await #expect(throws: StoreError.invalid("dataset id \"Gares!\"")) {
            try await store.createDataset(DatasetMetadata(id: "Gares!"), now: now)
        }

        var edited = metadata
        edited.titleEN = "Stations"
        edited.visibility = .public
        try await store.updateDataset(edited, fields: [], now: now.addingTimeInterval(10))
        let versioned = try await store.versionedDataset(id: "gares")
        #expect(versioned.dataset?.metadata == edited && versioned.dataset?.modified == now.addingTimeInterval(10))
        #expect(versioned.catalogVersion != afterCreate)
        #expect(try await store.datasets().map(\.id) == ["gares"])
        await #expect(throws: StoreError.notFound("nope")) {
            try await store.updateDataset(DatasetMetadata(id: "nope"), fields: nil, now: now)
        }

        try await store.deleteDataset(id: "gares")
        #expect(try await store.dataset(id: "gares") == nil)
        #expect(try await store.versionedDataset(id: "gares").catalogVersion != versioned.catalogVersion)
        await #expect(throws: StoreError.notFound("gares")) { try await store.deleteDataset(id: "gares") }
    }

    static func settingsAndTheSecretPersist(_ store: any AccountsAndCatalog) async throws {
        #expect(try await store.setting("services") == nil)
        try await store.setSetting("services", to: "[]")
        try await store.setSetting("services", to: "[{\"id\":\"osm\"}]")
        #expect(try await store.setting("services") == "[{\"id\":\"osm\"}]")
        try await store.setSetting("services", to: nil)
        #expect(try await store.setting("services") == nil)
        let secret = try await store.instanceSecret()
        #expect(secret.count == 64)
        #expect(try await store.instanceSecret() == secret)
    }
}

/// The behaviours on the embedded engine.
@Suite struct SQLiteEngineBehaviourTests {
    @Test(arguments: StoreEngineBehaviours.all) func behaviour(_ behaviour: StoreEngineBehaviours.Behaviour) async throws {
        try await withTemporaryStore { store, _ in try await behaviour.check(store) }
    }
}
