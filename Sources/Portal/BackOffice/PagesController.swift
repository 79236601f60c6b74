import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/pages`: the content pages (legal notice, accessibility statement, about, and any the editors add),
/// listed, created, edited in Markdown per language, placed in a menu, and deleted. For editors and admins. Each
/// change is audited (action `settings`, target `page:<slug>`) and shows in the menus of every node. The home
/// page's featured datasets are chosen beside them (``FeaturedController``).
struct PagesController: Sendable {
    let store: any StoreEngine
    let users: SessionUsers
    let renderer: PageRenderer
    let catalog: Catalog
    /// Rebuilds the site state (the menus) here and tells the other nodes.
    let changed: @Sendable () async throws -> Void
    let clock: @Sendable () -> Date

    /// The longest title and text accepted.
    static let titleLimit = 200
    static let bodyLimit = 100_000

    func addRoutes(to backOffice: RouterGroup<PortalRequestContext>) {
        FeaturedController(
            store: store, users: users, renderer: renderer, catalog: catalog, changed: changed, clock: clock
        ).addRoutes(to: backOffice)
        backOffice.get("pages") { request, context in
            try await users.withUser(request, context) { _ in
                let language = context.visit.language
                let pages = try await store.contentPages().map { page -> [String: String] in
                    [
                        "slug": page.slug, "title": language == .fr ? page.titleFR : page.titleEN,
                        "menu": catalog.text("site_menu_\(page.menu.rawValue)", in: language),
                    ]
                }
                return renderer.page(
                    "bo_pages", title: catalog.text("site_pages_title", in: language),
                    values: ["pages": pages, "has_pages": !pages.isEmpty], request: request, context: context)
            }
        }
        backOffice.get("pages/new") { request, context in
            try await users.withUser(request, context) { _ in
                try editPage(nil, isNew: true, refusal: nil, request: request, context: context)
            }
        }
        backOffice.get("pages/{slug}") { request, context in
            try await users.withUser(request, context) { _ in
                guard let page = try await store.contentPage(slug: context.parameters.get("slug") ?? "") else {
                    throw PageError.notFound
                }
                return try editPage(page, isNew: false, refusal: nil, request: request, context: context)
            }
        }
        backOffice.post("pages") { request, context in
            try await users.withUser(request, context) { user in
                try await save(slug: nil, user: user, request: request, context: context)
            }
        }
        backOffice.post("pages/{slug}") { request, context in
            try await users.withUser(request, context) { user in
                try await save(slug: context.parameters.get("slug"), user: user, request: request, context: context)
            }
        }
        backOffice.post("pages/{slug}/delete") { request, context in
            try await users.withUser(request, context) { user in
                let slug = context.parameters.get("slug") ?? ""
                guard try await store.deleteContentPage(slug: slug) else { throw PageError.notFound }
                try await store.appendAudit(
                    AuditEntry(at: clock(), actor: user.username, action: .settings, target: "page:" + slug, detail: "deleted"))
                try await changed()
                return redirect(to: "/backoffice/pages", status: .seeOther)
            }
        }
    }

    /// Saves the page of the form: a new one (`slug` nil, the slug from the form, refused when taken) or `slug`.
    private func save(slug: String?, user: User, request: Request, context: PortalRequestContext) async throws -> Response {
        let form = context.visit.form
        let isNew = slug == nil
        let existing: ContentPage? = if let slug { try await store.contentPage(slug: slug) } else { nil }
        if !isNew && existing == nil { throw PageError.notFound }
        let page = ContentPage(
            slug: slug ?? (form["slug"] ?? "").trimmingCharacters(in: .whitespaces).lowercased(),
            titleFR: (form["title_fr"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
            titleEN: (form["title_en"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
            bodyFR: form["body_fr"] ?? "", bodyEN: form["body_en"] ?? "",
            menu: MenuPlacement(rawValue: form["menu"] ?? "") ?? .none,
            position: Int(form["position"] ?? "").map { Swift.max(-1000, Swift.min(1000, $0)) } ?? 0,
            updatedAt: clock())
        let refusal: String? =
            if !ContentPage.isValidSlug(page.slug) { "site_refusal_slug" } else if page.titleFR.isEmpty || page.titleEN.isEmpty {
                "site_refusal_title_missing"
            } else if page.titleFR.count > Self.titleLimit || page.titleEN.count > Self.titleLimit
                || page.bodyFR.count > Self.bodyLimit || page.bodyEN.count > Self.bodyLimit
            { "site_refusal_page_too_long" } else if isNew, try await store.contentPage(slug: page.slug) != nil {
                "site_refusal_slug_taken"
            } else { nil }
        if let refusal {
            return try editPage(page, isNew: isNew, refusal: refusal, request: request, context: context)
        }
        try await store.saveContentPage(page)
        try await store.appendAudit(
            AuditEntry(
                at: clock(), actor: user.username, action: .settings, target: "page:" + page.slug,
                detail: isNew ? "created" : "edited"))
        try await changed()
        return redirect(to: "/backoffice/pages/\(page.slug)?saved=1", status: .seeOther)
    }

    private func editPage(
        _ page: ContentPage?, isNew: Bool, refusal: String?, request: Request, context: PortalRequestContext
    ) throws -> Response {
        let language = context.visit.language
        let menu = page?.menu ?? .footer
        var values: [String: Any] = [
            "is_new": isNew,
            "action": isNew ? "/backoffice/pages" : "/backoffice/pages/\(page?.slug ?? "")",
            "slug": page?.slug ?? "", "title_fr": page?.titleFR ?? "", "title_en": page?.titleEN ?? "",
            "body_fr": page?.bodyFR ?? "", "body_en": page?.bodyEN ?? "", "position": page?.position ?? 0,
            "menus": MenuPlacement.allCases.map { placement -> [String: Any] in
                [
                    "code": placement.rawValue, "label": catalog.text("site_menu_\(placement.rawValue)", in: language),
                    "selected": placement == menu,
                ]
            },
            "saved": request.uri.queryParameters.get("saved") != nil,
        ]
        if let refusal { values["error"] = catalog.text(refusal, in: language) }
        let title =
            isNew ? catalog.text("site_page_new", in: language) : (page.map { language == .fr ? $0.titleFR : $0.titleEN } ?? "")
        return renderer.page(
            "bo_pages_edit", title: title, values: values, status: refusal == nil ? .ok : .unprocessableContent,
            request: request, context: context)
    }
}
