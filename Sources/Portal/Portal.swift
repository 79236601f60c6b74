import CookieCharter
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Store
import Web

/// The application: routes of the front office, the back office and the charter, wired to the
/// web layer and the store.
public enum Portal {
    /// What tests may replace: the clock, the randomness and the bcrypt cost.
    public struct Overrides: Sendable {
        public var clock: @Sendable () -> Date = { Date() }
        public var random: RandomSource = .system
        public var bcryptCost: UInt8 = 12

        public init() {}
    }

    /// Builds the whole application for `configuration`: opens the data directory, loads the
    /// secret, the declarations, the templates and the catalogs.
    public static func buildApplication(
        _ configuration: PortalConfiguration,
        overrides: Overrides = Overrides(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let directory = try DataDirectory(path: configuration.dataDirectory)
        let store = try await directory.openStore(configuration.database, logger: logger)
        store.queryBudget.milliseconds = configuration.queryTimeoutMS
        store.queryBudget.exportMilliseconds = configuration.exportTimeoutMS
        let orphans = try store.removeOrphanImports()
        if orphans > 0 { logger.info("removed staging tables of interrupted imports", metadata: ["count": "\(orphans)"]) }
        let secret = try await store.instanceSecret()
        // The legal notice, the accessibility statement and "about", once per instance, for the editors to rewrite.
        try await DefaultPages.seed(into: store, now: overrides.clock())
        // What the operator may change at run time, read per request; kept in step with the store by `siteSync`.
        let site = LiveSite(SiteState(siteName: configuration.siteName))
        let siteSync = SiteStateSync(
            site: site, loader: SiteStateLoader(directory: directory, store: store, configuration: configuration),
            logger: logger)
        try await siteSync.start()
        let catalog = try Catalog.load(from: WebResources.directory.appendingPathComponent("locales"))
        let renderer = PageRenderer(
            library: try await PageRenderer.loadLibrary(),
            catalog: catalog,
            site: site,
            random: overrides.random
        )
        var web = WebEnvironment(
            site: site,
            consentCodec: ConsentCodec(secret: secret),
            csrfPolicy: CSRFPolicy(trustedOrigins: configuration.csrfTrustedOrigins),
            trustedProxies: Set(configuration.trustedProxies),
            sessions: store,
            catalog: catalog,
            renderer: renderer,
            clock: overrides.clock,
            random: overrides.random,
            logger: logger
        )
        web.multipartPaths = ["/backoffice/uploads"]
        web.multipartPaths.insert(AttachmentController.uploadPath)
        web.multipartPaths.formUnion(SettingsController.imagePaths)
        let portal = PortalServices(
            web: web,
            siteSync: siteSync,
            store: store,
            secret: secret,
            throttle: LoginThrottle(),
            passwords: PasswordHasher(cost: overrides.bcryptCost),
            staticFiles: StaticFiles(directory: WebResources.directory.appendingPathComponent("static")),
            jobs: ImportJobs(
                store: store, clock: overrides.clock, maxConcurrent: configuration.maxConcurrentImports,
                uploadsDirectory: try directory.uploadsDirectory(),
                retention: TimeInterval(configuration.jobRetentionHours) * 3_600),
            uploadsDirectory: try directory.uploadsDirectory(),
            maxUploadBytes: min(configuration.maxUploadMB, Int.max >> 20) << 20,
            memo: .forEngine(store.dialect)
        )
        // The jobs this node ran before it stopped will never end: their pages say so.
        try await portal.jobs.recoverInterrupted()
        let router = Router(context: PortalRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.addPortalMiddlewares(web)
        portal.addRoutes(to: router, configuration: configuration)
        var app = Application(
            router: router,
            server: .http1(configuration: Self.http1(idleTimeoutSeconds: configuration.idleTimeoutSeconds)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Garona"),
            onServerRunning: onServerRunning,
            logger: logger
        )
        app.addServices(
            SessionPurge(
                store: store, clock: overrides.clock, logger: logger,
                consentRetention: TimeInterval(configuration.consentRetentionDays) * 86_400, jobs: portal.jobs,
                auditRetention: TimeInterval(configuration.auditRetentionDays) * 86_400))
        app.addServices(RetiredTablesPurge(store: store, clock: overrides.clock, logger: logger))
        if configuration.audienceFlushSeconds > 0 {
            app.addServices(
                AudienceFlush(
                    counters: portal.audienceCounters, store: store, clock: overrides.clock, logger: logger,
                    interval: configuration.audienceFlushSeconds, retentionDays: configuration.audienceRetentionDays))
        }
        // Runs the datasets' sources when due, each on the one node that takes its lease.
        app.addServices(
            SourceScheduler(
                runner: portal.sourceRunner, store: store, clock: overrides.clock, logger: logger,
                interval: SourceScheduler.interval()))
        app.addServices(siteSync)
        return app
    }

    /// Request lines and headers up to 256 KB reach the routes, so that an over-long ODSQL query gets the API's own
    /// "too long" 400 rather than a bare one from the HTTP parser (whose default limit is 80 KB).
    ///
    /// A connection that sends nothing, or trickles a request head, for `idleTimeoutSeconds` is closed, so slow
    /// clients cannot hold connections open forever; a response being written is never cut by it.
    static func http1(idleTimeoutSeconds: Int) -> HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            idleTimeout: .seconds(Int64(idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 256 * 1024, maxHeaderListSize: 256 * 1024))
    }

    /// With `--demo`, publishes the demo datasets that are missing, creates the `admin` account
    /// on first run and returns its generated password, to be printed once. Returns nil when an
    /// account already exists.
    public static func seedDemo(
        dataDirectory: String, database: DatabaseOptions = DatabaseOptions(), random: RandomSource = .system,
        logger: Logger = Logger(label: "garona")
    ) async throws -> String? {
        let store = try await DataDirectory(path: dataDirectory).openStore(database, logger: logger)
        try await DemoContent.publish(into: store, dataDirectory: dataDirectory, now: Date())
        guard try await store.userCount() == 0 else { return nil }
        let password = random.string(length: 20, alphabet: TokenAlphabet.csrf)
        let hash = try await PasswordHasher().hash(password)
        _ = try await store.createUser(username: "admin", role: .admin, passwordHash: hash, now: Date())
        return password
    }

    /// `garona user create`: adds an account, refusing short passwords and taken usernames.
    public static func createUser(
        dataDirectory: String, database: DatabaseOptions = DatabaseOptions(), username: String, role: Role,
        password: String
    ) async throws {
        guard password.count >= PasswordHasher.minimumLength else {
            throw PortalSetupError("the password must have at least \(PasswordHasher.minimumLength) characters")
        }
        guard !username.isEmpty, username.count <= 150,
            username.allSatisfy({ $0.isLetter || $0.isNumber || "@.+-_".contains($0) })
        else {
            throw PortalSetupError("the username must be 1 to 150 letters, digits or @.+-_")
        }
        let store = try await DataDirectory(path: dataDirectory).openStore(
            database, logger: Logger(label: "garona"))
        let hash = try await PasswordHasher().hash(password)
        do {
            _ = try await store.createUser(username: username, role: role, passwordHash: hash, now: Date())
        } catch StoreError.duplicate {
            throw PortalSetupError("the username \"\(username)\" is already taken")
        }
        try await store.appendAudit(
            AuditEntry(at: Date(), actor: AuditEntry.commandLine, action: .userCreate, target: username, detail: role.rawValue))
    }
}

/// Deletes expired sessions, proofs of consent past their retention period, and finished or abandoned import jobs
/// with their uploaded files, at start-up and then every hour.
struct SessionPurge: Service {
    let store: any StoreEngine
    let clock: @Sendable () -> Date
    let logger: Logger
    /// How long a proof of consent is kept.
    var consentRetention: TimeInterval = 1_825 * 86_400
    /// The back-office import jobs, whose finished and abandoned ones are removed.
    var jobs: ImportJobs?
    /// How long an audit log entry is kept.
    var auditRetention: TimeInterval = 400 * 86_400

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await purge()
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }

    /// One pass of every purge; a failure is logged, and the next pass tries again.
    func purge() async {
        let now = clock()
        do {
            let purged = try await store.purgeExpiredSessions(now: now)
            if purged > 0 { logger.info("purged expired sessions", metadata: ["count": "\(purged)"]) }
        } catch {
            logger.error("session purge failed", metadata: ["error.type": "\(type(of: error))"])
        }
        do {
            let purged = try await store.purgeConsents(before: now.addingTimeInterval(-consentRetention))
            if purged > 0 { logger.info("purged proofs of consent past their retention", metadata: ["count": "\(purged)"]) }
        } catch {
            logger.error("consent purge failed", metadata: ["error.type": "\(type(of: error))"])
        }
        do {
            let purged = try await store.purgeAudit(before: now.addingTimeInterval(-auditRetention))
            if purged > 0 { logger.info("purged audit entries past their retention", metadata: ["count": "\(purged)"]) }
        } catch {
            logger.error("audit purge failed", metadata: ["error.type": "\(type(of: error))"])
        }
        if let jobs {
            do {
                let purged = try await jobs.purge(now: now)
                if purged > 0 { logger.info("removed finished and abandoned import jobs", metadata: ["count": "\(purged)"]) }
            } catch {
                logger.error("import job purge failed", metadata: ["error.type": "\(type(of: error))"])
            }
        }
    }
}
