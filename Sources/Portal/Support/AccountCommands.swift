import Foundation
import Logging
import Store

/// What `garona user …` does besides `create`: list the accounts, change a role, disable, enable, set a password.
///
/// The rules are the back office's (the last enabled admin stays, disabling ends sessions, 12-character passwords),
/// and every change is audited with the actor ``AuditEntry/commandLine``. A refusal is a ``PortalSetupError`` with
/// its reason.
extension Portal {
    /// Every account, by username.
    public static func users(dataDirectory: String, database: DatabaseOptions = DatabaseOptions()) async throws -> [User] {
        try await openAccounts(dataDirectory, database).users()
    }

    /// `garona user set-role USER ROLE`.
    public static func setRole(
        _ role: Role, of username: String, dataDirectory: String, database: DatabaseOptions = DatabaseOptions()
    ) async throws {
        let store = try await openAccounts(dataDirectory, database)
        let user = try await existing(username, in: store)
        guard user.role != role else { return }
        try await refusingLastAdmin { _ = try await store.setRole(role, ofUser: user.id) }
        try await store.appendAudit(
            AuditEntry(at: Date(), actor: AuditEntry.commandLine, action: .userRole, target: username, detail: role.rawValue))
    }

    /// `garona user disable USER` (`disabled`) and `garona user enable USER`.
    public static func setDisabled(
        _ disabled: Bool, username: String, dataDirectory: String, database: DatabaseOptions = DatabaseOptions()
    ) async throws {
        let store = try await openAccounts(dataDirectory, database)
        let user = try await existing(username, in: store)
        guard user.isEnabled == disabled else { return }
        try await refusingLastAdmin { _ = try await store.setDisabled(disabled, ofUser: user.id, now: Date()) }
        try await store.appendAudit(
            AuditEntry(
                at: Date(), actor: AuditEntry.commandLine, action: disabled ? .userDisable : .userEnable,
                target: username))
    }

    /// `garona user passwd USER --password-stdin`: a new password, which ends every session of the account.
    public static func setPassword(
        _ password: String, username: String, dataDirectory: String, database: DatabaseOptions = DatabaseOptions()
    ) async throws {
        guard AccountRules.isAcceptablePassword(password) else {
            throw PortalSetupError("the password must have \(PasswordHasher.minimumLength) to 1024 characters")
        }
        let store = try await openAccounts(dataDirectory, database)
        let user = try await existing(username, in: store)
        let hash = try await PasswordHasher().hash(password)
        try await store.setPassword(hash: hash, ofUser: user.id, keepingSession: nil)
        try await store.appendAudit(
            AuditEntry(at: Date(), actor: AuditEntry.commandLine, action: .userPassword, target: username))
    }

    private static func openAccounts(_ dataDirectory: String, _ database: DatabaseOptions) async throws
        -> any StoreEngine
    {
        try await DataDirectory(path: dataDirectory).openStore(database, logger: Logger(label: "garona"))
    }

    private static func existing(_ username: String, in store: any StoreEngine) async throws -> User {
        guard let user = try await store.user(named: username) else {
            throw PortalSetupError("no account is named \"\(username)\"")
        }
        return user
    }

    private static func refusingLastAdmin(_ change: () async throws -> Void) async throws {
        do {
            try await change()
        } catch AccountError.lastAdmin {
            throw PortalSetupError("this is the last enabled admin: make another account admin first")
        }
    }
}
