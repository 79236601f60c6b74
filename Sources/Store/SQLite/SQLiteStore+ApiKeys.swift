import Foundation
import GRDB

extension SQLiteStore: ApiKeyStore {
    public func createApiKey(userID: Int64, label: String, keyHash: String, prefix: String, now: Date) async throws -> ApiKey {
        do {
            return try await pool.write { db in
                guard let username = try String.fetchOne(db, sql: "SELECT username FROM users WHERE id = ?", arguments: [userID])
                else { throw StoreError.notFound("user \(userID)") }
                try db.execute(
                    sql: "INSERT INTO api_keys (user_id, label, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [userID, label, keyHash, prefix, now.timeIntervalSince1970]
                )
                return ApiKey(
                    id: db.lastInsertedRowID, userID: userID, username: username, label: label, keyHash: keyHash,
                    prefix: prefix, createdAt: now
                )
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicate("api key")
        }
    }

    public func apiKeys(userID: Int64?) async throws -> [ApiKey] {
        try await pool.read { db in
            let rows =
                if let userID {
                    try Row.fetchAll(db, sql: Self.keySelect + " WHERE k.user_id = ? ORDER BY k.id DESC", arguments: [userID])
                } else {
                    try Row.fetchAll(db, sql: Self.keySelect + " ORDER BY k.id DESC")
                }
            return rows.map(Self.apiKey)
        }
    }

    public func activeApiKey(hash: String) async throws -> ApiKey? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: Self.keySelect + " WHERE k.key_hash = ? AND k.revoked_at IS NULL AND u.disabled_at IS NULL",
                arguments: [hash]
            )
            .map(Self.apiKey)
        }
    }

    @discardableResult
    public func revokeApiKey(id: Int64, userID: Int64?, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE api_keys SET revoked_at = ?
                    WHERE id = ? AND revoked_at IS NULL AND (? IS NULL OR user_id = ?)
                    """,
                arguments: [now.timeIntervalSince1970, id, userID, userID]
            )
            return db.changesCount > 0
        }
    }

    public func touchApiKey(id: Int64, now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
        }
    }

    private static let keySelect = "SELECT k.*, u.username FROM api_keys k JOIN users u ON u.id = k.user_id"

    private static func apiKey(_ row: Row) -> ApiKey {
        ApiKey(
            id: row["id"],
            userID: row["user_id"],
            username: row["username"],
            label: row["label"],
            keyHash: row["key_hash"],
            prefix: row["prefix"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            lastUsedAt: (row["last_used_at"] as Double?).map { Date(timeIntervalSince1970: $0) },
            revokedAt: (row["revoked_at"] as Double?).map { Date(timeIntervalSince1970: $0) }
        )
    }
}
