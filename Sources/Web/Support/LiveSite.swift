import CookieCharter
import Store
import Synchronization

/// What the operator may change while the portal runs, as one value: the cookie registry (the declared services) and
/// the site's name.
///
/// Every consumer that lives longer than a request (``PageRenderer``, the cookie firewall, the security headers, the
/// consent middleware, the charter) reads it from ``LiveSite`` on each request, never keeps a copy.
///
/// ## Extending
/// Add a stored property with a default value (so that existing initialisers keep compiling), then give it a value
/// where Portal rebuilds the state from the store (`SiteStateLoader.load()`). Read it per request through
/// `site.current`. A property that changes the rendered frame of a page needs nothing more: every change bumps
/// ``LiveSite/revision``, which is part of every cached page's key.
public struct SiteState: Sendable {
    /// Every cookie and every consent-requiring service the charter declares.
    public var registry: CookieRegistry
    /// The portal's name, as the page frame and the charter print it.
    public var siteName: String
    /// The portal's identity: its name per language, colours, logo, favicon, menus' pages, footer and home page.
    public var identity = SiteIdentity()

    public init(registry: CookieRegistry = CookieRegistry(), siteName: String) {
        self.registry = registry
        self.siteName = siteName
    }
}

/// The current ``SiteState`` of this node, replaced as a whole when the operator changes it.
///
/// Reading is one lock and a copy of a few references, cheap enough for every request. A change made on this node is
/// visible to the next request; a change made by another node sharing the database is followed by Portal's follower,
/// which watches the setting ``versionSetting``.
///
/// Concurrency: a request reads one snapshot and uses it throughout, so it never mixes two states (a banner from one
/// registry and a firewall from another).
public final class LiveSite: Sendable {
    /// One state with the revision it was installed at.
    public struct Snapshot: Sendable {
        public let state: SiteState
        /// Starts at 0 and grows by one on each ``LiveSite/replace(with:)`` on this node.
        public let revision: UInt64
    }

    /// The setting whose value changes whenever any node changes what ``SiteState`` is built from.
    public static let versionSetting = "site_version"

    private let box: Mutex<Snapshot>

    public init(_ state: SiteState) {
        box = Mutex(Snapshot(state: state, revision: 0))
    }

    /// The state in force now.
    public var current: SiteState { box.withLock { $0.state } }

    /// The state in force now and its revision, read together.
    public var snapshot: Snapshot { box.withLock { $0 } }

    /// How many times the state was replaced on this node.
    public var revision: UInt64 { box.withLock { $0.revision } }

    /// Puts `state` in force for every request that starts from now on.
    public func replace(with state: SiteState) {
        box.withLock { $0 = Snapshot(state: state, revision: $0.revision &+ 1) }
    }
}
