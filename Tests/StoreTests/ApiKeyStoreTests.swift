import Foundation
import GRDB
import Store
import Testing

@Suite struct ApiKeyStoreTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let key = "Abcdefgh0123456789ABCDEFGHIJKLMNOPQRSTUV"

    @Test func hashesKeysWithSHA256AndChecksTheirShape() {
        #expect(ApiKey.hash(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ApiKey.isWellFormed(key))
        #expect(!ApiKey.isWellFormed(String(key.dropLast())))
        #expect(!ApiKey.isWellFormed(String(key.dropLast()) + "-"))
        #expect(!ApiKey.isWellFormed(""))
    }

    @Test func storesOnlyTheHashAndFindsActiveKeysByIt() async throws {
        try await withTemporaryStore { store, path in
            let alice = try await store.createUser(username: "alice", role: .editor, passwordHash: "h", now: now)
            let created = try await store.createApiKey(
                userID: alice.id, label: "notebook", keyHash: ApiKey.hash(of: key), prefix: "Abcdefgh", now: now)
            #expect(created.username == "alice" && created.lastUsedAt == nil && !created.isRevoked)
            #expect(try await store.activeApiKey(hash: ApiKey.hash(of: key)) == created)
            #expect(try await store.activeApiKey(hash: ApiKey.hash(of: "other")) == nil)

            let queue = try DatabaseQueue(path: path)
            let dump = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM api_keys").map(\.description).joined()
            }
            #expect(!dump.contains(key) && dump.contains(ApiKey.hash(of: key)))
        }
    }

    @Test func revokingIsScopedToTheOwnerUnlessAdminAndIsFinal() async throws {
        try await withTemporaryStore { store, _ in
            let alice = try await store.createUser(username: "alice", role: .editor, passwordHash: "h", now: now)
            let bob = try await store.createUser(username: "bob", role: .editor, passwordHash: "h", now: now)
            let hash = ApiKey.hash(of: key)
            let created = try await store.createApiKey(userID: alice.id, label: "", keyHash: hash, prefix: "Abcdefgh", now: now)
            #expect(try await store.revokeApiKey(id: created.id, userID: bob.id, now: now) == false)
            #expect(try await store.activeApiKey(hash: hash) != nil)
            #expect(try await store.revokeApiKey(id: created.id, userID: alice.id, now: now) == true)
            #expect(try await store.activeApiKey(hash: hash) == nil)
            #expect(try await store.revokeApiKey(id: created.id, userID: nil, now: now) == false)
            #expect(try await store.apiKeys(userID: alice.id).first?.revokedAt == now)
        }
    }

    @Test func listsPerUserOrAllNewestFirstAndRecordsUse() async throws {
        try await withTemporaryStore { store, _ in
            let alice = try await store.createUser(username: "alice", role: .editor, passwordHash: "h", now: now)
            let bob = try await store.createUser(username: "bob", role: .admin, passwordHash: "h", now: now)
            let first = try await store.createApiKey(userID: alice.id, label: "a", keyHash: "h1", prefix: "p1", now: now)
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
        }
    }
}
