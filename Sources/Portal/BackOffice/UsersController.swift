import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/users/` (admins only): the accounts with their role, state and last login; creating one, changing
/// its role, disabling and enabling it, setting a new password. Every change is audited.
///
/// The rules are the store's (``AccountAdministration``): the last enabled admin can be neither demoted nor
/// disabled, and disabling an account or setting its password ends its sessions at once. An editor gets a 403 page.
struct UsersController: Sendable {
    let accounts: any AccountAdministration
    /// Who is logged in.
    let users: SessionUsers
    let passwords: PasswordHasher
    let audit: AuditRecorder
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// Adds `users` and its actions to `backOffice`, the group under `/backoffice`.
    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("users") { request, context in
            try await users.withAdmin(request, context) { admin in
                let done = request.queryForm["done"].flatMap(UsersView.Notice.init(rawValue:))
                return try await page(for: admin, notice: done, request: request, context: context)
            }
        }
        backOffice.post("users") { request, context in
            try await users.withAdmin(request, context) { admin in
                try await create(by: admin, request: request, context: context)
            }
        }
        backOffice.post("users/{id}/role") { request, context in
            try await change(request, context) { admin, target in
                guard let role = Role(rawValue: context.visit.form["role"] ?? "") else {
                    throw PageError(.badRequest, messageKey: "error_bad_request")
                }
                guard role != target.role else { return .role }
                _ = try await accounts.setRole(role, ofUser: target.id)
                await audit.record(.userRole, by: admin.username, target: target.username, detail: role.rawValue)
                return .role
            }
        }
        backOffice.post("users/{id}/disable") { request, context in
            try await change(request, context) { admin, target in
                guard target.isEnabled else { return .disabled }
                _ = try await accounts.setDisabled(true, ofUser: target.id, now: clock())
                await audit.record(.userDisable, by: admin.username, target: target.username)
                return .disabled
            }
        }
        backOffice.post("users/{id}/enable") { request, context in
            try await change(request, context) { admin, target in
                guard !target.isEnabled else { return .enabled }
                _ = try await accounts.setDisabled(false, ofUser: target.id, now: clock())
                await audit.record(.userEnable, by: admin.username, target: target.username)
                return .enabled
            }
        }
        backOffice.post("users/{id}/password") { request, context in
            try await change(request, context) { admin, target in
                let password = context.visit.form["password"] ?? ""
                guard AccountRules.isAcceptablePassword(password) else { throw AccountRules.shortPassword }
                let hash = try await passwords.hash(password)
                // One's own password set here keeps this session, as on the account page.
                let own = target.id == admin.id
                let kept = own ? context.visit.with { $0.sessionKey } : nil
                try await accounts.setPassword(hash: hash, ofUser: target.id, keepingSession: kept)
                if own {
                    var changed = target
                    changed.passwordHash = hash
                    users.keepSession(of: changed, context)
                }
                await audit.record(.userPassword, by: admin.username, target: target.username)
                return .password
            }
        }
    }

    /// Runs `body`, a change by the logged-in admin to the account in the path, then goes back to the list with
    /// its notice; a refused change shows the list again with the reason.
    private func change(
        _ request: Request, _ context: PortalRequestContext,
        _ body: @escaping (User, User) async throws -> UsersView.Notice
    ) async throws -> Response {
        try await users.withAdmin(request, context) { admin in
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }), let target = try await accounts.user(id: id)
            else { throw PageError.notFound }
            do {
                let notice = try await body(admin, target)
                return redirect(to: "/backoffice/users/?done=\(notice.rawValue)", status: .seeOther)
            } catch AccountError.lastAdmin {
                let message = catalog.text("accounts_last_admin", in: context.visit.language)
                return try await page(for: admin, error: message, status: .conflict, request: request, context: context)
            } catch let error as PageError where error.messageKey == AccountRules.shortPassword.messageKey {
                let message = catalog.text(
                    error.messageKey, in: context.visit.language, ["min": String(PasswordHasher.minimumLength)])
                return try await page(for: admin, error: message, status: .badRequest, request: request, context: context)
            }
        }
    }

    private func create(by admin: User, request: Request, context: PortalRequestContext) async throws -> Response {
        let form = context.visit.form
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let role = Role(rawValue: form["role"] ?? "") ?? .editor
        let password = form["password"] ?? ""
        let language = context.visit.language
        let draft = UsersView.Draft(username: username, isAdmin: role == .admin)
        func refuse(_ key: String, _ status: HTTPResponse.Status) async throws -> Response {
            let message = catalog.text(
                key, in: language, ["min": String(PasswordHasher.minimumLength), "username": username])
            return try await page(
                for: admin, error: message, draft: draft, status: status, request: request, context: context)
        }
        guard AccountRules.isValidUsername(username) else { return try await refuse("accounts_invalid_username", .badRequest) }
        guard AccountRules.isAcceptablePassword(password) else {
            return try await refuse(AccountRules.shortPassword.messageKey, .badRequest)
        }
        let hash = try await passwords.hash(password)
        do {
            _ = try await accounts.createUser(username: username, role: role, passwordHash: hash, now: clock())
        } catch StoreError.duplicate {
            return try await refuse("accounts_username_taken", .conflict)
        }
        await audit.record(.userCreate, by: admin.username, target: username, detail: role.rawValue)
        return redirect(to: "/backoffice/users/?done=\(UsersView.Notice.created.rawValue)", status: .seeOther)
    }

    private func page(
        for admin: User, notice: UsersView.Notice? = nil, error: String? = nil, draft: UsersView.Draft? = nil,
        status: HTTPResponse.Status = .ok, request: Request, context: PortalRequestContext
    ) async throws -> Response {
        let language = context.visit.language
        let view = UsersView(
            accounts: try await accounts.users(), admin: admin, notice: notice.map { catalog.text($0.key, in: language) },
            error: error, draft: draft ?? UsersView.Draft(username: "", isAdmin: false),
            minimumPasswordLength: PasswordHasher.minimumLength,
            passwordHelp: catalog.text(
                "accounts_password_help", in: language, ["min": String(PasswordHasher.minimumLength)]))
        var response = renderer.page(
            "bo_users", title: catalog.text("accounts_users_title", in: language), values: ["page": view], status: status,
            request: request, context: context)
        response.headers[.cacheControl] = "private, no-store"
        return response
    }
}

/// The rules every way of creating an account or setting a password follows (back office and command line).
enum AccountRules {
    /// 1 to 150 letters, digits or `@.+-_`, as Django's usernames.
    static func isValidUsername(_ username: String) -> Bool {
        !username.isEmpty && username.count <= 150
            && username.allSatisfy { $0.isLetter || $0.isNumber || "@.+-_".contains($0) }
    }

    /// At least ``PasswordHasher/minimumLength`` characters, at most 1,024.
    static func isAcceptablePassword(_ password: String) -> Bool {
        (PasswordHasher.minimumLength...1_024).contains(password.count)
    }

    /// A password too short (or too long), as a 400 page.
    static let shortPassword = PageError(
        .badRequest, messageKey: "accounts_password_short", arguments: ["min": String(PasswordHasher.minimumLength)])
}
