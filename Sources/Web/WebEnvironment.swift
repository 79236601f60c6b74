import CookieCharter
import Foundation
import Logging
import Store

/// What the web layer needs from the application: declarations, stores, clock and randomness.
///
/// What the operator may change at run time (the declared services, the site's name) is in ``site``, read per
/// request. The clock and the random source are injected so that tests are deterministic.
public struct WebEnvironment: Sendable {
    /// The site's state now: the cookie registry and the site's name (see ``LiveSite``).
    public var site: LiveSite
    /// The registry in force now; a consumer that outlives the request reads ``site`` each time instead.
    public var registry: CookieRegistry { site.current.registry }
    /// The site's name now; a consumer that outlives the request reads ``site`` each time instead.
    public var siteName: String { site.current.siteName }
    public var consentCodec: ConsentCodec
    public var csrfPolicy: CSRFPolicy
    /// Peer addresses whose `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` are believed.
    public var trustedProxies: Set<String>
    public var sessions: any SessionStore
    public var catalog: Catalog
    public var renderer: PageRenderer
    public var clock: @Sendable () -> Date
    public var random: RandomSource
    public var logger: Logger
    /// Paths whose POST may be `multipart/form-data` with the CSRF token inside the body.
    public var multipartPaths: Set<String> = []

    /// An environment whose site state starts as `registry` and `siteName`, in a ``LiveSite`` of its own.
    ///
    /// The renderer must read the same ``LiveSite`` for run-time changes to reach pages: prefer
    /// ``init(site:consentCodec:csrfPolicy:trustedProxies:sessions:catalog:renderer:clock:random:logger:)``.
    public init(
        siteName: String, registry: CookieRegistry, consentCodec: ConsentCodec, csrfPolicy: CSRFPolicy,
        trustedProxies: Set<String>, sessions: any SessionStore, catalog: Catalog, renderer: PageRenderer,
        clock: @escaping @Sendable () -> Date, random: RandomSource, logger: Logger
    ) {
        self.init(
            site: renderer.site, consentCodec: consentCodec, csrfPolicy: csrfPolicy, trustedProxies: trustedProxies,
            sessions: sessions, catalog: catalog, renderer: renderer, clock: clock, random: random, logger: logger)
        site.replace(with: SiteState(registry: registry, siteName: siteName))
    }

    /// An environment that reads the site's state from `site`, shared with `renderer` and the application.
    public init(
        site: LiveSite, consentCodec: ConsentCodec, csrfPolicy: CSRFPolicy, trustedProxies: Set<String>,
        sessions: any SessionStore, catalog: Catalog, renderer: PageRenderer, clock: @escaping @Sendable () -> Date,
        random: RandomSource, logger: Logger
    ) {
        self.site = site
        self.consentCodec = consentCodec
        self.csrfPolicy = csrfPolicy
        self.trustedProxies = trustedProxies
        self.sessions = sessions
        self.catalog = catalog
        self.renderer = renderer
        self.clock = clock
        self.random = random
        self.logger = logger
    }
}
