/// What the CSRF check needs to know about one unsafe request.
public struct CSRFRequest: Sendable {
    public var origin: String?
    public var referer: String?
    /// Whether the request arrived over HTTPS (directly or through a trusted proxy).
    public var isSecure: Bool
    /// The request's host, with its port when not the default: Django's `get_host()`.
    public var host: String
    /// The raw `csrftoken` cookie, if sent.
    public var cookie: String?
    /// The `csrfmiddlewaretoken` form field, for POST requests with a form body.
    public var formToken: String?
    /// The `X-CSRFToken` header.
    public var headerToken: String?

    public init(
        origin: String?, referer: String?, isSecure: Bool, host: String, cookie: String?, formToken: String?,
        headerToken: String?
    ) {
        self.origin = origin
        self.referer = referer
        self.isSecure = isSecure
        self.host = host
        self.cookie = cookie
        self.formToken = formToken
        self.headerToken = headerToken
    }
}

/// Django's CSRF verification of an unsafe request, in Django's order and with Django's words.
///
/// 1. When an `Origin` header is present, it must be this site's own origin, a trusted origin,
///    or match a trusted wildcard origin of the same scheme (`https://*.example.org`).
/// 2. Otherwise, on HTTPS only, the `Referer` must be present, well formed, HTTPS, and name this
///    host or a trusted one. (Over plain HTTP a missing Referer proves nothing: proxies strip it.)
/// 3. Then the token sent with the request, in the form or in `X-CSRFToken`, masked or not,
///    must carry the secret of the `csrftoken` cookie.
///
/// A rejection gives the reason Django would give, so operators can search for it.
public struct CSRFPolicy: Sendable {
    private let exactOrigins: Set<String>
    private let wildcardHostsByScheme: [String: [String]]
    private let trustedHosts: [String]

    /// - Parameter trustedOrigins: `--csrf-trusted-origin` values, such as `https://portal.example.org`
    ///   or `https://*.example.org`.
    public init(trustedOrigins: [String]) {
        exactOrigins = Set(trustedOrigins.filter { !$0.contains("*") })
        var wildcards: [String: [String]] = [:]
        for origin in trustedOrigins where origin.contains("*") {
            let parts = URLParts(origin)
            wildcards[parts.scheme, default: []].append(String(parts.netloc.drop { $0 == "*" }))
        }
        wildcardHostsByScheme = wildcards
        trustedHosts = trustedOrigins.map { String(URLParts($0).netloc.drop { $0 == "*" }) }
    }

    /// Nil when the request passes, else Django's reason for rejecting it.
    ///
    /// With `tokenInBody`, a multipart request without `X-CSRFToken` passes the token step as long
    /// as its cookie is valid; the route then checks the body's token with ``check(token:secret:)``
    /// before it reads anything else.
    public func rejection(of request: CSRFRequest, tokenInBody: Bool = false) -> String? {
        if let origin = request.origin {
            if !isTrusted(origin: origin, request: request) {
                return "Origin checking failed - \(origin) does not match any trusted origins."
            }
        } else if request.isSecure, let reason = refererProblem(request) {
            return reason
        }
        if tokenInBody && request.headerToken == nil && request.formToken == nil {
            guard let cookie = request.cookie else { return "CSRF cookie not set." }
            if let problem = CSRFToken.formatProblem(cookie) { return "CSRF cookie \(problem)." }
            return nil
        }
        return tokenProblem(request)
    }

    /// Django's token step for a token read from a form body: nil when it carries `secret`.
    public static func check(token: String?, secret: String) -> String? {
        guard let token, !token.isEmpty else { return "CSRF token missing." }
        if let problem = CSRFToken.formatProblem(token) { return "CSRF token from POST \(problem)." }
        return CSRFToken.matches(token, secret: secret) ? nil : "CSRF token from POST incorrect."
    }

    private func isTrusted(origin: String, request: CSRFRequest) -> Bool {
        if origin == (request.isSecure ? "https" : "http") + "://" + request.host { return true }
        if exactOrigins.contains(origin) { return true }
        let parts = URLParts(origin)
        return (wildcardHostsByScheme[parts.scheme] ?? []).contains { Self.isSameDomain(parts.netloc, pattern: $0) }
    }

    private func refererProblem(_ request: CSRFRequest) -> String? {
        guard let referer = request.referer else { return "Referer checking failed - no Referer." }
        let parts = URLParts(referer)
        if parts.scheme.isEmpty || parts.netloc.isEmpty { return "Referer checking failed - Referer is malformed." }
        if parts.scheme != "https" { return "Referer checking failed - Referer is insecure while host is secure." }
        if trustedHosts.contains(where: { Self.isSameDomain(parts.netloc, pattern: $0) }) { return nil }
        if !Self.isSameDomain(parts.netloc, pattern: request.host) {
            return "Referer checking failed - \(referer) does not match any trusted origins."
        }
        return nil
    }

    private func tokenProblem(_ request: CSRFRequest) -> String? {
        guard let cookie = request.cookie else { return "CSRF cookie not set." }
        if let problem = CSRFToken.formatProblem(cookie) { return "CSRF cookie \(problem)." }
        let secret = cookie.utf8.count == CSRFToken.maskedLength ? CSRFToken.unmask(cookie) : cookie
        let token: String
        let source: String
        if let form = request.formToken, !form.isEmpty {
            (token, source) = (form, "POST")
        } else if let header = request.headerToken {
            (token, source) = (header, "the 'X-Csrftoken' HTTP header")
        } else {
            return "CSRF token missing."
        }
        if let problem = CSRFToken.formatProblem(token) { return "CSRF token from \(source) \(problem)." }
        if !CSRFToken.matches(token, secret: secret) { return "CSRF token from \(source) incorrect." }
        return nil
    }

    /// Django's `is_same_domain`: `pattern` is a host, or `.example.org` for it and its subdomains.
    static func isSameDomain(_ host: String, pattern: String) -> Bool {
        guard !pattern.isEmpty else { return false }
        let host = host.lowercased()
        let pattern = pattern.lowercased()
        if pattern.hasPrefix(".") { return host.hasSuffix(pattern) || host == pattern.dropFirst() }
        return host == pattern
    }
}
