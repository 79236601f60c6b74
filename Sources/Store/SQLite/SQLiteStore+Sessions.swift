import Foundation
import GRDB

extension SQLiteStore: SessionStore {
    public func session(key: String, now: Date) async throws -> SessionRecord? {
        let found: (String, Double)? = try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT data, expires_at FROM sessions WHERE key = ? AND expires_at > ?",
                    arguments: [key, now.timeIntervalSince1970]
                )
            else { return nil }
            return (row["data"], row["expires_at"])
        }
        guard let (json, expiresAt) = found else { return nil }
        let data = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
        return SessionRecord(key: key, data: data, expiresAt: Date(timeIntervalSince1970: expiresAt))
    }

    public func saveSession(_ session: SessionRecord) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(session.data), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sessions (key, data, expires_at, user_id) VALUES (?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at,
                        user_id = excluded.user_id
                    """,
                arguments: [session.key, json, session.expiresAt.timeIntervalSince1970, session.userID]
            )
        }
    }

    public func deleteSession(key: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE key = ?", arguments: [key])
        }
    }

    @discardableResult public func purgeExpiredSessions(now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

extension SQLiteStore: ConsentLog {
    public func appendConsent(_ entry: ConsentLogEntry) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO consent_log (created_at, policy_version, categories, services, action)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.date.timeIntervalSince1970, entry.policyVersion, entry.acceptedCategories,
                    entry.acceptedServices, entry.action,
                ]
            )
        }
    }

    public func recentConsents(limit: Int) async throws -> [ConsentLogEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                ConsentLogEntry(
                    date: Date(timeIntervalSince1970: $0["created_at"]),
                    policyVersion: $0["policy_version"],
                    acceptedCategories: $0["categories"],
                    acceptedServices: $0["services"],
                    action: $0["action"]
                )
            }
        }
    }
}

extension SQLiteStore {
    /// Deletes the proofs of consent recorded before `cutoff` (the end of their retention period); returns how many.
    @discardableResult public func purgeConsents(before cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM consent_log WHERE created_at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
