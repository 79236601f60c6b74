import CookieCharter
import HTTPTypes
import Hummingbird
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

    /// The request's cookies by name, once a middleware asked for one (see ``Visit/cookie(_:in:)``).
    var requestCookies: [String: String]?

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

    /// The value of the request's cookie `name`. The `Cookie` header is read once per request, not once per
    /// middleware that asks; as with Hummingbird's reader, the first cookie of a name counts.
    public func cookie(_ name: String, in request: Request) -> String? {
        if let parsed = with({ $0.requestCookies }) { return parsed[name] }
        var parsed: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let pair = pair.drop { $0 == " " || $0 == "\t" }
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let key = String(pair[..<equals])
                if parsed[key] == nil { parsed[key] = String(pair[pair.index(after: equals)...]) }
            }
        }
        with { $0.requestCookies = parsed }
        return parsed[name]
    }
}
