import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/account/` (every logged-in user): one's own account, and changing one's own password.
///
/// The current password is required and the new one must have ``PasswordHasher/minimumLength`` characters. A change
/// ends every other session of the user (the store deletes them, and their password fingerprint no longer matches);
/// this one stays logged in under a new key. The change is audited.
struct AccountController: Sendable {
    let accounts: any AccountAdministration
    /// Who is logged in.
    let users: SessionUsers
    let passwords: PasswordHasher
    let audit: AuditRecorder
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog

    /// Adds `account` and its password change to `backOffice`, the group under `/backoffice`.
    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        backOffice.get("account") { request, context in
            try await users.withUser(request, context) { user in
                page(for: user, saved: request.queryForm["saved"] != nil, request: request, context: context)
            }
        }
        backOffice.post("account/password") { request, context in
            try await users.withUser(request, context) { user in
                try await changePassword(of: user, request: request, context: context)
            }
        }
    }

    private func changePassword(of user: User, request: Request, context: PortalRequestContext) async throws -> Response {
        let form = context.visit.form
        let current = form["current_password"] ?? ""
        let new = form["new_password"] ?? ""
        let language = context.visit.language
        func refuse(_ key: String) -> Response {
            let message = catalog.text(key, in: language, ["min": String(PasswordHasher.minimumLength)])
            return page(for: user, error: message, status: .badRequest, request: request, context: context)
        }
        guard try await passwords.verify(current, hash: user.passwordHash) else {
            return refuse("accounts_current_password_wrong")
        }
        guard AccountRules.isAcceptablePassword(new) else { return refuse(AccountRules.shortPassword.messageKey) }
        guard new == form["new_password_again"] else { return refuse("accounts_passwords_differ") }
        var changed = user
        changed.passwordHash = try await passwords.hash(new)
        try await accounts.setPassword(
            hash: changed.passwordHash, ofUser: user.id, keepingSession: context.visit.with { $0.sessionKey })
        users.keepSession(of: changed, context)
        await audit.record(.userPassword, by: user.username, target: user.username)
        return redirect(to: "/backoffice/account/?saved=1", status: .seeOther)
    }

    private func page(
        for user: User, saved: Bool = false, error: String? = nil, status: HTTPResponse.Status = .ok, request: Request,
        context: PortalRequestContext
    ) -> Response {
        let language = context.visit.language
        let view = AccountView(
            username: user.username, isAdmin: user.role == .admin, saved: saved, error: error,
            minimumPasswordLength: PasswordHasher.minimumLength,
            passwordHelp: catalog.text("accounts_password_help", in: language, ["min": String(PasswordHasher.minimumLength)]))
        var response = renderer.page(
            "bo_account", title: catalog.text("accounts_account_title", in: language), values: ["page": view],
            status: status, request: request, context: context)
        response.headers[.cacheControl] = "private, no-store"
        return response
    }
}
