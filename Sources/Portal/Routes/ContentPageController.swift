import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// `/pages/{slug}`: a content page in the visitor's language, its Markdown rendered safely (``SafeMarkdown``); the
/// accessibility statement (`accessibilite`) also states the RGAA conformance status the admins set.
struct ContentPageController: Sendable {
    let pages: any ContentPageStore
    let renderer: PageRenderer
    let catalog: Catalog
    /// The live site state, for the accessibility status.
    let site: LiveSite

    /// The slug of the accessibility statement, which the RGAA requires to state its conformance status.
    static let accessibilitySlug = "accessibilite"

    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.get("/pages/{slug}") { request, context in
            let slug = context.parameters.get("slug") ?? ""
            guard ContentPage.isValidSlug(slug), let page = try await pages.contentPage(slug: slug) else {
                throw PageError.notFound
            }
            let language = context.visit.language
            let title = language == .fr ? page.titleFR : page.titleEN
            var values: [String: Any] = [
                "page_title": title,
                "body_html": SafeMarkdown.html(language == .fr ? page.bodyFR : page.bodyEN),
                "updated": CatalogFormat.date(page.updatedAt, language: language),
            ]
            if slug == Self.accessibilitySlug {
                let status = site.current.identity.accessibilityStatus
                values["rgaa"] = ["status": catalog.text("site_rgaa_\(status)", in: language)]
            }
            return renderer.page("page", title: title, values: values, request: request, context: context)
        }
    }
}
