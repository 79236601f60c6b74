import CookieCharter
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Removes from every response each `Set-Cookie` the visitor has not allowed.
///
/// Whatever code tried to set it, a cookie leaves only when it is declared in the registry and
/// its category is necessary or accepted. API responses (`/api/…`) set no cookie at all. Each
/// blocked name is logged once, so a misbehaving component is noticed without flooding logs. The registry is the
/// one in force when the response leaves (``LiveSite``), so a service declared or removed at run time counts at once.
public struct CookieFirewallMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    let site: LiveSite
    let logger: Logger
    private let reported = ReportedNames()

    public init(site: LiveSite, logger: Logger) {
        self.site = site
        self.logger = logger
    }

    /// A firewall over a fixed registry, for a router without run-time changes.
    public init(registry: CookieRegistry, logger: Logger) {
        self.init(site: LiveSite(SiteState(registry: registry, siteName: "")), logger: logger)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        let values = response.headers[values: .setCookie]
        guard !values.isEmpty else { return response }
        let isAPI = request.uri.path.hasPrefix("/api/") || request.uri.path == "/api"
        let firewall = CookieFirewall(registry: site.current.registry)
        let consent = context.visit.consent
        var kept: [String] = []
        for value in values {
            let name = SetCookie.name(ofHeader: value)
            let reason: String? =
                isAPI ? "API responses set no cookie" : firewall.denial(forCookieNamed: name, consent: consent)?.description
            guard let reason else {
                kept.append(value)
                continue
            }
            if reported.firstTime(name) {
                logger.warning("cookie firewall blocked a cookie", metadata: ["cookie": "\(name)", "reason": "\(reason)"])
            }
        }
        response.headers[.setCookie] = nil
        for value in kept { response.headers.append(HTTPField(name: .setCookie, value: value)) }
        return response
    }
}

/// Names already logged, so each is reported once per process.
private final class ReportedNames: Sendable {
    private let names = Mutex(Set<String>())

    func firstTime(_ name: String) -> Bool {
        names.withLock { $0.insert(String(name.prefix(64))).inserted }
    }
}
