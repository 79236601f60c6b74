import Foundation
import GRDB

extension SQLiteStore: UserStore {
    /// What migration v8 adds to accounts and sessions: when an account was disabled (NULL while enabled) and last
    /// logged in, and the account of each session, so that disabling an account ends its sessions at once.
    static let accountStateSchema = """
        ALTER TABLE users ADD COLUMN disabled_at REAL;
        ALTER TABLE users ADD COLUMN last_login_at REAL;
        ALTER TABLE sessions ADD COLUMN user_id INTEGER;
        UPDATE sessions SET user_id = CAST(json_extract(data, '$._auth_user_id') AS INTEGER)
            WHERE json_valid(data) AND json_extract(data, '$._auth_user_id') GLOB '[0-9]*';
        CREATE INDEX sessions_user_id ON sessions (user_id);
        """

    public func createUser(username: String, role: Role, passwordHash: String, now: Date) async throws -> User {
        do {
            let id = try await pool.write { db in
                try db.execute(
                    sql: "INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [username, role.rawValue, passwordHash, now.timeIntervalSince1970]
                )
                return db.lastInsertedRowID
            }
            return User(id: id, username: username, role: role, passwordHash: passwordHash, createdAt: now)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicate(username)
        }
    }

    public func user(named username: String) async throws -> User? {
        try await pool.read { db in
            try UserRow.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [username])?.user
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await pool.read { db in try Self.user(id: id, in: db) }
    }

    public func userCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0 }
    }

    /// Account `id` as `db` sees it.
    fileprivate static func user(id: Int64, in db: Database) throws -> User? {
        try UserRow.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id])?.user
    }
}

extension SQLiteStore: AccountAdministration {
    public func users() async throws -> [User] {
        try await pool.read { db in try UserRow.fetchAll(db, sql: "SELECT * FROM users ORDER BY username").map(\.user) }
    }

    public func setRole(_ role: Role, ofUser id: Int64) async throws -> User {
        try await pool.write { db in
            var user = try Self.requireUser(id: id, in: db)
            if role != .admin { try Self.keepAnAdmin(besides: user, in: db) }
            try db.execute(sql: "UPDATE users SET role = ? WHERE id = ?", arguments: [role.rawValue, id])
            user.role = role
            return user
        }
    }

    public func setDisabled(_ disabled: Bool, ofUser id: Int64, now: Date) async throws -> User {
        try await pool.write { db in
            var user = try Self.requireUser(id: id, in: db)
            if disabled {
                try Self.keepAnAdmin(besides: user, in: db)
                user.disabledAt = user.disabledAt ?? now
                try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id])
            } else {
                user.disabledAt = nil
            }
            try db.execute(
                sql: "UPDATE users SET disabled_at = ? WHERE id = ?",
                arguments: [user.disabledAt?.timeIntervalSince1970, id])
            return user
        }
    }

    public func setPassword(hash: String, ofUser id: Int64, keepingSession keptSession: String?) async throws {
        try await pool.write { db in
            _ = try Self.requireUser(id: id, in: db)
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, id])
            try db.execute(
                sql: "DELETE FROM sessions WHERE user_id = ? AND key IS NOT ?", arguments: [id, keptSession])
        }
    }

    public func recordLogin(ofUser id: Int64, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE users SET last_login_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
        }
    }

    /// Account `id`, or ``StoreError/notFound(_:)``.
    private static func requireUser(id: Int64, in db: Database) throws -> User {
        guard let user = try user(id: id, in: db) else { throw StoreError.notFound("user \(id)") }
        return user
    }

    /// Throws ``AccountError/lastAdmin`` when `user` is an enabled admin and no other enabled admin exists.
    private static func keepAnAdmin(besides user: User, in db: Database) throws {
        guard user.role == .admin, user.isEnabled else { return }
        let others =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?",
                arguments: [user.id]) ?? 0
        if others == 0 { throw AccountError.lastAdmin }
    }
}

/// A row of `users`.
private struct UserRow: Decodable, FetchableRecord {
    var id: Int64
    var username: String
    var role: String
    var passwordHash: String
    var createdAt: Double
    var disabledAt: Double?
    var lastLoginAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, username, role
        case passwordHash = "password_hash"
        case createdAt = "created_at"
        case disabledAt = "disabled_at"
        case lastLoginAt = "last_login_at"
    }

    var user: User {
        User(
            id: id, username: username, role: Role(rawValue: role) ?? .editor, passwordHash: passwordHash,
            createdAt: Date(timeIntervalSince1970: createdAt),
            disabledAt: disabledAt.map { Date(timeIntervalSince1970: $0) },
            lastLoginAt: lastLoginAt.map { Date(timeIntervalSince1970: $0) })
    }
}
