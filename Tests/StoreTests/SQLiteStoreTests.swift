import Foundation
import Store
import Testing

/// A fresh SQLite file in a temporary directory, removed at the end of the test.
func withTemporaryStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("garona.sqlite").path
    try await body(try SQLiteStore(path: path), path)
}

@Suite struct SQLiteStoreTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func createsAndFindsUsersAndRefusesDuplicates() async throws {
        try await withTemporaryStore { store, _ in
            let created = try await store.createUser(username: "alice", role: .editor, passwordHash: "$2b$12$x", now: now)
            #expect(try await store.user(named: "alice") == created)
            #expect(try await store.user(id: created.id)?.username == "alice")
            #expect(try await store.user(named: "bob") == nil)
            #expect(try await store.userCount() == 1)
            await #expect(throws: StoreError.duplicate("alice")) {
                _ = try await store.createUser(username: "alice", role: .admin, passwordHash: "h", now: now)
            }
        }
    }

    @Test func sessionsExpireAndArePurged() async throws {
        try await withTemporaryStore { store, _ in
            let live = SessionRecord(key: "a", data: ["_auth_user_id": "1"], expiresAt: now.addingTimeInterval(60))
            let dead = SessionRecord(key: "b", data: ["x": "y"], expiresAt: now.addingTimeInterval(-60))
            try await store.saveSession(live)
            try await store.saveSession(dead)
            #expect(try await store.session(key: "a", now: now)?.data == ["_auth_user_id": "1"])
            #expect(try await store.session(key: "b", now: now) == nil)
            #expect(try await store.purgeExpiredSessions(now: now) == 1)
            try await store.deleteSession(key: "a")
            #expect(try await store.session(key: "a", now: now) == nil)
        }
    }

    @Test func savingASessionAgainReplacesItsDataAndExpiry() async throws {
        try await withTemporaryStore { store, _ in
            try await store.saveSession(SessionRecord(key: "k", data: ["a": "1"], expiresAt: now.addingTimeInterval(10)))
            try await store.saveSession(SessionRecord(key: "k", data: ["b": "2"], expiresAt: now.addingTimeInterval(1000)))
            let loaded = try await store.session(key: "k", now: now.addingTimeInterval(100))
            #expect(loaded?.data == ["b": "2"])
        }
    }

    @Test func consentLogKeepsChoicesWithoutIdentifiers() async throws {
        try await withTemporaryStore { store, path in
            try await store.appendConsent(
                ConsentLogEntry(
                    date: now, policyVersion: "v1", acceptedCategories: "", acceptedServices: "", action: "refuse_all")
            )
            try await store.appendConsent(
                ConsentLogEntry(
                    date: now, policyVersion: "v1", acceptedCategories: "third_party", acceptedServices: "", action: "accept_all"
                )
            )
            let entries = try await store.recentConsents(limit: 10)
            #expect(entries.map(\.action) == ["accept_all", "refuse_all"])
            // The table has no column that could hold an address or a session key.
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.recentConsents(limit: 1).first?.acceptedCategories == "third_party")
        }
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garona-\(UUID().uuidString).sqlite").path
        try Data("this is not sqlite, just text that is long enough to be read as a header....".utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path) }
    }
}
