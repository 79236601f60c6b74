import Crypto
import Foundation
import Hummingbird
import Store
import Web

/// Who is logged in: the account a session names, as long as its password has not changed since the login.
///
/// The session keeps a fingerprint of the password hash (``authHash(for:)``, keyed by the instance secret), as
/// Django's `_auth_user_hash` does: changing the password logs out every other session. Each call reads the account
/// again, so a deleted account or a changed password takes effect at the next request.
struct SessionUsers: Sendable {
    /// The accounts.
    let accounts: any UserStore
    /// The instance secret, shared by every node.
    let secret: [UInt8]

    /// A fingerprint of the user's password hash, kept in the session.
    func authHash(for user: User) -> String {
        let key = SymmetricKey(data: secret)
        let code = HMAC<SHA256>.authenticationCode(for: Data(("garona.auth:" + user.passwordHash).utf8), using: key)
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// The logged-in user, or nil. A session whose user vanished or changed password is flushed.
    func currentUser(_ context: PortalRequestContext) async throws -> User? {
        guard let id = context.visit.userID else { return nil }
        let stored = context.visit.with { $0.sessionData[SessionKeys.userHash] }
        guard let user = try await accounts.user(id: id), let stored,
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
