import Foundation
import Logging
import Testing
import Web

@testable import Portal
@testable import Store

/// The audit log's CSV cells, its page links, the rules of accounts, and its purge past the retention period.
@Suite struct AuditLogTests {
    @Test(arguments: [
        ("=SUM(A1)", "'=SUM(A1)"), ("+33 5 61", "'+33 5 61"), ("-1", "'-1"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
        ("gares-2024", "gares-2024"), ("a;b", "\"a;b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("", ""),
        ("=a;b", "\"'=a;b\""), ("line\nbreak", "\"line\nbreak\""), ("é=1", "é=1"),
    ])
    func cellsCannotStartAFormulaAndAreQuotedWhenNeeded(_ text: String, _ cell: String) {
        #expect(AuditCSV.cell(text) == cell)
    }

    @Test func aLineHasTheTimeAndEveryFieldInOrder() {
        let entry = AuditEntry(
            at: Date(timeIntervalSince1970: 1_790_000_000), actor: "alice", action: .userRole, target: "bob",
            detail: "admin")
        #expect(AuditCSV.line(entry) == "2026-09-21T14:13:20Z;alice;user_role;bob;admin\r\n")
        #expect(AuditCSV.header == "time;actor;action;target;detail\r\n")
    }

    @Test func pageLinksKeepTheFiltersEncoded() {
        let filters = AuditFilters(actor: "a b", action: .delete, target: "x&y=z", page: 3)
        #expect(filters.link(page: 4) == "/backoffice/audit/?actor=a%20b&action=delete&target=x%26y%3Dz&page=4")
        #expect(filters.csvLink == "/backoffice/audit.csv?actor=a%20b&action=delete&target=x%26y%3Dz")
        #expect(AuditFilters(actor: nil, action: nil, target: nil, page: 1).csvLink == "/backoffice/audit.csv")
    }

    @Test func usernamesAndPasswordsFollowTheRules() {
        #expect(AccountRules.isValidUsername("jean.dupont@region.fr"))
        #expect(AccountRules.isValidUsername("Élodie_2"))
        #expect(!AccountRules.isValidUsername(""))
        #expect(!AccountRules.isValidUsername("a b"))
        #expect(!AccountRules.isValidUsername("<script>"))
        #expect(!AccountRules.isValidUsername(String(repeating: "a", count: 151)))
        #expect(AccountRules.isAcceptablePassword(String(repeating: "é", count: 12)))
        #expect(!AccountRules.isAcceptablePassword(String(repeating: "a", count: 11)))
        #expect(!AccountRules.isAcceptablePassword(String(repeating: "a", count: 1_025)))
    }

    /// The engines find a session's account under the key the web layer writes it to.
    @Test func sessionsNameTheirUserUnderTheWebLayersKey() {
        #expect(SessionRecord.userIDKey == SessionKeys.userID)
        let session = SessionRecord(key: "k", data: [SessionKeys.userID: "42"], expiresAt: .now)
        #expect(session.userID == 42)
        #expect(SessionRecord(key: "k", data: [SessionKeys.userID: "x"], expiresAt: .now).userID == nil)
    }

    @Test func thePeriodicPurgeRemovesAuditEntriesPastTheirRetention() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("garona.sqlite").path)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        for age in [401.0, 399.0, 1.0] {
            try await store.appendAudit(
                AuditEntry(at: now.addingTimeInterval(-age * 86_400), actor: "cli", action: .delete, target: "\(age)"))
        }
        let purge = SessionPurge(
            store: store, clock: { now }, logger: Logger(label: "test"), jobs: nil, auditRetention: 400 * 86_400)
        await purge.purge()
        #expect(try await store.auditEntries(AuditQuery()).map(\.target) == ["1.0", "399.0"])
    }
}
