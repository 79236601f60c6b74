import Foundation
import Hummingbird
import Store
import Web

/// Authentication and rate limiting of the data API (`/api/…` and the legacy download link).
///
/// - A CORS preflight (`OPTIONS`) is answered at once, allowing the `Authorization` header, never
///   credentials.
/// - A presented API key is looked up by its SHA-256; an unknown, malformed or revoked one gets a
///   401, whatever the endpoint. A valid key becomes ``APIAccess/current`` for the handler.
/// - With a limiter, each client (its key if valid, else its address as resolved by the request
///   origin middleware) gets `limit` requests a minute; past that, a 429 with Opendatasoft's quota
///   body. Every limited response carries `X-RateLimit-Limit/Remaining/Reset`.
///
/// Keys are never logged: this type logs nothing, and other layers log paths without queries.
struct APIAccessMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let keys: any ApiKeyStore
    let limiter: RateLimiter?
    let clock: @Sendable () -> Date
    /// How stale `last_used_at` may get before a request refreshes it, so that a busy key does
    /// not write to the database on every call.
    static let lastUsedResolution: TimeInterval = 60

    /// The data API's access layer: `keys` checked, `rateLimit` requests a minute per client (0 for no limit).
    init(keys: any ApiKeyStore, rateLimit: Int, clock: @escaping @Sendable () -> Date) {
        self.keys = keys
        limiter = rateLimit > 0 ? RateLimiter(limit: rateLimit) : nil
        self.clock = clock
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard Self.isAPIPath(request.uri.path) else { return try await next(request, context) }
        if request.method == .options { return Self.preflight() }
        let presented = APIAccess.presentedKey(in: request)
        let now = clock()
        var key: ApiKey?
        if let presented { key = try await resolve(presented, now: now) }
        var decision: RateLimiter.Decision?
        if let limiter {
            let client = key.map { "key:\($0.id)" } ?? "address:" + context.visit.with { $0.clientAddress }
            let taken = limiter.take(client, now: now)
            guard taken.allowed else { return Self.limited(Self.tooManyRequests(taken, now: now), by: taken, now: now) }
            decision = taken
        }
        var response: Response
        if presented != nil && key == nil {
            response = APIError(status: .unauthorized, code: "InvalidAPIKeyError", message: "API key is not valid.").response()
        } else {
            do {
                response =
                    if let key {
                        try await APIAccess.$current.withValue(APIAccess(key: key)) { try await next(request, context) }
                    } else {
                        try await next(request, context)
                    }
            } catch let error as APIError {
                response = error.response()
            }
        }
        // Private datasets depend on the key: a cache must not answer a keyed request with an anonymous answer.
        response.headers.addVary("Authorization")
        return decision.map { Self.limited(response, by: $0, now: now) } ?? response
    }

    /// `/api/…`, and the legacy download link of older clients (`/explore/dataset/{id}/download/`).
    static func isAPIPath(_ path: String) -> Bool {
        if path.hasPrefix("/api/") { return true }
        // Every page request asks: test the ends first, and split nothing.
        let prefix = "/explore/dataset/"
        guard path.hasPrefix(prefix) else { return false }
        var id = path.dropFirst(prefix.utf8.count)
        if id.hasSuffix("/") { id = id.dropLast() }
        guard id.hasSuffix("/download") else { return false }
        id = id.dropLast("/download".utf8.count)
        return !id.isEmpty && !id.contains("/")
    }

    /// The active key for `presented`, recording its use; nil when it is not one.
    private func resolve(_ presented: String, now: Date) async throws -> ApiKey? {
        guard ApiKey.isWellFormed(presented), let key = try await keys.activeApiKey(hash: ApiKey.hash(of: presented)) else {
            return nil
        }
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.lastUsedResolution }) ?? true {
            try await keys.touchApiKey(id: key.id, now: now)
        }
        return key
    }

    /// The answer to a CORS preflight: any origin, GET only, the `Authorization` header allowed,
    /// no credentials.
    static func preflight() -> Response {
        Response(
            status: .noContent,
            headers: [
                .accessControlAllowMethods: "GET, HEAD, OPTIONS",
                .accessControlAllowHeaders: "Authorization",
                .accessControlMaxAge: "86400",
            ]
        )
    }

    /// Opendatasoft's quota body (`errorcode` 10002) with `Retry-After`.
    static func tooManyRequests(_ decision: RateLimiter.Decision, now: Date) -> Response {
        let reset = Date(timeIntervalSince1970: decision.resetAt.timeIntervalSince1970.rounded(.up)).formatted(.iso8601)
        let body =
            #"{"errorcode":10002,"reset_time":"\#(reset)","limit_time_unit":"minute","call_limit":\#(decision.limit),"#
            + #""error":"Too many requests on the domain. Please contact the domain administrator."}"#
        let wait = max(1, Int(decision.resetAt.timeIntervalSince(now).rounded(.up)))
        return Response(
            status: .tooManyRequests,
            headers: [.contentType: "application/json; charset=utf-8", .retryAfter: String(wait)],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    /// `response` with the rate-limit headers of `decision`, readable by scripts of other origins.
    static func limited(_ response: Response, by decision: RateLimiter.Decision, now: Date) -> Response {
        var response = response
        response.headers[.xRateLimitLimit] = String(decision.limit)
        response.headers[.xRateLimitRemaining] = String(decision.remaining)
        response.headers[.xRateLimitReset] = String(Int(decision.resetAt.timeIntervalSince1970.rounded(.up)))
        response.headers[.accessControlExposeHeaders] = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After"
        return response
    }
}
