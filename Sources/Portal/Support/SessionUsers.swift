import Crypto
import Foundation
import Hummingbird
import Store
import Web

/// Who is logged in: the account a session names, as long as it is enabled and its password has not changed since
/// the login.
///
/// The session keeps a fingerprint of the password hash (``authHash(for:)``, keyed by the instance secret), as
/// Django's `_auth_user_hash` does: changing the password logs out every other session. Each call reads the account
/// again, so a deleted or disabled account or a changed password takes effect at the next request (the store also
/// deletes the account's sessions when it is disabled or its password changes).
///
/// Roles: every back-office page needs a logged-in user (``withUser(_:_:_:)``); the admin pages and actions need an
/// admin (``withAdmin(_:_:_:)``), and an editor gets a 403 page in their language.
struct SessionUsers: Sendable {
    /// The accounts.
    let accounts: any AccountAdministration
    /// The instance secret, shared by every node.
    let secret: [UInt8]

    /// A fingerprint of the user's password hash, kept in the session.
    func authHash(for user: User) -> String {
        let key = SymmetricKey(data: secret)
        let code = HMAC<SHA256>.authenticationCode(for: Data(("garona.auth:" + user.passwordHash).utf8), using: key)
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// The logged-in user, or nil. A session whose user vanished, was disabled or changed password is flushed.
    func currentUser(_ context: PortalRequestContext) async throws -> User? {
        guard let id = context.visit.userID else { return nil }
        let stored = context.visit.with { $0.sessionData[SessionKeys.userHash] }
        guard let user = try await accounts.user(id: id), user.isEnabled, let stored,
            constantTimeEquals(stored, authHash(for: user))
        else {
            context.visit.flushSession()
            return nil
        }
        return user
    }

    /// Runs `body` for the logged-in user, its answer marked private, else redirects to the login page, which comes
    /// back here once logged in.
    func withUser(
        _ request: Request, _ context: PortalRequestContext, _ body: (User) async throws -> Response
    ) async throws -> Response {
        guard let user = try await currentUser(context) else {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return redirect(to: "/login?next=" + next.urlQueryEncoded)
        }
        var response = try await body(user)
        response.headers[.cacheControl] = "private, no-store"
        return response
    }

    /// Keeps this session logged in after `user` (changed) set their own password: the session takes the new
    /// fingerprint and a new key, while the store has deleted the user's other sessions.
    func keepSession(of user: User, _ context: PortalRequestContext) {
        let hash = authHash(for: user)
        context.visit.with { state in
            state.sessionData[SessionKeys.userHash] = hash
            state.sessionModified = true
            state.sessionNeedsNewKey = true
        }
    }

    /// Runs `body` for the logged-in admin, like ``withUser(_:_:_:)``; a logged-in editor gets a 403 page.
    func withAdmin(
        _ request: Request, _ context: PortalRequestContext, _ body: (User) async throws -> Response
    ) async throws -> Response {
        try await withUser(request, context) { user in
            guard user.role == .admin else { throw PageError.adminOnly }
            return try await body(user)
        }
    }

    /// Whether this visitor sees private datasets: a logged-in editor or admin does.
    func seesPrivateDatasets(_ context: PortalRequestContext) async throws -> Bool {
        guard context.visit.userID != nil else { return false }
        return try await currentUser(context) != nil
    }
}

/// The public datasets of `catalog`, and the private ones too when `includingPrivate`.
func visibleDatasets(in catalog: any DatasetCatalog, includingPrivate: Bool) async throws -> [Dataset] {
    let all = try await catalog.datasets()
    return includingPrivate ? all : all.filter { $0.metadata.visibility == .public }
}

extension PageError {
    /// An admin page or action asked for by an editor: a 403 in the visitor's language.
    static let adminOnly = PageError(.forbidden, messageKey: "accounts_admin_only")
}
