import CookieCharter
import Crypto
import Foundation
import Hummingbird
import Store
import Web

/// What the routes share: the web environment, the store, and the account machinery.
struct PortalServices: Sendable {
    let web: WebEnvironment
    let store: any StoreEngine
    let secret: [UInt8]
    let throttle: LoginThrottle
    let passwords: PasswordHasher
    let staticFiles: StaticFiles
    let jobs: ImportJobs
    /// Where uploads are streamed before they are imported.
    let uploadsDirectory: URL
    let maxUploadBytes: Int
    /// Totals, facet counts and `group_by` answers per published version.
    let memo = AggregateMemo()

    var catalog: Catalog { web.catalog }
    var renderer: PageRenderer { web.renderer }
    var registry: CookieRegistry { web.registry }

    /// Adds every route to `router`, each area's under its controller, after the middlewares that wrap them all.
    func addRoutes(to router: Router<PortalRequestContext>, configuration: PortalConfiguration) {
        // Global, not on the API's group: it also answers CORS preflights and the API paths no route matches.
        router.add(
            middleware: APIAccessMiddleware(keys: store, rateLimit: configuration.apiRateLimit, clock: web.clock))
        let users = SessionUsers(accounts: store, secret: secret)
        HomeController(
            store: store, users: users, renderer: renderer, catalog: catalog, registry: registry, staticFiles: staticFiles
        ).addRoutes(to: router)
        AuthController(
            users: users, throttle: throttle, passwords: passwords, renderer: renderer, catalog: catalog,
            clock: web.clock, random: web.random
        ).addRoutes(to: router)
        LanguageController(clock: web.clock).addRoutes(to: router)
        CharterController(
            registry: registry, siteName: web.siteName, renderer: renderer, catalog: catalog, consentLog: store,
            consentCodec: web.consentCodec, clock: web.clock
        ).addRoutes(to: router)
        addBackOfficeRoutes(to: router)
        addApiKeyRoutes(to: router)
        let exportSlots = ExportSlots(
            capacity: configuration.maxConcurrentExports > 0
                ? configuration.maxConcurrentExports : ExportSlots.defaultCapacity(readers: store.readerCount))
        ExploreAPIController(
            store: store, memo: memo, catalogTables: CatalogTables(), exportSlots: exportSlots,
            uploadsDirectory: uploadsDirectory, clock: web.clock, logger: web.logger
        ).addRoutes(to: router)
        CatalogPageController(store: store, users: users, renderer: renderer, catalog: catalog).addRoutes(to: router)
        DatasetPageController(
            store: store, memo: memo, users: users, renderer: renderer, catalog: catalog, registry: registry,
            clock: web.clock, options: DatasetPageOptions(tileURL: configuration.tileURL)
        ).addRoutes(to: router)
    }

    /// The logged-in user, or nil (see ``SessionUsers``).
    func currentUser(_ context: PortalRequestContext) async throws -> User? {
        try await SessionUsers(accounts: store, secret: secret).currentUser(context)
    }

    /// A redirect to `target` (302, as Django's `HttpResponseRedirect`).
    static func redirect(to target: String, status: HTTPResponse.Status = .found) -> Response {
        Response(status: status, headers: [.location: target])
    }

    /// `next` when it stays on this site, else `fallback`.
    static func safeNext(_ next: String?, context: PortalRequestContext, fallback: String) -> String {
        let state = context.visit.snapshot
        return SafeURL.isSafe(next, allowedHost: state.host, requireHTTPS: state.isSecure) ? (next ?? fallback) : fallback
    }
}
