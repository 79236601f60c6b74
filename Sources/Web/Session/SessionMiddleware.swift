import Foundation
import Hummingbird
import Store

/// Django's session middleware over a ``SessionStore``.
///
/// The `sessionid` cookie names a server-side row. It is written only when the session is
/// created or modified (a plain visit gets none). An unknown, expired or forged key is never
/// adopted: the visitor gets an empty session, the stale cookie is deleted, and a new key is
/// drawn when there is something to save. Responses of 500 and above save nothing.
public struct SessionMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    public static let cookieName = "sessionid"
    /// Two weeks, Django's `SESSION_COOKIE_AGE`.
    public static let maxAge = 1_209_600
    let environment: WebEnvironment

    public init(environment: WebEnvironment) {
        self.environment = environment
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let sent = context.visit.cookie(Self.cookieName, in: request)
        var record: SessionRecord?
        if let sent, Self.isWellFormed(sent) {
            record = try await environment.sessions.session(key: sent, now: environment.clock())
        }
        context.visit.with {
            $0.sessionCookieSent = sent != nil
            $0.sessionKey = record?.key
            $0.sessionData = record?.data ?? [:]
        }
        var response = try await next(request, context)
        guard response.status.code < 500 else { return response }
        let state = context.visit.snapshot
        let now = environment.clock()
        if state.sessionFlushed || state.sessionData.isEmpty {
            if let key = state.sessionKey, state.sessionFlushed || state.sessionModified {
                try await environment.sessions.deleteSession(key: key)
            }
            if state.sessionCookieSent {
                response.headers.append(SetCookie.deletion(of: Self.cookieName, secure: state.isSecure), now: now)
                response.headers.addVary("Cookie")
            }
        } else if state.sessionModified {
            var key = state.sessionKey
            if let old = key, state.sessionNeedsNewKey {
                try await environment.sessions.deleteSession(key: old)
                key = nil
            }
            let newKey = key ?? environment.random.string(length: 32, alphabet: TokenAlphabet.session)
            try await environment.sessions.saveSession(
                SessionRecord(key: newKey, data: state.sessionData, expiresAt: now.addingTimeInterval(Double(Self.maxAge)))
            )
            response.headers.append(
                SetCookie(name: Self.cookieName, value: newKey, maxAge: Self.maxAge, httpOnly: true, secure: state.isSecure),
                now: now
            )
            response.headers.addVary("Cookie")
        }
        return response
    }

    /// Keys we ever issue are 32 characters `[a-z0-9]`; anything else is not looked up.
    static func isWellFormed(_ key: String) -> Bool {
        key.utf8.count == 32 && key.utf8.allSatisfy { TokenAlphabet.session.contains($0) }
    }
}

extension Visit {
    /// The logged-in user's id, if the session has one.
    public var userID: Int64? { with { $0.sessionData[SessionKeys.userID].flatMap { Int64($0) } } }

    /// Django's `login()`: keeps the session's data under a new key (no session fixation), or
    /// starts an empty session when another user was logged in; then rotates the CSRF secret.
    public func logIn(userID: Int64, username: String, authHash: String, random: RandomSource) {
        with { state in
            if let current = state.sessionData[SessionKeys.userID], current != String(userID) {
                state.sessionData = [:]
            }
            state.sessionData[SessionKeys.userID] = String(userID)
            state.sessionData[SessionKeys.userHash] = authHash
            state.sessionData[SessionKeys.username] = username
            state.sessionModified = true
            state.sessionNeedsNewKey = true
            state.csrfSecret = CSRFToken.newSecret(random: random)
            state.csrfCookieNeedsUpdate = true
        }
    }

    /// Django's `session.flush()`: forgets everything and deletes the server-side row.
    public func flushSession() {
        with { state in
            state.sessionData = [:]
            state.sessionFlushed = true
            state.sessionModified = true
        }
    }
}
