import Foundation

/// Managing back-office accounts: roles, disabling, passwords, logins. Conformers: ``SQLiteStore``,
/// ``PostgreSQLStore``.
///
/// Every change that could leave the instance without an enabled admin (demoting or disabling one) is checked and
/// made in one transaction, so that two admins demoting each other at once cannot both succeed: one of them gets
/// ``AccountError/lastAdmin``. Disabling an account or changing its password deletes its sessions in the same
/// transaction.
public protocol AccountAdministration: UserStore {
    /// Every account, by username.
    func users() async throws -> [User]
    /// Gives account `id` the role `role` and returns it changed.
    /// - Throws: ``AccountError/lastAdmin`` when it is the last enabled admin and `role` is not admin,
    ///   ``StoreError/notFound(_:)`` when there is no such account.
    func setRole(_ role: Role, ofUser id: Int64) async throws -> User
    /// Disables account `id` (from `now`) and ends all its sessions, or enables it again; returns it changed.
    /// Disabling a disabled account keeps its first date.
    /// - Throws: ``AccountError/lastAdmin`` when disabling the last enabled admin, ``StoreError/notFound(_:)``.
    func setDisabled(_ disabled: Bool, ofUser id: Int64, now: Date) async throws -> User
    /// Sets the password hash of account `id` and deletes its sessions, all but the one with key `keptSession`
    /// (the session of the user who changes their own password).
    /// - Throws: ``StoreError/notFound(_:)``.
    func setPassword(hash: String, ofUser id: Int64, keepingSession keptSession: String?) async throws
    /// Records that account `id` logged in at `now`.
    func recordLogin(ofUser id: Int64, now: Date) async throws
}

/// A change to accounts that the rules refuse.
public enum AccountError: Error, Sendable, Equatable {
    /// The change would leave no enabled admin.
    case lastAdmin
}

extension SessionRecord {
    /// The session key that holds the logged-in user's id (Django's `_auth_user_id`); the engines store it in a
    /// column of its own, so that the sessions of an account can be ended.
    public static let userIDKey = "_auth_user_id"

    /// The logged-in user's id, if the session has one.
    public var userID: Int64? { data[Self.userIDKey].flatMap { Int64($0) } }
}
