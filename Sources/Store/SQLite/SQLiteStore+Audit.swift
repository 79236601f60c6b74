import Foundation
import GRDB

extension SQLiteStore: AuditTrail {
    /// The audit log's table (migration v8), with an index on time for the newest-first pages and the purge.
    static let auditSchema = """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at REAL NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        CREATE INDEX audit_log_at ON audit_log (at);
        """

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    entry.at.timeIntervalSince1970, entry.actor, entry.action.rawValue, entry.target, entry.detail,
                ]
            )
        }
    }

    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        try await pool.read { db in
            try AuditRow.fetchAll(
                db,
                sql: """
                    SELECT id, at, actor, action, target, detail FROM audit_log
                    WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2)
                      AND (?3 IS NULL OR instr(target, ?3) > 0)
                      AND (?6 IS NULL OR at < ?6 OR (at = ?6 AND id < ?7))
                    ORDER BY at DESC, id DESC LIMIT ?4 OFFSET ?5
                    """,
                arguments: [
                    query.actor, query.action?.rawValue, query.target, query.limit, query.offset,
                    query.olderThan?.at.timeIntervalSince1970, query.olderThan?.id ?? Int64.max,
                ]
            ).compactMap(\.entry)
        }
    }

    @discardableResult public func purgeAudit(before cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

/// A row of `audit_log`.
private struct AuditRow: Decodable, FetchableRecord {
    var id: Int64
    var at: Double
    var actor: String
    var action: String
    var target: String
    var detail: String

    /// The entry, or nil when its action is unknown to this build.
    var entry: AuditEntry? {
        AuditAction(rawValue: action).map {
            AuditEntry(
                id: id, at: Date(timeIntervalSince1970: at), actor: actor, action: $0, target: target, detail: detail)
        }
    }
}
