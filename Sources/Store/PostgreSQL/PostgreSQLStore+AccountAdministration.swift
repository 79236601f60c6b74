import Foundation
import PostgresNIO

extension PostgreSQLStore: AccountAdministration {
    public func users() async throws -> [User] {
        try await users("SELECT \(unescaped: Self.userColumns) FROM users ORDER BY username")
    }

    public func setRole(_ role: Role, ofUser id: Int64) async throws -> User {
        try await withTransaction { connection in
            var user = try await lockedUser(id: id, on: connection)
            if role != .admin { try await keepAnAdmin(besides: user, on: connection) }
            try await run("UPDATE users SET role = \(role.rawValue) WHERE id = \(id)", on: connection)
            user.role = role
            return user
        }
    }

    public func setDisabled(_ disabled: Bool, ofUser id: Int64, now: Date) async throws -> User {
        try await withTransaction { connection in
            var user = try await lockedUser(id: id, on: connection)
            if disabled {
                try await keepAnAdmin(besides: user, on: connection)
                user.disabledAt = user.disabledAt ?? now
                try await run("DELETE FROM sessions WHERE user_id = \(id)", on: connection)
            } else {
                user.disabledAt = nil
            }
            try await run(
                "UPDATE users SET disabled_at = \(user.disabledAt?.timeIntervalSince1970) WHERE id = \(id)",
                on: connection)
            return user
        }
    }

    public func setPassword(hash: String, ofUser id: Int64, keepingSession keptSession: String?) async throws {
        try await withTransaction { connection in
            _ = try await lockedUser(id: id, on: connection)
            try await run("UPDATE users SET password_hash = \(hash) WHERE id = \(id)", on: connection)
            try await run(
                "DELETE FROM sessions WHERE user_id = \(id) AND key IS DISTINCT FROM \(keptSession)", on: connection)
        }
    }

    public func recordLogin(ofUser id: Int64, now: Date) async throws {
        try await run("UPDATE users SET last_login_at = \(now.timeIntervalSince1970) WHERE id = \(id)")
    }

    /// Account `id`, its row locked until the transaction ends, or ``StoreError/notFound(_:)``.
    private func lockedUser(id: Int64, on connection: PostgresConnection) async throws -> User {
        let found = try await users(
            "SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id) FOR UPDATE", on: connection)
        guard let user = found.first else { throw StoreError.notFound("user \(id)") }
        return user
    }

    /// Throws ``AccountError/lastAdmin`` when `user` is an enabled admin and no other enabled admin exists.
    ///
    /// It takes the transaction lock ``adminsLockKey`` first (`user`'s row is already locked): a concurrent demotion
    /// or disabling, on any node, waits for this transaction, then counts the admins it left, so that two admins
    /// cannot each leave the other as the last one. (Locking the other admins' rows would take locks in a different
    /// order in the two transactions, a deadlock.)
    private func keepAnAdmin(besides user: User, on connection: PostgresConnection) async throws {
        try await run("SELECT pg_advisory_xact_lock(\(Self.adminsLockKey))", on: connection)
        guard user.role == .admin, user.isEnabled else { return }
        let others = try await run(
            "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> \(user.id)", on: connection)
        if others == 0 { throw AccountError.lastAdmin }
    }

    /// The transaction lock held while a change may remove an admin: `garona-admins` as an int8.
    static let adminsLockKey: Int64 = 0x6761_726F_6E61_6164
}
