import Foundation
import Hummingbird
import Store
import Web

/// Logging in and out: `/login` and `/logout`.
///
/// It reads accounts and records their last login; a login writes the session (through the request's visit),
/// throttled per account and per client by ``LoginThrottle``. Logins, failed logins (the username typed, never the
/// password or the address) and logouts are audited. A disabled account cannot log in: it gets the same answer as a
/// wrong password.
struct AuthController: Sendable {
    /// The accounts, and the password fingerprint kept in the session.
    let users: SessionUsers
    let audit: AuditRecorder
    let throttle: LoginThrottle
    let passwords: PasswordHasher
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date
    /// Where new session keys come from.
    let random: RandomSource

    /// Adds `/login` and `/logout` to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.get("/login") { request, context in
            let next = request.queryForm["next"] ?? "/backoffice/"
            return loginPage(request: request, context: context, next: next)
        }
        router.post("/login") { request, context in try await logIn(request: request, context: context) }
        router.post("/logout") { _, context in
            if let user = try await users.currentUser(context) {
                await audit.record(.logout, by: user.username, target: user.username)
            }
            context.visit.flushSession()
            var response = redirect(to: "/")
            response.headers[.cacheControl] = "max-age=0, no-cache, no-store, must-revalidate, private"
            return response
        }
        router.get("/logout") { _, _ -> Response in
            throw PageError(.methodNotAllowed, messageKey: "error_method_not_allowed", headers: [.allow: "POST, OPTIONS"])
        }
    }

    private func loginPage(
        request: Request, context: PortalRequestContext, next: String, error: String? = nil, username: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var values: [String: Any] = ["next": next, "username": username]
        if let error { values["error"] = error }
        var response = renderer.page(
            "login",
            title: catalog.text("login_title", in: context.visit.language),
            values: values,
            status: status,
            request: request,
            context: context
        )
        response.headers[.cacheControl] = "private, no-store"
        return response
    }

    /// Checks a login. The attempt is counted as a failure before the password is checked (and forgiven on
    /// success), and the check waits for one of the few bcrypt slots (``LoginThrottle/enterCheck(account:)``): a
    /// locked account or client, or no slot in time, gets the "too many attempts" page (429) at once.
    private func logIn(request: Request, context: PortalRequestContext) async throws -> Response {
        let form = context.visit.form
        let username = String((form["username"] ?? "").prefix(150))
        let password = form["password"] ?? ""
        let next = form["next"] ?? "/backoffice/"
        let language = context.visit.language
        let client = context.visit.with { $0.clientAddress }
        let now = clock()
        let reservation: LoginThrottle.Reservation
        switch throttle.reserve(account: username, client: client, now: now) {
        case .locked(let until):
            let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
            let message = catalog.text("login_throttled", in: language, ["minutes": String(minutes)])
            return throttledPage(
                request: request, context: context, next: next, message: message, username: username, retryAfter: minutes * 60)
        case .admitted(let admitted):
            reservation = admitted
        }
        guard await throttle.enterCheck(account: username) else {
            // The attempt stays counted: a flood of parallel guesses uses up the account's tries without a check.
            let message = catalog.text("login_busy", in: language)
            return throttledPage(
                request: request, context: context, next: next, message: message, username: username, retryAfter: 5)
        }
        let user: User?
        let valid: Bool
        do {
            defer { throttle.leaveCheck(account: username) }
            user = username.isEmpty ? nil : try await users.accounts.user(named: username)
            valid = try await passwords.verify(password, hash: user?.passwordHash)
        }
        guard valid, let user, user.isEnabled else {
            if !username.isEmpty {
                let detail = valid ? "disabled" : ""
                await audit.record(.loginFailed, by: username, target: username, detail: detail)
            }
            return loginPage(
                request: request, context: context, next: next, error: catalog.text("login_invalid", in: language),
                username: username
            )
        }
        throttle.release(reservation)
        try await users.accounts.recordLogin(ofUser: user.id, now: now)
        await audit.record(.login, by: user.username, target: user.username)
        context.visit.logIn(userID: user.id, username: user.username, authHash: users.authHash(for: user), random: random)
        return redirect(to: safeNext(next, context: context, fallback: "/backoffice/"))
    }

    /// The login page with a "too many attempts" message, as a 429 with `Retry-After`.
    private func throttledPage(
        request: Request, context: PortalRequestContext, next: String, message: String, username: String, retryAfter: Int
    ) -> Response {
        var response = loginPage(
            request: request, context: context, next: next, error: message, username: username, status: .tooManyRequests)
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }
}
