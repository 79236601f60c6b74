import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import Store

/// What the accounts and the audit log of a storage engine must do, whatever the engine: each behaviour runs on
/// SQLite (``SQLiteAccountsAuditTests``) and on PostgreSQL (``PostgreSQLAccountsAuditTests``).
typealias AccountsAndAudit = AccountAdministration & SessionStore & ApiKeyStore & AuditTrail

/// The behaviours, each on a fresh, empty store.
enum AccountsAuditBehaviours {
    /// One behaviour, named for the test report.
    struct Behaviour: Sendable, CustomTestStringConvertible {
        let name: String
        let check: @Sendable (any AccountsAndAudit) async throws -> Void
        var testDescription: String { name }
    }

    /// Every behaviour, for a parameterized test per engine.
    static let all: [Behaviour] = [
        Behaviour(name: "the audit log is newest first, filtered and paged", check: auditIsNewestFirstFilteredAndPaged),
        Behaviour(name: "the audit log is purged by age", check: auditIsPurgedByAge),
        Behaviour(name: "accounts are listed with their state", check: accountsAreListedWithTheirState),
        Behaviour(name: "the last admin is neither demoted nor disabled", check: theLastAdminStays),
        Behaviour(name: "disabling ends sessions and refuses API keys", check: disablingEndsSessionsAndKeys),
        Behaviour(name: "a new password ends the other sessions", check: aNewPasswordEndsTheOtherSessions),
        Behaviour(name: "unknown accounts are not found", check: unknownAccountsAreNotFound),
    ]

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func auditIsNewestFirstFilteredAndPaged(_ store: any AccountsAndAudit) async throws {
        let entries = [
            AuditEntry(at: now, actor: "alice", action: .login, target: "alice"),
            AuditEntry(at: now.addingTimeInterval(1), actor: "alice", action: .publish, target: "gares-2024", detail: "v1"),
            AuditEntry(at: now.addingTimeInterval(2), actor: "cli", action: .republish, target: "gares-2024", detail: "v2"),
            AuditEntry(at: now.addingTimeInterval(2), actor: "bob", action: .loginFailed, target: "bob"),
            AuditEntry(at: now.addingTimeInterval(3), actor: "alice", action: .delete, target: "arbres"),
        ]
        for entry in entries { try await store.appendAudit(entry) }
        let all = try await store.auditEntries(AuditQuery(limit: 10))
        // Newest first; two entries at the same time in the reverse order of their insertion.
        #expect(all.map(\.action) == [.delete, .loginFailed, .republish, .publish, .login])
        #expect(all.allSatisfy { $0.id != nil })
        let unstored = all.map {
            AuditEntry(at: $0.at, actor: $0.actor, action: $0.action, target: $0.target, detail: $0.detail)
        }
        #expect(unstored == entries.reversed())
        #expect(try await store.auditEntries(AuditQuery(actor: "alice")).map(\.target) == ["arbres", "gares-2024", "alice"])
        #expect(try await store.auditEntries(AuditQuery(actor: "ali")).isEmpty)
        #expect(try await store.auditEntries(AuditQuery(action: .republish)).map(\.detail) == ["v2"])
        #expect(try await store.auditEntries(AuditQuery(target: "gares")).map(\.detail) == ["v2", "v1"])
        #expect(try await store.auditEntries(AuditQuery(target: "GARES")).isEmpty)
        #expect(try await store.auditEntries(AuditQuery(actor: "alice", target: "gares")).map(\.detail) == ["v1"])
        // A target filter is text, never a pattern.
        #expect(try await store.auditEntries(AuditQuery(target: "%")).isEmpty)
        #expect(try await store.auditEntries(AuditQuery(target: "_")).isEmpty)
        #expect(try await store.auditEntries(AuditQuery(limit: 2, offset: 1)).map(\.action) == [.loginFailed, .republish])
        #expect(try await store.auditEntries(AuditQuery(limit: 2, offset: 4)).map(\.action) == [.login])
        // Batches after a stored entry are not shifted by new entries.
        let firstBatch = try await store.auditEntries(AuditQuery(limit: 2))
        try await store.appendAudit(AuditEntry(at: now.addingTimeInterval(9), actor: "cli", action: .logout, target: "x"))
        let rest = try await store.auditEntries(AuditQuery(limit: 10, olderThan: firstBatch.last))
        #expect((firstBatch + rest).map(\.id) == all.map(\.id))
        #expect(try await store.auditEntries(AuditQuery(actor: "alice", olderThan: all[1])).map(\.action) == [.publish, .login])
        #expect(try await store.auditEntries(AuditQuery(limit: 0)).isEmpty)
        #expect(try await store.auditEntries(AuditQuery(limit: -3, offset: -2)).isEmpty)
    }

    static func auditIsPurgedByAge(_ store: any AccountsAndAudit) async throws {
        let old = AuditEntry(at: now.addingTimeInterval(-401 * 86_400), actor: "cli", action: .userCreate, target: "a")
        let recent = AuditEntry(at: now, actor: "cli", action: .userRole, target: "a", detail: "admin")
        try await store.appendAudit(old)
        try await store.appendAudit(recent)
        #expect(try await store.purgeAudit(before: now.addingTimeInterval(-400 * 86_400)) == 1)
        #expect(try await store.purgeAudit(before: now.addingTimeInterval(-400 * 86_400)) == 0)
        #expect(try await store.auditEntries(AuditQuery()).map(\.action) == [.userRole])
    }
}

extension AccountsAuditBehaviours {
    static func accountsAreListedWithTheirState(_ store: any AccountsAndAudit) async throws {
        let zoe = try await store.createUser(username: "zoe", role: .editor, passwordHash: "h", now: now)
        let adam = try await store.createUser(username: "adam", role: .admin, passwordHash: "h", now: now)
        #expect(try await store.users().map(\.username) == ["adam", "zoe"])
        #expect(zoe.isEnabled && zoe.lastLoginAt == nil && zoe.disabledAt == nil)
        try await store.recordLogin(ofUser: zoe.id, now: now.addingTimeInterval(30))
        #expect(try await store.user(named: "zoe")?.lastLoginAt == now.addingTimeInterval(30))
        let promoted = try await store.setRole(.admin, ofUser: zoe.id)
        #expect(promoted.role == .admin && promoted.lastLoginAt == now.addingTimeInterval(30))
        #expect(try await store.user(id: zoe.id) == promoted)
        let disabled = try await store.setDisabled(true, ofUser: zoe.id, now: now.addingTimeInterval(60))
        #expect(disabled.disabledAt == now.addingTimeInterval(60) && !disabled.isEnabled)
        // Disabling again keeps the first date.
        #expect(try await store.setDisabled(true, ofUser: zoe.id, now: now.addingTimeInterval(90)) == disabled)
        #expect(try await store.users().map(\.isEnabled) == [true, false])
        #expect(try await store.setDisabled(false, ofUser: zoe.id, now: now).isEnabled)
        #expect(try await store.user(named: "zoe")?.isEnabled == true)
        #expect(try await store.user(id: adam.id)?.role == .admin)
    }

    static func theLastAdminStays(_ store: any AccountsAndAudit) async throws {
        let root = try await store.createUser(username: "root", role: .admin, passwordHash: "h", now: now)
        let eve = try await store.createUser(username: "eve", role: .editor, passwordHash: "h", now: now)
        await #expect(throws: AccountError.lastAdmin) { _ = try await store.setRole(.editor, ofUser: root.id) }
        await #expect(throws: AccountError.lastAdmin) { _ = try await store.setDisabled(true, ofUser: root.id, now: now) }
        #expect(try await store.user(id: root.id) == root)
        // An editor is always free to change; a second admin frees the first.
        #expect(try await store.setDisabled(true, ofUser: eve.id, now: now).isEnabled == false)
        _ = try await store.setRole(.admin, ofUser: eve.id)
        // A disabled admin does not count.
        await #expect(throws: AccountError.lastAdmin) { _ = try await store.setRole(.editor, ofUser: root.id) }
        _ = try await store.setDisabled(false, ofUser: eve.id, now: now)
        #expect(try await store.setRole(.editor, ofUser: root.id).role == .editor)
        await #expect(throws: AccountError.lastAdmin) { _ = try await store.setDisabled(true, ofUser: eve.id, now: now) }
        // Setting the role a user already has is no demotion.
        #expect(try await store.setRole(.admin, ofUser: eve.id).role == .admin)
    }

    static func disablingEndsSessionsAndKeys(_ store: any AccountsAndAudit) async throws {
        _ = try await store.createUser(username: "root", role: .admin, passwordHash: "h", now: now)
        let eve = try await store.createUser(username: "eve", role: .editor, passwordHash: "h", now: now)
        let later = now.addingTimeInterval(3600)
        let mine = ["a", "b"].map { SessionRecord(key: $0, data: [SessionRecord.userIDKey: String(eve.id)], expiresAt: later) }
        let anonymous = SessionRecord(key: "c", data: ["x": "y"], expiresAt: later)
        for session in mine + [anonymous] { try await store.saveSession(session) }
        _ = try await store.createApiKey(userID: eve.id, label: "", keyHash: "k1", prefix: "p", now: now)
        #expect(try await store.activeApiKey(hash: "k1") != nil)
        _ = try await store.setDisabled(true, ofUser: eve.id, now: now)
        #expect(try await store.session(key: "a", now: now) == nil)
        #expect(try await store.session(key: "b", now: now) == nil)
        #expect(try await store.session(key: "c", now: now) == anonymous)
        #expect(try await store.activeApiKey(hash: "k1") == nil)
        // The key is refused, not revoked: enabling the account again gives it back.
        _ = try await store.setDisabled(false, ofUser: eve.id, now: now)
        #expect(try await store.activeApiKey(hash: "k1")?.isRevoked == false)
        // A session that changes hands follows its new user.
        try await store.saveSession(SessionRecord(key: "c", data: [SessionRecord.userIDKey: String(eve.id)], expiresAt: later))
        _ = try await store.setDisabled(true, ofUser: eve.id, now: now)
        #expect(try await store.session(key: "c", now: now) == nil)
    }

    static func aNewPasswordEndsTheOtherSessions(_ store: any AccountsAndAudit) async throws {
        let eve = try await store.createUser(username: "eve", role: .editor, passwordHash: "old", now: now)
        let bob = try await store.createUser(username: "bob", role: .editor, passwordHash: "h", now: now)
        let later = now.addingTimeInterval(3600)
        for (key, id) in [("a", eve.id), ("b", eve.id), ("c", bob.id)] {
            try await store.saveSession(SessionRecord(key: key, data: [SessionRecord.userIDKey: String(id)], expiresAt: later))
        }
        try await store.setPassword(hash: "new", ofUser: eve.id, keepingSession: "a")
        #expect(try await store.user(id: eve.id)?.passwordHash == "new")
        #expect(try await store.session(key: "a", now: now) != nil)
        #expect(try await store.session(key: "b", now: now) == nil)
        #expect(try await store.session(key: "c", now: now) != nil)
        try await store.setPassword(hash: "newer", ofUser: eve.id, keepingSession: nil)
        #expect(try await store.session(key: "a", now: now) == nil)
        #expect(try await store.session(key: "c", now: now) != nil)
        #expect(try await store.user(id: bob.id)?.passwordHash == "h")
    }

    static func unknownAccountsAreNotFound(_ store: any AccountsAndAudit) async throws {
        await #expect(throws: StoreError.notFound("user 42")) { _ = try await store.setRole(.admin, ofUser: 42) }
        await #expect(throws: StoreError.notFound("user 42")) { _ = try await store.setDisabled(true, ofUser: 42, now: now) }
        await #expect(throws: StoreError.notFound("user 42")) {
            try await store.setPassword(hash: "h", ofUser: 42, keepingSession: nil)
        }
        #expect(try await store.users().isEmpty)
    }
}

/// The behaviours on the embedded engine.
@Suite struct SQLiteAccountsAuditTests {
    @Test(arguments: AccountsAuditBehaviours.all) func behaviour(_ behaviour: AccountsAuditBehaviours.Behaviour) async throws {
        try await withTemporaryStore { store, _ in try await behaviour.check(store) }
    }

    /// Sessions opened before migration v8 get their user, so that disabling the account ends them too.
    @Test func theMigrationGivesEarlierSessionsTheirUser() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("garona.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "v7-import-jobs")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO users VALUES (7, 'root', 'admin', 'h', 0), (8, 'eve', 'editor', 'h', 0)")
                try db.execute(
                    sql: """
                        INSERT INTO sessions VALUES ('a', '{"_auth_user_id":"8"}', 1e10), ('b', '{"x":"8"}', 1e10),
                            ('c', 'not json', 1e10)
                        """)
            }
        }
        let store = try SQLiteStore(path: path)
        _ = try await store.setDisabled(true, ofUser: 8, now: AccountsAuditBehaviours.now)
        #expect(try await store.session(key: "a", now: AccountsAuditBehaviours.now) == nil)
        #expect(try await store.session(key: "b", now: AccountsAuditBehaviours.now) != nil)
        #expect(try await store.session(key: "c", now: AccountsAuditBehaviours.now) != nil)
    }
}

/// The behaviours on PostgreSQL, each on a database of its own; skipped, saying why, without
/// `GARONA_TEST_POSTGRES_URL`.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason), .timeLimit(.minutes(1)))
struct PostgreSQLAccountsAuditTests {
    @Test(arguments: AccountsAuditBehaviours.all) func behaviour(_ behaviour: AccountsAuditBehaviours.Behaviour) async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in try await behaviour.check(store) }
    }

    /// Two admins demoting each other at once, on two connections: one succeeds, the other is refused, and an admin
    /// remains; never a deadlock.
    @Test func twoAdminsDemotingEachOtherLeaveOne() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let now = AccountsAuditBehaviours.now
            for round in 0..<10 {
                let a = try await store.createUser(username: "a\(round)", role: .admin, passwordHash: "h", now: now)
                let b = try await store.createUser(username: "b\(round)", role: .admin, passwordHash: "h", now: now)
                async let first = refusedAsLastAdmin { _ = try await store.setRole(.editor, ofUser: a.id) }
                async let second = refusedAsLastAdmin { _ = try await store.setDisabled(true, ofUser: b.id, now: now) }
                let refusals = try await [first, second]
                #expect(refusals.filter { $0 }.count == 1)
                #expect(try await store.users().filter { $0.role == .admin && $0.isEnabled }.count == 1)
                // No admin left for the next round (as no route could do it).
                try await store.run("UPDATE users SET role = 'editor'")
            }
        }
    }

    /// Sessions opened before migration 12 get their user, so that disabling the account ends them too.
    @Test func theMigrationGivesEarlierSessionsTheirUser() async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in
            let eve = try await store.createUser(username: "eve", role: .editor, passwordHash: "h", now: .now)
            try await store.run(
                """
                INSERT INTO sessions (key, data, expires_at) VALUES ('a', \("{\"_auth_user_id\":\"\(eve.id)\"}"), 1e10),
                    ('b', '{"x":"1"}', 1e10)
                """)
            let backfill = try #require(PostgreSQLStore.accountStateSchema.first { $0.hasPrefix("UPDATE sessions") })
            try await store.run(PostgresQuery(unsafeSQL: backfill))
            _ = try await store.setDisabled(true, ofUser: eve.id, now: AccountsAuditBehaviours.now)
            #expect(try await store.session(key: "a", now: AccountsAuditBehaviours.now) == nil)
            #expect(try await store.session(key: "b", now: AccountsAuditBehaviours.now) != nil)
        }
    }

    /// Whether `change` was refused with ``AccountError/lastAdmin``; any other error is rethrown.
    private func refusedAsLastAdmin(_ change: () async throws -> Void) async throws -> Bool {
        do {
            try await change()
            return false
        } catch AccountError.lastAdmin {
            return true
        }
    }
}
