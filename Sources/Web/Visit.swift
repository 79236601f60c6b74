import CookieCharter
import Synchronization

/// Everything the middlewares learn and decide about one request, shared between them and the
/// route handler.
///
/// Middlewares fill it on the way in (origin, language, consent, session, CSRF secret); the
/// handler changes it (logs in, uses a CSRF token, records a choice); middlewares read it on the
/// way out to write the right cookies.
public struct VisitState: Sendable {
    // Where the request came from.
    public var isSecure = false
    /// Django's `get_host()`: the Host header, or `X-Forwarded-Host` from a trusted proxy.
    public var host = ""
    /// The client's address. Used for throttling only; never logged.
    public var clientAddress = ""

    public var language: Language = .default
    public var consent: ConsentState = .undecided

    // The session (`sessionid`).
    public var sessionCookieSent = false
    public var sessionKey: String?
    public var sessionData: [String: String] = [:]
    public var sessionModified = false
    public var sessionNeedsNewKey = false
    public var sessionFlushed = false

    // CSRF (`csrftoken`).
    public var csrfSecret: String?
    public var csrfCookieNeedsUpdate = false
    /// A multipart POST whose token travels in the body: its route must call
    /// ``CSRFMiddleware/verifyDeferredToken(_:context:)`` before using any part.
    public var csrfTokenDeferred = false

    /// The parsed form body of a POST, once the CSRF middleware has read it.
    public var form = FormData()

    public init() {}
}

/// The per-request ``VisitState``, behind a lock so it can travel in a `Sendable` context.
public final class Visit: Sendable {
    private let state = Mutex(VisitState())

    public init() {}

    /// Reads or changes the state.
    public func with<Result: Sendable>(_ body: (inout VisitState) -> Result) -> Result {
        state.withLock { body(&$0) }
    }

    /// A snapshot of the state.
    public var snapshot: VisitState { with { $0 } }

    public var language: Language { with { $0.language } }
    public var consent: ConsentState { with { $0.consent } }
    public var form: FormData { with { $0.form } }
}
