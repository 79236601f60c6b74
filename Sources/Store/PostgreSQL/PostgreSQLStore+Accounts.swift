import Foundation
import PostgresNIO

extension PostgreSQLStore: UserStore {
    /// What migration 12 adds to accounts and sessions: when an account was disabled (NULL while enabled) and last
    /// logged in, and the account of each session, so that disabling an account ends its sessions at once.
    static let accountStateSchema = [
        "ALTER TABLE users ADD COLUMN disabled_at double precision",
        "ALTER TABLE users ADD COLUMN last_login_at double precision",
        "ALTER TABLE sessions ADD COLUMN user_id bigint",
        """
        UPDATE sessions SET user_id = (data::jsonb ->> '_auth_user_id')::bigint
        WHERE (data::jsonb ->> '_auth_user_id') ~ '^[0-9]{1,18}$'
        """,
        "CREATE INDEX sessions_user_id ON sessions (user_id)",
    ]

    public func createUser(username: String, role: Role, passwordHash: String, now: Date) async throws -> User {
        do {
            let id = try await withConnection { connection in
                let rows = try await connection.query(
                    """
                    INSERT INTO users (username, role, password_hash, created_at)
                    VALUES (\(username), \(role.rawValue), \(passwordHash), \(now.timeIntervalSince1970)) RETURNING id
                    """, logger: logger)
                return try await rows.decode(Int64.self).first { _ in true }
            }
            guard let id else { throw StoreError.unavailable("the new user's id was not returned") }
            return User(id: id, username: username, role: role, passwordHash: passwordHash, createdAt: now)
        } catch  where Self.sqlState(error) == Self.uniqueViolation {
            throw StoreError.duplicate(username)
        }
    }

    public func user(named username: String) async throws -> User? {
        try await users("SELECT \(unescaped: Self.userColumns) FROM users WHERE username = \(username)").first
    }

    public func user(id: Int64) async throws -> User? {
        try await users("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)").first
    }

    public func userCount() async throws -> Int {
        try await read { connection in
            let rows = try await connection.query("SELECT count(*) FROM users", logger: logger)
            return try await rows.decode(Int.self).first { _ in true } ?? 0
        }
    }

    /// The columns ``users(_:on:)`` decodes, in order.
    static let userColumns = "id, username, role, password_hash, created_at, disabled_at, last_login_at"

    /// The users `query` selects, as ``userColumns``.
    func users(_ query: PostgresQuery) async throws -> [User] {
        try await read { connection in try await users(query, on: connection) }
    }

    /// The users `query` selects on `connection`, as ``userColumns``.
    func users(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [User] {
        var users: [User] = []
        for try await (id, username, role, hash, created, disabled, lastLogin) in try await connection.query(
            query, logger: logger
        ).decode((Int64, String, String, String, Double, Double?, Double?).self) {
            users.append(
                User(
                    id: id, username: username, role: Role(rawValue: role) ?? .editor, passwordHash: hash,
                    createdAt: Date(timeIntervalSince1970: created),
                    disabledAt: disabled.map { Date(timeIntervalSince1970: $0) },
                    lastLoginAt: lastLogin.map { Date(timeIntervalSince1970: $0) }))
        }
        return users
    }

    /// SQLSTATE `unique_violation`.
    static let uniqueViolation = "23505"
}

extension PostgreSQLStore: SessionStore {
    public func session(key: String, now: Date) async throws -> SessionRecord? {
        let found = try await read { connection in
            try await connection.query(
                """
                SELECT data, expires_at FROM sessions WHERE key = \(key) AND expires_at > \(now.timeIntervalSince1970)
                """, logger: logger
            ).decode((String, Double).self).first { _ in true }
        }
        guard let (json, expiresAt) = found else { return nil }
        let data = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
        return SessionRecord(key: key, data: data, expiresAt: Date(timeIntervalSince1970: expiresAt))
    }

    public func saveSession(_ session: SessionRecord) async throws {
        let json = try DatasetRow.json(session.data)
        try await run(
            """
            INSERT INTO sessions (key, data, expires_at, user_id)
            VALUES (\(session.key), \(json), \(session.expiresAt.timeIntervalSince1970), \(session.userID))
            ON CONFLICT (key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at,
                user_id = excluded.user_id
            """)
    }

    public func deleteSession(key: String) async throws {
        try await run("DELETE FROM sessions WHERE key = \(key)")
    }

    @discardableResult public func purgeExpiredSessions(now: Date) async throws -> Int {
        try await run("DELETE FROM sessions WHERE expires_at <= \(now.timeIntervalSince1970) RETURNING 1")
    }
}

extension PostgreSQLStore: ConsentLog {
    public func appendConsent(_ entry: ConsentLogEntry) async throws {
        try await run(
            """
            INSERT INTO consent_log (created_at, policy_version, categories, services, action)
            VALUES (\(entry.date.timeIntervalSince1970), \(entry.policyVersion), \(entry.acceptedCategories),
                    \(entry.acceptedServices), \(entry.action))
            """)
    }

    public func recentConsents(limit: Int) async throws -> [ConsentLogEntry] {
        let limit = max(0, limit)
        return try await read { connection in
            var entries: [ConsentLogEntry] = []
            let rows = try await connection.query(
                """
                SELECT created_at, policy_version, categories, services, action FROM consent_log
                ORDER BY id DESC LIMIT \(limit)
                """, logger: logger)
            for try await (created, policy, categories, services, action) in rows.decode(
                (Double, String, String, String, String).self)
            {
                entries.append(
                    ConsentLogEntry(
                        date: Date(timeIntervalSince1970: created), policyVersion: policy,
                        acceptedCategories: categories, acceptedServices: services, action: action))
            }
            return entries
        }
    }

    /// Deletes the proofs of consent recorded before `cutoff` (the end of their retention period); returns how many.
    @discardableResult public func purgeConsents(before cutoff: Date) async throws -> Int {
        try await run("DELETE FROM consent_log WHERE created_at < \(cutoff.timeIntervalSince1970) RETURNING 1")
    }
}

extension PostgreSQLStore: ApiKeyStore {
    public func createApiKey(userID: Int64, label: String, keyHash: String, prefix: String, now: Date) async throws
        -> ApiKey
    {
        let created = now.timeIntervalSince1970
        do {
            let row = try await withConnection { connection in
                try await connection.query(
                    """
                    INSERT INTO api_keys (user_id, label, key_hash, prefix, created_at)
                    SELECT id, \(label), \(keyHash), \(prefix), \(created) FROM users WHERE id = \(userID)
                    RETURNING id, (SELECT username FROM users WHERE id = \(userID))
                    """, logger: logger
                ).decode((Int64, String).self).first { _ in true }
            }
            guard let (id, username) = row else { throw StoreError.notFound("user \(userID)") }
            return ApiKey(
                id: id, userID: userID, username: username, label: label, keyHash: keyHash, prefix: prefix,
                createdAt: now)
        } catch  where Self.sqlState(error) == Self.uniqueViolation {
            throw StoreError.duplicate("api key")
        }
    }

    public func apiKeys(userID: Int64?) async throws -> [ApiKey] {
        try await apiKeys(
            """
            SELECT k.id, k.user_id, u.username, k.label, k.key_hash, k.prefix, k.created_at, k.last_used_at,
                   k.revoked_at
            FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE \(userID)::bigint IS NULL OR k.user_id = \(userID) ORDER BY k.id DESC
            """)
    }

    public func activeApiKey(hash: String) async throws -> ApiKey? {
        try await apiKeys(
            """
            SELECT k.id, k.user_id, u.username, k.label, k.key_hash, k.prefix, k.created_at, k.last_used_at,
                   k.revoked_at
            FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE k.key_hash = \(hash) AND k.revoked_at IS NULL AND u.disabled_at IS NULL
            """
        ).first
    }

    @discardableResult
    public func revokeApiKey(id: Int64, userID: Int64?, now: Date) async throws -> Bool {
        try await run(
            """
            UPDATE api_keys SET revoked_at = \(now.timeIntervalSince1970)
            WHERE id = \(id) AND revoked_at IS NULL AND (\(userID)::bigint IS NULL OR user_id = \(userID))
            RETURNING 1
            """) > 0
    }

    public func touchApiKey(id: Int64, now: Date) async throws {
        try await run("UPDATE api_keys SET last_used_at = \(now.timeIntervalSince1970) WHERE id = \(id)")
    }

    /// The keys `query` selects, with the columns of ``apiKeys(userID:)``.
    private func apiKeys(_ query: PostgresQuery) async throws -> [ApiKey] {
        try await read { connection in
            var keys: [ApiKey] = []
            let rows = try await connection.query(query, logger: logger)
            for try await (id, userID, username, label, hash, prefix, created, used, revoked) in rows.decode(
                (Int64, Int64, String, String, String, String, Double, Double?, Double?).self)
            {
                keys.append(
                    ApiKey(
                        id: id, userID: userID, username: username, label: label, keyHash: hash, prefix: prefix,
                        createdAt: Date(timeIntervalSince1970: created),
                        lastUsedAt: used.map { Date(timeIntervalSince1970: $0) },
                        revokedAt: revoked.map { Date(timeIntervalSince1970: $0) }))
            }
            return keys
        }
    }
}
