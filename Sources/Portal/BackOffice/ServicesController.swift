import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// `/backoffice/services/` (admins only): the services that need consent, added, edited and removed at run time.
///
/// They are stored in the setting `services` (``ServiceDeclarations/setting``), on both engines. A change is put in
/// force at once through ``SiteStateSync/commitChange()``: the charter, `cookies.json`, the banner, the CSP and the
/// cookie firewall read the new registry from the next request, other nodes within a poll. A change of what needs
/// consent (a service's id, category, cookies or hosts) changes the policy version, so every visitor is asked again.
/// Each change is audited (``AuditAction/services``). Every form carries the CSRF token.
struct ServicesController: Sendable {
    let settings: any InstanceSettings
    let audit: any AuditTrail
    /// Who is logged in.
    let users: SessionUsers
    /// The state in force (the list shows it) and how a change reaches every node.
    let siteSync: SiteStateSync
    /// Whether `services.json` exists, which the list page mentions.
    let servicesFile: String
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// Adds the services' pages to `router`, under `/backoffice/services`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.get("/backoffice/services/") { request, context in
            try await users.withAdmin(request, context) { _ in listPage(request: request, context: context) }
        }
        router.get("/backoffice/services/new") { request, context in
            try await users.withAdmin(request, context) { _ in
                formPage(ServiceForm(), creating: true, request: request, context: context)
            }
        }
        router.post("/backoffice/services/new") { request, context in
            try await users.withAdmin(request, context) { user in
                try await save(
                    ServiceForm(form: context.visit.form, id: nil, existing: nil), replacing: nil, user: user,
                    request: request, context: context)
            }
        }
        router.get("/backoffice/services/{id}") { request, context in
            try await users.withAdmin(request, context) { _ in
                let service = try declared(context)
                return formPage(ServiceForm(service), creating: false, request: request, context: context)
            }
        }
        router.post("/backoffice/services/{id}") { request, context in
            try await users.withAdmin(request, context) { user in
                let service = try declared(context)
                return try await save(
                    ServiceForm(form: context.visit.form, id: service.id, existing: service), replacing: service.id,
                    user: user, request: request, context: context)
            }
        }
        router.post("/backoffice/services/{id}/delete") { request, context in
            try await users.withAdmin(request, context) { user in
                let service = try declared(context)
                try await store(try await stored().filter { $0.id != service.id })
                try await audit.appendAudit(
                    AuditEntry(at: clock(), actor: user.username, action: .services, target: service.id, detail: "remove"))
                return redirect(to: "/backoffice/services/?saved=1", status: .seeOther)
            }
        }
    }

    /// The services in force, the demo's map tiles included.
    private func current() -> [ConsentService] { siteSync.site.current.registry.services }

    /// The services as the database holds them now (another node may have changed them since this node's last poll),
    /// so that a change starts from the latest list.
    private func stored() async throws -> [ConsentService] { try await siteSync.loader.declaredServices() }

    /// The declared service the path names, or a 404 page.
    private func declared(_ context: PortalRequestContext) throws -> ConsentService {
        guard let id = context.parameters.get("id"), let service = current().first(where: { $0.id == id }) else {
            throw PageError.notFound
        }
        return service
    }

    /// Stores `services` in the setting and puts them in force on every node.
    private func store(_ services: [ConsentService]) async throws {
        try await settings.setSetting(ServiceDeclarations.setting, to: try ServiceDeclarations.encode(services))
        try await siteSync.commitChange()
    }

    /// Checks and stores the posted service: a problem shows the form again (400) with its message.
    private func save(
        _ form: ServiceForm, replacing id: String?, user: User, request: Request, context: PortalRequestContext
    ) async throws -> Response {
        let service = form.service
        var services = try await stored()
        if let id, let index = services.firstIndex(where: { $0.id == id }) {
            services[index] = service
        } else {
            services.append(service)
        }
        if let problem = ServiceDeclarations.problem(in: service) ?? ServiceDeclarations.problem(in: services) {
            let message = catalog.text(problem.message.key, in: context.visit.language, problem.message.arguments)
            return formPage(
                form, creating: id == nil, error: message, status: .badRequest, request: request, context: context)
        }
        let before = siteSync.site.current.registry.policyVersion
        try await store(services)
        let after = siteSync.site.current.registry.policyVersion
        try await audit.appendAudit(
            AuditEntry(
                at: clock(), actor: user.username, action: .services, target: service.id,
                detail: (id == nil ? "add" : "edit") + (before == after ? "" : "; policy \(before) -> \(after)")))
        return redirect(to: "/backoffice/services/?saved=1", status: .seeOther)
    }

    private func listPage(request: Request, context: PortalRequestContext) -> Response {
        let language = context.visit.language
        let registry = siteSync.site.current.registry
        let rows: [[String: Any]] = registry.services.map { service in
            [
                "id": service.id, "name": service.name.text(in: language), "provider": service.provider,
                "category": service.category.title.text(in: language),
                "hosts": service.origins.joined(separator: ", "),
                "cookies": service.cookies.map { "\($0.name) (\($0.lifetime.text(in: language)))" }.joined(separator: ", "),
            ]
        }
        return renderer.page(
            "bo_services", title: catalog.text("services_title", in: language),
            values: [
                "services": rows, "has_services": !rows.isEmpty, "policy_version": registry.policyVersion,
                "saved": request.queryForm["saved"] != nil,
                "from_file": FileManager.default.fileExists(atPath: servicesFile),
            ],
            request: request, context: context)
    }

    private func formPage(
        _ form: ServiceForm, creating: Bool, error: String? = nil, status: HTTPResponse.Status = .ok, request: Request,
        context: PortalRequestContext
    ) -> Response {
        let language = context.visit.language
        var values = form.values(catalog: catalog, language: language)
        values["creating"] = creating
        values["action"] = creating ? "/backoffice/services/new" : "/backoffice/services/\(form.id)"
        if let error { values["error"] = error }
        let title = catalog.text(creating ? "services_add" : "services_edit", in: language)
        return renderer.page(
            "bo_services_edit", title: title, values: values, status: status, request: request, context: context)
    }
}
