import CookieCharter
import Foundation
import Hummingbird
import Mustache

/// Renders the portal's HTML pages from Mustache templates and the locale catalogs.
///
/// Every page gets the same frame: `<html lang>`, the skip link, the language switch, the
/// consent banner when one is due, and a footer with "Gérer les cookies". Rendering a page uses
/// the CSRF token, so the `csrftoken` cookie is (re)sent with it, as Django does.
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    private let catalog: Catalog
    private let registry: CookieRegistry
    private let siteName: String
    private let random: RandomSource

    public init(library: MustacheLibrary, catalog: Catalog, registry: CookieRegistry, siteName: String, random: RandomSource) {
        self.library = library
        self.catalog = catalog
        self.registry = registry
        self.siteName = siteName
        self.random = random
    }

    /// Loads the templates shipped in this module's resources.
    public static func loadLibrary() async throws -> MustacheLibrary {
        try await MustacheLibrary(directory: WebResources.directory.appendingPathComponent("templates").path)
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
        var all = commonValues(title: title, request: request, context: context)
        all.merge(values) { _, new in new }
        let html = library.render(all, withTemplate: template) ?? ""
        var response = Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
        response.headers.addVary("Cookie")
        return response
    }

    /// The values every page template may use.
    func commonValues(title: String, request: Request, context: PortalRequestContext) -> [String: Any] {
        let token = csrfToken(for: context.visit)
        let state = context.visit.snapshot
        let language = state.language
        let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        var values: [String: Any] = [
            "lang": language.rawValue,
            "t": catalog.table(for: language),
            "site_name": siteName,
            "title": title,
            "csrf_token": token,
            "path": path,
            "languages": Language.allCases.map { code in
                ["code": code.rawValue, "name": Self.languageName(code), "current": code == language]
            },
        ]
        if let username = state.sessionData[SessionKeys.username], !username.isEmpty {
            values["user"] = ["username": username]
        }
        if registry.needsConsent && state.consent.asks && !request.uri.path.hasPrefix("/cookies/preferences") {
            values["banner"] = ["next": path]
        }
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
