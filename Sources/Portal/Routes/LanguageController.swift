import CookieCharter
import Foundation
import Hummingbird
import Web

/// `/i18n/setlang/`, with the semantics of Django's `set_language` view.
///
/// Only a POST changes the language, and only to a supported one. The redirect goes to `next`
/// when it stays on this site (and on HTTPS when the request is), else to a safe Referer, else
/// to `/`. A client that does not accept HTML and gives no `next` gets a 204. It touches no store: the language lives
/// in its cookie.
struct LanguageController: Sendable {
    let clock: @Sendable () -> Date

    /// Adds `/i18n/setlang/` to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.post("/i18n/setlang/") { request, context in setLanguage(request: request, context: context, isPost: true) }
        router.get("/i18n/setlang/") { request, context in setLanguage(request: request, context: context, isPost: false) }
    }

    private func setLanguage(request: Request, context: PortalRequestContext, isPost: Bool) -> Response {
        let form = context.visit.form
        var next = (isPost ? form["next"] : nil) ?? request.queryForm["next"]
        let state = context.visit.snapshot
        let safe = { (url: String?) in SafeURL.isSafe(url, allowedHost: state.host, requireHTTPS: state.isSecure) }
        if (next.map { !$0.isEmpty } ?? false || Self.acceptsHTML(request)) && !safe(next) {
            let referer = request.headers[.referer]
            next = safe(referer) ? referer : "/"
        }
        var response: Response
        if let next, !next.isEmpty {
            response = redirect(to: next)
        } else {
            response = Response(status: .noContent)
        }
        if isPost, let code = form["language"], let language = Language(rawValue: code.lowercased()) {
            response.headers.append(LanguageCookie.make(language, secure: state.isSecure), now: clock())
        }
        return response
    }

    /// Django's `request.accepts("text/html")`; a missing `Accept` header accepts everything.
    static func acceptsHTML(_ request: Request) -> Bool {
        let header = request.headers[values: .accept].joined(separator: ",")
        if header.trimmingCharacters(in: .whitespaces).isEmpty { return true }
        return header.split(separator: ",").contains { range in
            let type = range.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            return type == "text/html" || type == "text/*" || type == "*/*"
        }
    }
}
