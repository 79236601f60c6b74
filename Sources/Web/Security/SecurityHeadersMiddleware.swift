import CookieCharter
import Hummingbird

/// Adds the security headers every response carries.
///
/// The Content-Security-Policy allows no inline script and no framing; it opens images to a
/// consent service's origins only once the visitor has accepted that service, so the browser
/// itself refuses to contact a third party before consent.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    let registry: CookieRegistry

    public init(registry: CookieRegistry) {
        self.registry = registry
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        let consent = context.visit.consent
        let origins = registry.services.filter { consent.allows($0) }.flatMap(\.origins)
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
        return response
    }
}
