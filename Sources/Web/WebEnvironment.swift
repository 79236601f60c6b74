import CookieCharter
import Foundation
import Logging
import Store

/// What the web layer needs from the application: declarations, stores, clock and randomness.
///
/// The clock and the random source are injected so that tests are deterministic.
public struct WebEnvironment: Sendable {
    public var siteName: String
    public var registry: CookieRegistry
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

    public init(
        siteName: String, registry: CookieRegistry, consentCodec: ConsentCodec, csrfPolicy: CSRFPolicy,
        trustedProxies: Set<String>, sessions: any SessionStore, catalog: Catalog, renderer: PageRenderer,
        clock: @escaping @Sendable () -> Date, random: RandomSource, logger: Logger
    ) {
        self.siteName = siteName
        self.registry = registry
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
