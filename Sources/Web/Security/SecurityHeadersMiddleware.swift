import CookieCharter
import Hummingbird

/// Adds the security headers every response carries.
///
/// The Content-Security-Policy allows no inline script and no framing; it opens images to a
/// consent service's origins only once the visitor has accepted that service, so the browser
/// itself refuses to contact a third party before consent.
///
/// - `Strict-Transport-Security` goes on every answer to a request that arrived over HTTPS (as
///   ``RequestOriginMiddleware`` decided: `X-Forwarded-Proto` from a trusted proxy), never on plain HTTP,
///   where browsers ignore it and where it would only mislead. It has no `includeSubDomains`: a region's
///   portal (`data.region.example`) often shares its name with hosts of other teams (a tile server, an old
///   file share) that still answer over HTTP only, and pinning them all to HTTPS for a year is the domain
///   owner's decision, made at the proxy, not Garona's.
/// - `Cache-Control: private, no-store` goes on every answer to a logged-in visitor, and to a data API
///   call that presents an API key: such answers may show private datasets or the user's name, and no
///   shared cache or browser history may keep them. Static files keep their own caching; anonymous pages
///   keep theirs.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    /// The declared services in force, read per response (see ``LiveSite``).
    let site: LiveSite

    public init(site: LiveSite) {
        self.site = site
    }

    /// Headers over a fixed registry, for a router without run-time changes.
    public init(registry: CookieRegistry) {
        self.init(site: LiveSite(SiteState(registry: registry, siteName: "")))
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        let consent = context.visit.consent
        let origins = site.current.registry.services.filter { consent.allows($0) }.flatMap(\.origins)
        let images = (["'self'", "data:"] + origins).joined(separator: " ")
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src \(images); "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        if request.uri.path.hasPrefix("/api/") {
            // Public data: any site may read it, without credentials (no cookie is ever set there).
            response.headers[.accessControlAllowOrigin] = "*"
        }
        let (secure, loggedIn) = context.visit.with { ($0.isSecure, $0.sessionData[SessionKeys.userID] != nil) }
        if secure { response.headers[.strictTransportSecurity] = Self.strictTransportSecurity }
        if loggedIn || Self.presentsAPIKey(request), !request.uri.path.hasPrefix("/static/"),
            !(response.headers[.cacheControl]?.contains("no-store") ?? false)
        {
            response.headers[.cacheControl] = "private, no-store"
        }
        return response
    }

    /// One year, this host only (see the type's documentation for why not `includeSubDomains`).
    static let strictTransportSecurity = "max-age=31536000"

    /// Whether a data API request carries a key (header or `apikey` parameter), valid or not.
    static func presentsAPIKey(_ request: Request) -> Bool {
        guard request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/explore/dataset/") else { return false }
        return request.headers[.authorization] != nil || request.uri.queryParameters.get("apikey") != nil
    }
}
