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
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [username]).map(Self.user)
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(Self.user)
        }
    }

    public func userCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0 }
    }

    private static func user(_ row: Row) -> User {
        User(
            id: row["id"],
            username: row["username"],
            role: Role(rawValue: row["role"]) ?? .editor,
            passwordHash: row["password_hash"],
            createdAt: Date(timeIntervalSince1970: row["created_at"])
        )
    }
}
