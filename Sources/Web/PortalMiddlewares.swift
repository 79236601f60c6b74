import Hummingbird

extension Router where Context == PortalRequestContext {
    /// Installs Garona's middleware stack, outermost first:
    ///
    /// 1. request origin (trusted proxies, HTTPS, host) and the last-resort error guard;
    /// 2. security headers (CSP that follows consent);
    /// 3. the cookie firewall, which sees every cookie any inner layer set;
    /// 4. language, 5. consent, 6. session, 7. CSRF;
    /// 8. error pages, innermost, so that error pages get the language, banner and cookies.
    ///
    /// The security headers, the firewall and the consent middleware read the site's state (``LiveSite``) per request.
    public func addPortalMiddlewares(_ environment: WebEnvironment) {
        addMiddleware {
            RequestOriginMiddleware(trustedProxies: environment.trustedProxies, logger: environment.logger)
            SecurityHeadersMiddleware(site: environment.site)
            CookieFirewallMiddleware(site: environment.site, logger: environment.logger)
            LanguageMiddleware()
            ConsentMiddleware(environment: environment)
            SessionMiddleware(environment: environment)
            CSRFMiddleware(environment: environment)
            ErrorMiddleware(environment: environment)
        }
    }
}
