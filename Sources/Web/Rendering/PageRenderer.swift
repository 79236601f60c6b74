import CookieCharter
import Foundation
import Hummingbird
import Mustache
import Store

/// Renders the portal's HTML pages from Mustache templates and the locale catalogs.
///
/// Every page gets the same frame: `<html lang>`, the skip link, the language switch, the
/// consent banner when one is due, and a footer with "Gérer les cookies". Rendering a page uses
/// the CSRF token, so the `csrftoken` cookie is (re)sent with it, as Django does.
///
/// Pages whose content follows from a known data state may be kept rendered in ``cache``
/// (see ``cachedPage(_:title:key:status:request:context:values:)``).
///
/// The site's name and the registry (whether a banner is due) are read from ``site`` on each page, so an operator's
/// change shows on the next request; the site's revision is part of every cached page's key.
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    private let catalog: Catalog
    /// The site's state now: name and cookie registry.
    public let site: LiveSite
    private let random: RandomSource
    /// Rendered pages, by the state they were rendered from.
    public let cache: PageCache

    /// A renderer that reads the site's name and registry from `site` on each page.
    public init(
        library: MustacheLibrary, catalog: Catalog, site: LiveSite, random: RandomSource, cache: PageCache = PageCache()
    ) {
        self.library = library
        self.catalog = catalog
        self.site = site
        self.random = random
        self.cache = cache
    }

    /// A renderer over a ``LiveSite`` of its own that starts as `registry` and `siteName`.
    public init(
        library: MustacheLibrary, catalog: Catalog, registry: CookieRegistry, siteName: String, random: RandomSource,
        cache: PageCache = PageCache()
    ) {
        self.init(
            library: library, catalog: catalog, site: LiveSite(SiteState(registry: registry, siteName: siteName)),
            random: random, cache: cache)
    }

    /// Loads the templates shipped in this module's resources, escaping per UTF-8 byte (see ``TemplateLibrary``).
    public static func loadLibrary() async throws -> MustacheLibrary {
        try TemplateLibrary.load(directory: WebResources.directory.appendingPathComponent("templates").path)
    }

    /// Whether a template with this name exists.
    public func hasTemplate(_ name: String) -> Bool { library.getTemplate(named: name) != nil }

    /// An HTML response for `template`, with `values` merged into the common page values.
    public func page(
        _ template: String,
        title: String,
        values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok,
        request: Request,
        context: PortalRequestContext
    ) -> Response {
        let token = csrfToken(for: context.visit)
        let state = site.current
        var all = commonValues(
            title: title, frame: Frame(request: request, context: context, registry: state.registry), siteName: state.siteName,
            identity: state.identity,
            token: token)
        all.merge(values) { _, new in new }
        let html = library.render(all, withTemplate: template) ?? ""
        return Self.response(ByteBuffer(string: html), status: status)
    }

    /// Like ``page(_:title:values:status:request:context:)``, but served from ``cache`` when a page
    /// was already rendered for the same template, title, frame and `key`.
    ///
    /// `key` must name everything the route's values depend on besides the frame (the data state,
    /// the consent choices the page shows); the frame (language, user, banner, path with its query)
    /// is added here. On a hit `values` is not called. Only `200 OK` pages are kept.
    public func cachedPage(
        _ template: String,
        title: String,
        key: String,
        status: HTTPResponse.Status = .ok,
        request: Request,
        context: PortalRequestContext,
        values: () async throws -> [String: Any]
    ) async throws -> Response {
        let token = csrfToken(for: context.visit)
        let snapshot = site.snapshot
        let frame = Frame(request: request, context: context, registry: snapshot.state.registry)
        let fullKey = Self.key([
            template, title, frame.language.rawValue, frame.username ?? "", frame.banner ? "b" : "", frame.path, key,
            String(snapshot.revision),
        ])
        if status == .ok, let page = cache.page(fullKey) {
            return Self.response(PageCache.body(page, token: token), status: status)
        }
        let cacheable = status == .ok
        var all = commonValues(
            title: title, frame: frame, siteName: snapshot.state.siteName, identity: snapshot.state.identity,
            token: cacheable ? cache.sentinelText : token)
        all.merge(try await values()) { _, new in new }
        let html = library.render(all, withTemplate: template) ?? ""
        guard cacheable else { return Self.response(ByteBuffer(string: html), status: status) }
        return Self.response(PageCache.body(cache.store(html, key: fullKey), token: token), status: status)
    }

    /// The parts joined unambiguously: each is prefixed with its length in bytes.
    static func key(_ parts: [String]) -> String {
        var key = ""
        for part in parts { key += String(part.utf8.count) + ":" + part }
        return key
    }

    private static func response(_ body: ByteBuffer, status: HTTPResponse.Status) -> Response {
        var response = Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: body)
        )
        response.headers.addVary("Cookie")
        return response
    }

    /// What the page frame shows that varies per visitor.
    struct Frame {
        let language: Language
        let username: String?
        let banner: Bool
        /// The path with its query string, for the forms' `next`.
        let path: String

        init(request: Request, context: PortalRequestContext, registry: CookieRegistry) {
            let (language, username, asks) = context.visit.with { state in
                (state.language, state.sessionData[SessionKeys.username], state.consent.asks)
            }
            self.language = language
            self.username = username.flatMap { $0.isEmpty ? nil : $0 }
            path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            banner = registry.needsConsent && asks && !request.uri.path.hasPrefix("/cookies/preferences")
        }
    }

    /// The values every page template may use.
    func commonValues(
        title: String, frame: Frame, siteName: String, identity: SiteIdentity = SiteIdentity(), token: String
    ) -> [String: Any] {
        let language = frame.language
        var values: [String: Any] = [
            "lang": language.rawValue,
            "t": catalog.table(for: language),
            "site_name": siteName,
            "title": title,
            "csrf_token": token,
            "path": frame.path,
            "languages": Language.allCases.map { code in
                ["code": code.rawValue, "name": Self.languageName(code), "current": code == language]
            },
        ]
        if let username = frame.username { values["user"] = ["username": username] }
        if frame.banner { values["banner"] = ["next": frame.path] }
        // The operator's identity: the name in this language, the theme, logo, menus and footer (issue 16).
        values.merge(identity.frameValues(language: language.rawValue, fallbackName: siteName)) { _, new in new }
        return values
    }

    /// A fresh masked token for the visit's secret, creating the secret if the visitor has none.
    func csrfToken(for visit: Visit) -> String {
        let secret = visit.with { state -> String in
            let secret = state.csrfSecret ?? CSRFToken.newSecret(random: random)
            state.csrfSecret = secret
            state.csrfCookieNeedsUpdate = true
            return secret
        }
        return CSRFToken.mask(secret, random: random)
    }

    private static func languageName(_ language: Language) -> String {
        switch language {
        case .fr: "Français"
        case .en: "English"
        }
    }
}

/// Names of the values Garona keeps in a session.
public enum SessionKeys {
    public static let userID = "_auth_user_id"
    public static let userHash = "_auth_user_hash"
    public static let username = "_auth_username"
}
