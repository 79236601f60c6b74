import Foundation
import Store
import Testing

/// What the accounts and the audit log of a storage engine must do, whatever the engine: each behaviour runs on
/// SQLite (``SQLiteAccountsAuditTests``) and on PostgreSQL (``PostgreSQLAccountsAuditTests``).
typealias AccountsAndAudit = UserStore & SessionStore & ApiKeyStore & AuditTrail

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
        #expect(
            all.map {
                var entry = $0; entry.id = nil; return entry
            } == entries.reversed())
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

/// The behaviours on the embedded engine.
@Suite struct SQLiteAccountsAuditTests {
    @Test(arguments: AccountsAuditBehaviours.all) func behaviour(_ behaviour: AccountsAuditBehaviours.Behaviour) async throws {
        try await withTemporaryStore { store, _ in try await behaviour.check(store) }
    }
}

/// The behaviours on PostgreSQL, each on a database of its own; skipped, saying why, without
/// `GARONA_TEST_POSTGRES_URL`.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason), .timeLimit(.minutes(1)))
struct PostgreSQLAccountsAuditTests {
    @Test(arguments: AccountsAuditBehaviours.all) func behaviour(_ behaviour: AccountsAuditBehaviours.Behaviour) async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in try await behaviour.check(store) }
    }
}
