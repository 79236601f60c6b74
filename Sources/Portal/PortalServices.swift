import CookieCharter
import Foundation
import Hummingbird
import Store
import Web

/// The wiring of the portal's routes: what the areas share, handed to each area's controller, which takes only what
/// it uses.
///
/// | Area | Controller | May touch |
/// |---|---|---|
/// | Data API (`/api/explore/v2.1`) | ``ExploreAPIController`` | catalog and record reads, the aggregate memo |
/// | Home, health check, static files | ``HomeController`` | catalog reads |
/// | Catalog page (`/explore`) | ``CatalogPageController`` | catalog reads |
/// | Dataset pages (`/explore/dataset/{id}`) | ``DatasetPageController`` | catalog and record reads, the memo |
/// | Charter and consent (`/cookies`) | ``CharterController`` | the consent log |
/// | Language (`/i18n/setlang/`) | ``LanguageController`` | nothing stored |
/// | Login, logout | ``AuthController`` | account reads, the session |
/// | Back office (`/backoffice`) | ``BackOfficeController``, ``APIKeyController`` | catalog writes, import jobs, API keys |
struct PortalServices: Sendable {
    let web: WebEnvironment
    /// Puts a change of the site's state (declared services, name) in force on this node and tells the others.
    let siteSync: SiteStateSync
    let store: any StoreEngine
    let secret: [UInt8]
    let throttle: LoginThrottle
    let passwords: PasswordHasher
    let staticFiles: StaticFiles
    let jobs: ImportJobs
    /// Where uploads are streamed before they are imported.
    let uploadsDirectory: URL
    let maxUploadBytes: Int
    /// Totals, facet counts and `group_by` answers per published version, shared by the API and the dataset pages.
    let memo: AggregateMemo
    /// This node's audience counts until the next flush (``AudienceFlush``).
    let audienceCounters = AudienceCounters()

    var catalog: Catalog { web.catalog }
    var renderer: PageRenderer { web.renderer }
    /// Runs the datasets' sources on this node: the scheduler's passes and "refresh now".
    var sourceRunner: SourceRunner {
        SourceRunner(
            store: store, maxBytes: maxUploadBytes, seconds: SourceScheduler.fetchSeconds(),
            scratchDirectory: uploadsDirectory, node: jobs.node, clock: web.clock, logger: web.logger)
    }

    /// Adds every route to `router`, each area's under its controller, after the middlewares that wrap them all.
    func addRoutes(to router: Router<PortalRequestContext>, configuration: PortalConfiguration) {
        // Global, not on the API's group: it also answers CORS preflights and the API paths no route matches.
        router.add(
            middleware: APIAccessMiddleware(keys: store, rateLimit: configuration.apiRateLimit, clock: web.clock))
        // Counts what every route added below serves (issue 15); nothing with `--audience-flush-s 0`.
        let audience = AudienceRecorder(
            counters: audienceCounters, clock: web.clock, enabled: configuration.audienceFlushSeconds > 0)
        router.add(middleware: AudienceMiddleware(audience: audience, searches: SearchOutcomes(catalog: store)))
        let audienceTotals = AudienceTotals(
            store: store, clock: web.clock, flushSeconds: configuration.audienceFlushSeconds)
        let users = SessionUsers(accounts: store, secret: secret)
        AudienceController(store: store, users: users, renderer: renderer, catalog: catalog, clock: web.clock)
            .addRoutes(to: router)
        let audit = AuditRecorder(trail: store, clock: web.clock, logger: web.logger)
        HomeController(
            store: store, users: users, renderer: renderer, catalog: catalog, site: web.site, staticFiles: staticFiles
        ).addRoutes(to: router)
        AuthController(
            users: users, audit: audit, throttle: throttle, passwords: passwords, renderer: renderer, catalog: catalog,
            clock: web.clock, random: web.random
        ).addRoutes(to: router)
        LanguageController(clock: web.clock).addRoutes(to: router)
        CharterController(
            site: web.site, renderer: renderer, catalog: catalog, consentLog: store,
            consentCodec: web.consentCodec, clock: web.clock
        ).addRoutes(to: router)
        BackOfficeController(
            store: store, jobs: jobs, users: users, renderer: renderer, catalog: catalog,
            csrf: CSRFMiddleware(environment: web), uploadsDirectory: uploadsDirectory, maxUploadBytes: maxUploadBytes,
            clock: web.clock, random: web.random, audit: audit
        ).addRoutes(
            to: router,
            apiKeys: APIKeyController(
                keys: store, users: users, renderer: renderer, catalog: catalog, clock: web.clock, random: web.random,
                audit: audit))
        // Accounts (admins), one's own account, the audit log (admins).
        let accounts = router.group("/backoffice")
        UsersController(
            accounts: store, users: users, passwords: passwords, audit: audit, renderer: renderer, catalog: catalog,
            clock: web.clock
        ).addRoutes(to: accounts)
        AccountController(
            accounts: store, users: users, passwords: passwords, audit: audit, renderer: renderer, catalog: catalog
        ).addRoutes(to: accounts)
        AuditController(trail: store, users: users, renderer: renderer, catalog: catalog, clock: web.clock)
            .addRoutes(to: accounts)
        let exportSlots = ExportSlots(
            capacity: configuration.maxConcurrentExports > 0
                ? configuration.maxConcurrentExports : ExportSlots.defaultCapacity(readers: store.readerCount))
        // Typo-tolerant search (issue 12): one memo of vocabularies for the API and the dataset pages.
        let spelling = SearchSpelling(source: store)
        ExploreAPIController(
            store: store, attachments: store, memo: memo, catalogTables: CatalogTables(), exportSlots: exportSlots,
            uploadsDirectory: uploadsDirectory, clock: web.clock, logger: web.logger, audienceTotals: audienceTotals,
            site: web.site, spelling: spelling
        ).addRoutes(to: router)
        CatalogPageController(
            store: store, users: users, renderer: renderer, catalog: catalog, audienceTotals: audienceTotals
        ).addRoutes(to: router)
        DatasetPageController(
            store: store, memo: memo, users: users, renderer: renderer, catalog: catalog, site: web.site,
            clock: web.clock, options: DatasetPageOptions(tileURL: configuration.tileURL), audienceTotals: audienceTotals,
            spelling: spelling
        ).addRoutes(to: router)
        // Sources on a schedule and attachments (issue 14): editors and admins.
        let sourcesBackOffice = router.group("/backoffice")
        SourceController(
            store: store, runner: sourceRunner, users: users, renderer: renderer, catalog: catalog, clock: web.clock
        ).addRoutes(to: sourcesBackOffice)
        AttachmentController(
            store: store, users: users, renderer: renderer, catalog: catalog, csrf: CSRFMiddleware(environment: web),
            uploadsDirectory: uploadsDirectory, maxUploadBytes: maxUploadBytes, clock: web.clock, random: web.random
        ).addRoutes(to: sourcesBackOffice)
        // The portal's identity (issue 16): its stylesheet and images, the content pages and their back office.
        let siteChanged: @Sendable () async throws -> Void = { [siteSync] in try await siteSync.commitChange() }
        SiteAssetController(settings: store, site: web.site).addRoutes(to: router)
        ContentPageController(pages: store, renderer: renderer, catalog: catalog, site: web.site).addRoutes(to: router)
        let siteBackOffice = router.group("/backoffice")
        SettingsController(
            store: store, users: users, renderer: renderer, catalog: catalog, csrf: CSRFMiddleware(environment: web),
            uploadsDirectory: uploadsDirectory, changed: siteChanged, clock: web.clock
        ).addRoutes(to: siteBackOffice)
        PagesController(
            store: store, users: users, renderer: renderer, catalog: catalog, changed: siteChanged, clock: web.clock
        ).addRoutes(to: siteBackOffice)
        // Declared services and consent figures (issue 14): admins only.
        ServicesController(
            settings: store, audit: store, users: users, siteSync: siteSync,
            servicesFile: siteSync.loader.directory.servicesPath, renderer: renderer, catalog: catalog, clock: web.clock
        ).addRoutes(to: router)
        ConsentFiguresController(
            figures: store, users: users, site: web.site, renderer: renderer, catalog: catalog, clock: web.clock
        ).addRoutes(to: router)
    }
}
