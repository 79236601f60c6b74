import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// `/cookies` (the charter), `/cookies.json` (the same declarations as data) and
/// `/cookies/preferences` (where choices are made, changed and withdrawn).
struct CharterController: Sendable {
    /// Proofs of consent one client address may write in a minute: a visitor changes their mind a few times, a
    /// script posting in a loop fills no disk.
    static let consentProofsPerMinute = 30

    /// The cookies and services the charter declares, and the site's name, read per request.
    let site: LiveSite
    let renderer: PageRenderer
    /// The interface's texts.
    let catalog: Catalog
    /// Where each choice's proof is written.
    let consentLog: any ConsentLog
    /// Signs `cookies_preferences`.
    let consentCodec: ConsentCodec
    /// Proofs of consent written per client address (see ``consentProofsPerMinute``).
    let consentLimiter = RateLimiter(limit: CharterController.consentProofsPerMinute, window: 60)
    let clock: @Sendable () -> Date

    /// Adds `/cookies`, `/cookies.json` and `/cookies/preferences` to `router`.
    func addRoutes(to router: some RouterMethods<PortalRequestContext>) {
        router.get("/cookies") { request, context in
            let state = site.current
            let document = CharterDocument(
                registry: state.registry, language: context.visit.language, siteName: state.siteName)
            return renderer.page(
                "charter",
                title: document.title,
                values: ["charter": Self.charterValues(document)],
                request: request,
                context: context
            )
        }
        router.get("/cookies.json") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let body = try encoder.encode(CharterData(registry: site.current.registry))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("/cookies/preferences") { request, context in
            let next = request.queryForm["next"] ?? ""
            return preferencesPage(
                request: request, context: context, next: next, saved: request.queryForm["saved"] != nil)
        }
        router.post("/cookies/preferences") { request, context in try await recordChoice(request: request, context: context) }
    }

    private func preferencesPage(request: Request, context: PortalRequestContext, next: String, saved: Bool) -> Response {
        let language = context.visit.language
        let consent = context.visit.consent
        let registry = site.current.registry
        let categories: [[String: Any]] = registry.consentCategories.map { category in
            let title = category.title.text(in: language)
            return [
                "id": category.rawValue,
                "title": title,
                "label": catalog.text("preferences_accept_category", in: language, ["category": title]),
                "checked": consent.allows(category),
                "services": registry.services.filter { $0.category == category }.map {
                    ["name": $0.name.text(in: language), "provider": $0.provider, "purpose": $0.purpose.text(in: language)]
                },
            ]
        }
        var values: [String: Any] = ["next": next, "categories": categories, "saved": saved]
        // The audience measurement (no cookie): on unless objected to, so always offered.
        let audience = CookieCategory.audienceMeasurement
        values["audience"] = [
            "id": audience.rawValue, "title": audience.title.text(in: language),
            "explanation": audience.explanation.text(in: language),
            "label": catalog.text("audience_preferences_label", in: language), "checked": consent.allows(audience),
        ]
        if consent == .refusedByGlobalPrivacyControl { values["gpc"] = true }
        var response = renderer.page(
            "preferences",
            title: catalog.text("preferences_title", in: language),
            values: values,
            request: request,
            context: context
        )
        response.headers[.cacheControl] = "private, no-store"
        return response
    }

    /// Records a choice: sets `cookies_preferences` and appends its proof to the consent log. Posting the choice the
    /// cookie already holds records nothing; proofs are written at most ``consentProofsPerMinute`` a
    /// minute per client address (over it: the "too many choices" page, 429).
    private func recordChoice(request: Request, context: PortalRequestContext) async throws -> Response {
        let form = context.visit.form
        let action = form["action"] ?? ""
        let registry = site.current.registry
        let available = Set(registry.consentCategories)
        var categories = Set<CookieCategory>()
        var services = Set<String>()
        switch action {
        case "accept_all":
            categories = available
        case "refuse_all":
            break
        case "save":
            categories = available.filter { form["category_\($0.rawValue)"] == "on" }
        case "allow_service":
            guard let id = form["service"], registry.service(id: id) != nil else {
                throw PageError(.badRequest, messageKey: "error_bad_request")
            }
            if case .chosen(let previous) = context.visit.consent {
                categories = previous.categories
                services = previous.services
            }
            services.insert(id)
        default:
            throw PageError(.badRequest, messageKey: "error_bad_request")
        }
        // The audience measurement runs unless objected to: "refuse all" and an unticked box object; a service allowed
        // alone keeps the objection as it was.
        var objections = Set<CookieCategory>()
        switch action {
        case "refuse_all": objections = [.audienceMeasurement]
        case "save" where form[CookieCategory.audienceMeasurement.rawValue] != "on":
            objections = [.audienceMeasurement]
        case "allow_service": if case .chosen(let previous) = context.visit.consent { objections = previous.objections }
        default: break
        }
        let now = clock()
        let choice = ConsentChoice(
            policyVersion: registry.policyVersion, date: now, categories: categories, services: services,
            objections: objections)
        let target = safeNext(form["next"], context: context, fallback: "/cookies/preferences?saved=1")
        if case .chosen(let current) = context.visit.consent, current.policyVersion == choice.policyVersion,
            current.categories == choice.categories, current.services == choice.services,
            current.objections == choice.objections
        {
            // The same choice again: the stored cookie and its proof stand as they are.
            return redirect(to: target)
        }
        let client = context.visit.with { $0.clientAddress }
        let decision = consentLimiter.take(client, now: now)
        guard decision.allowed else {
            let wait = max(1, Int(decision.resetAt.timeIntervalSince(now).rounded(.up)))
            throw PageError(.tooManyRequests, messageKey: "preferences_throttled", headers: [.retryAfter: String(wait)])
        }
        // A choice that accepts nothing after one that accepted something withdraws consent: logged as such.
        var logged = action
        if case .chosen(let previous) = context.visit.consent, !previous.categories.isEmpty || !previous.services.isEmpty,
            choice.categories.isEmpty, choice.services.isEmpty
        {
            logged = ConsentKind.withdrawAction
        }
        context.visit.with { $0.consent = .chosen(choice) }
        try await consentLog.appendConsent(
            ConsentLogEntry(
                date: now,
                policyVersion: choice.policyVersion,
                acceptedCategories: choice.categories.sorted().map(\.rawValue).joined(separator: ","),
                acceptedServices: choice.services.sorted().joined(separator: ","),
                action: logged
            )
        )
        var response = redirect(to: target)
        let secure = context.visit.with { $0.isSecure }
        response.headers.append(ConsentCookie.make(choice, codec: consentCodec, secure: secure), now: now)
        return response
    }

    static func charterValues(_ document: CharterDocument) -> [String: Any] {
        [
            "title": document.title,
            "introduction": document.introduction,
            "whatIsACookieTitle": document.whatIsACookieTitle,
            "whatIsACookie": document.whatIsACookie,
            "kindsIntroduction": document.kindsIntroduction,
            "kinds": document.kinds.map { ["id": $0.id, "title": $0.title, "explanation": $0.explanation] },
            "usageTitle": document.usageTitle,
            "audience": [
                "id": document.audienceMeasurement.id, "title": document.audienceMeasurement.title,
                "explanation": document.audienceMeasurement.explanation,
            ],
            "tables": document.tables.map { table -> [String: Any] in
                [
                    "category": table.category,
                    "title": table.title,
                    "columns": document.columnHeaders,
                    "has_rows": !table.rows.isEmpty,
                    "rows": table.rows.map {
                        [
                            "provider": $0.provider, "service": $0.service, "name": $0.name, "purpose": $0.purpose,
                            "lifetime": $0.lifetime,
                        ]
                    },
                    "services": table.services.map { ["name": $0.name, "provider": $0.provider, "purpose": $0.purpose] },
                ]
            },
        ]
    }
}

/// The body of `/cookies.json`: the registry, in both languages.
struct CharterData: Encodable {
    struct Category: Encodable {
        let id: String
        let title: LocalizedText
        let description: LocalizedText
        let requiresConsent: Bool

        enum CodingKeys: String, CodingKey {
            case id, title, description
            case requiresConsent = "requires_consent"
        }
    }

    struct Cookie: Encodable {
        let name: String
        let provider: String
        let service: LocalizedText
        let purposes: LocalizedText
        let category: String
        let lifetime: LocalizedText
    }

    struct Service: Encodable {
        let id: String
        let name: LocalizedText
        let provider: String
        let category: String
        let purposes: LocalizedText
        let origins: [String]
        let cookies: [String]
    }

    let policyVersion: String
    let categories: [Category]
    let cookies: [Cookie]
    let services: [Service]

    enum CodingKeys: String, CodingKey {
        case policyVersion = "policy_version"
        case categories, cookies, services
    }

    init(registry: CookieRegistry) {
        policyVersion = registry.policyVersion
        categories = CookieCategory.allCases.map {
            Category(id: $0.rawValue, title: $0.title, description: $0.explanation, requiresConsent: !$0.isExempt)
        }
        cookies = registry.allCookies.map {
            Cookie(
                name: $0.name, provider: $0.provider, service: $0.service, purposes: $0.purpose, category: $0.category.rawValue,
                lifetime: $0.lifetime
            )
        }
        services = registry.services.map {
            Service(
                id: $0.id, name: $0.name, provider: $0.provider, category: $0.category.rawValue, purposes: $0.purpose,
                origins: $0.origins, cookies: $0.cookies.map(\.name)
            )
        }
    }
}
