import Foundation
import Hummingbird
import Logging

/// Django's `CsrfViewMiddleware` for Garona.
///
/// On the way in it reads the `csrftoken` cookie: a well-formed secret is kept; a legacy
/// 64-character masked cookie is unmasked and replaced by its secret; a malformed one is
/// replaced by a new secret. Safe methods (GET, HEAD, OPTIONS, TRACE) are never checked. Any
/// other method goes through ``CSRFPolicy``; a rejection is a 403 page that says
/// "CSRF verification failed. Request aborted." with Django's reason, and is logged with the
/// reason and the path only.
///
/// On the way out, the cookie is (re)sent whenever the page used the token or the secret
/// changed, with Django's attributes: one year, `SameSite=Lax`, readable by page scripts so they
/// can send `X-CSRFToken`.
public struct CSRFMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    public static let cookieName = "csrftoken"
    /// 52 weeks, Django's `CSRF_COOKIE_AGE`.
    public static let maxAge = 31_449_600
    public static let formField = "csrfmiddlewaretoken"
    let environment: WebEnvironment

    public init(environment: WebEnvironment) {
        self.environment = environment
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let cookie = context.visit.cookie(Self.cookieName, in: request)
        context.visit.with { state in
            guard let cookie else { return }
            if CSRFToken.formatProblem(cookie) != nil {
                state.csrfSecret = CSRFToken.newSecret(random: environment.random)
                state.csrfCookieNeedsUpdate = true
            } else if cookie.utf8.count == CSRFToken.maskedLength {
                state.csrfSecret = CSRFToken.unmask(cookie)
                state.csrfCookieNeedsUpdate = true
            } else {
                state.csrfSecret = cookie
            }
        }
        var request = request
        if ![.get, .head, .options, .trace].contains(request.method) {
            var formToken: String?
            if request.method == .post, Self.isURLEncodedForm(request) {
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: context.maxUploadSize)
                } catch let error as HTTPError {
                    // A body that cannot be read (too large, cut short) ends here, before any handler runs.
                    let page = ErrorMiddleware(environment: environment).render(
                        ErrorMiddleware.pageError(for: error), request: request, context: context
                    )
                    return withCookie(page, context: context)
                }
                let form = FormData(urlEncoded: Substring(String(buffer: body)))
                context.visit.with { $0.form = form }
                formToken = form[Self.formField]
            }
            let multipart =
                request.method == .post && Self.isMultipart(request)
                && environment.multipartPaths.contains(request.uri.path)
            let state = context.visit.snapshot
            let check = CSRFRequest(
                origin: request.headers[.origin],
                referer: request.headers[.referer],
                isSecure: state.isSecure,
                host: state.host,
                cookie: cookie,
                formToken: formToken,
                headerToken: request.headers[.xCSRFToken]
            )
            if let reason = environment.csrfPolicy.rejection(of: check, tokenInBody: multipart) {
                return withCookie(rejection(reason, request: request, context: context), context: context)
            }
            if multipart && check.headerToken == nil { context.visit.with { $0.csrfTokenDeferred = true } }
        }
        return withCookie(try await next(request, context), context: context)
    }

    /// Checks the token a multipart route read from its body, before it uses any other part.
    /// Returns the 403 page to send when the token is missing or wrong, nil when it is right.
    public func verifyDeferredToken(_ token: String?, request: Request, context: Context) -> Response? {
        let (deferred, secret) = context.visit.with { ($0.csrfTokenDeferred, $0.csrfSecret) }
        guard deferred else { return nil }
        let reason = secret.map { CSRFPolicy.check(token: token, secret: $0) } ?? "CSRF cookie not set."
        guard let reason else {
            context.visit.with { $0.csrfTokenDeferred = false }
            return nil
        }
        return rejection(reason, request: request, context: context)
    }

    /// Django's 403 page, with the reason; logged with the reason and the path only.
    func rejection(_ reason: String, request: Request, context: Context) -> Response {
        environment.logger.warning("Forbidden (\(reason)): \(request.uri.path)")
        return environment.renderer.page(
            "csrf_failure",
            title: "403 Forbidden",
            values: [
                "reason": reason, "no_cookie": reason == "CSRF cookie not set.", "no_referer": reason.hasSuffix("no Referer."),
            ],
            status: .forbidden,
            request: request,
            context: context
        )
    }

    private func withCookie(_ response: Response, context: Context) -> Response {
        let state = context.visit.snapshot
        guard state.csrfCookieNeedsUpdate, let secret = state.csrfSecret else { return response }
        var response = response
        response.headers.append(
            SetCookie(name: Self.cookieName, value: secret, maxAge: Self.maxAge, httpOnly: false, secure: state.isSecure),
            now: environment.clock()
        )
        response.headers.addVary("Cookie")
        return response
    }

    private static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    private static func isURLEncodedForm(_ request: Request) -> Bool {
        guard let type = request.headers[.contentType] else { return false }
        return type.lowercased().hasPrefix("application/x-www-form-urlencoded")
    }
}
