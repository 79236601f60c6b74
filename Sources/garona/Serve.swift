import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Portal

/// `garona serve`: runs the portal.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the portal (front office, back office and data API).",
        discussion: "Every option can also be set with an environment variable: GARONA_HOST, GARONA_PORT, "
            + "GARONA_DATA_DIR, GARONA_DEMO=1, GARONA_QUERY_TIMEOUT_MS, GARONA_MAX_UPLOAD_MB, GARONA_TRUSTED_PROXIES and "
            + "GARONA_CSRF_TRUSTED_ORIGINS (comma-separated), GARONA_TILE_URL, GARONA_API_RATE_LIMIT, "
            + "GARONA_EXPORT_TIMEOUT_MS, GARONA_MAX_CONCURRENT_EXPORTS, GARONA_CONSENT_RETENTION_DAYS, "
            + "GARONA_MAX_CONCURRENT_IMPORTS, GARONA_DATABASE_URL, GARONA_DB_POOL_SIZE, GARONA_DATABASE_WAIT_S."
    )

    @Option(help: "Address to listen on.")
    var host = EnvironmentDefaults.string("GARONA_HOST", "127.0.0.1")

    @Option(help: "Port to listen on.")
    var port = EnvironmentDefaults.int("GARONA_PORT", 8080)

    @OptionGroup var storage: StoreOptions

    @Flag(help: "Seed demo content and an admin account whose password is printed once.")
    var demo = EnvironmentDefaults.bool("GARONA_DEMO")

    @Option(name: .customLong("query-timeout-ms"), help: "Longest run of one data-API query, in milliseconds.")
    var queryTimeoutMS = EnvironmentDefaults.int("GARONA_QUERY_TIMEOUT_MS", 5_000)

    @Option(name: .customLong("trusted-proxy"), help: "A proxy address whose X-Forwarded-* headers are trusted (repeatable).")
    var trustedProxies: [String] = EnvironmentDefaults.list("GARONA_TRUSTED_PROXIES")

    @Option(name: .customLong("csrf-trusted-origin"), help: "An origin allowed to POST, e.g. https://*.example.org (repeatable).")
    var csrfTrustedOrigins: [String] = EnvironmentDefaults.list("GARONA_CSRF_TRUSTED_ORIGINS")

    @Option(name: .customLong("max-upload-mb"), help: "Largest upload accepted by the back office, in MB.")
    var maxUploadMB = EnvironmentDefaults.int("GARONA_MAX_UPLOAD_MB", 512)

    @Option(name: .customLong("tile-url"), help: "Map tile URL template of the third-party tile service.")
    var tileURL = EnvironmentDefaults.string("GARONA_TILE_URL", PortalConfiguration.defaultTileURL)

    @Option(name: .customLong("api-rate-limit"), help: "Data API requests a minute per client (API key or address); 0 is off.")
    var apiRateLimit = EnvironmentDefaults.int("GARONA_API_RATE_LIMIT", 0)

    @Option(name: .customLong("export-timeout-ms"), help: "Longest run of one export (query and sending), in milliseconds.")
    var exportTimeoutMS = EnvironmentDefaults.int("GARONA_EXPORT_TIMEOUT_MS", 300_000)

    @Option(name: .customLong("max-concurrent-exports"), help: "Exports streaming at once; 0 keeps 2 database readers free.")
    var maxConcurrentExports = EnvironmentDefaults.int("GARONA_MAX_CONCURRENT_EXPORTS", 0)

    @Option(name: .customLong("consent-retention-days"), help: "Days a proof of consent is kept before it is purged.")
    var consentRetentionDays = EnvironmentDefaults.int("GARONA_CONSENT_RETENTION_DAYS", 1_825)

    @Option(name: .customLong("audit-retention-days"), help: "Days an audit log entry is kept before it is purged.")
    var auditRetentionDays = EnvironmentDefaults.int("GARONA_AUDIT_RETENTION_DAYS", 400)

    @Option(name: .customLong("job-retention-hours"), help: "Hours a finished import job stays visible (1 to 8760).")
    var jobRetentionHours = EnvironmentDefaults.int("GARONA_JOB_RETENTION_HOURS", 1)

    @Option(name: .customLong("max-concurrent-imports"), help: "Back-office imports running at once; the others wait, queued.")
    var maxConcurrentImports = EnvironmentDefaults.int("GARONA_MAX_CONCURRENT_IMPORTS", 2)

    @Option(name: .customLong("idle-timeout-s"), help: "Seconds a connection may idle or take to send its request head.")
    var idleTimeoutSeconds = EnvironmentDefaults.int("GARONA_IDLE_TIMEOUT_S", 30)

    @Option(name: .customLong("audience-flush-s"), help: "Seconds between two writes of the audience counts; 0: off.")
    var audienceFlushSeconds = EnvironmentDefaults.int("GARONA_AUDIENCE_FLUSH_S", 10)

    @Option(name: .customLong("audience-retention-days"), help: "Days of audience figures kept (at most 760).")
    var audienceRetentionDays = EnvironmentDefaults.int("GARONA_AUDIENCE_RETENTION_DAYS", 760)

    func run() async throws {
        ignoreFileSizeSignal()
        guard (1...65535).contains(port) else { fail("--port must be between 1 and 65535") }
        guard maxUploadMB > 0 else { fail("--max-upload-mb must be positive") }
        guard apiRateLimit >= 0 else { fail("--api-rate-limit must be 0 (off) or positive") }
        guard queryTimeoutMS > 0 else { fail("--query-timeout-ms must be positive") }
        guard exportTimeoutMS >= queryTimeoutMS, exportTimeoutMS <= 86_400_000 else {
            fail("--export-timeout-ms must be at least --query-timeout-ms and at most 86400000 (one day)")
        }
        guard maxConcurrentExports >= 0 else { fail("--max-concurrent-exports must be 0 (automatic) or positive") }
        guard (1...36_500).contains(consentRetentionDays) else { fail("--consent-retention-days must be 1 to 36500") }
        guard (1...36_500).contains(auditRetentionDays) else { fail("--audit-retention-days must be 1 to 36500") }
        guard (1...8_760).contains(jobRetentionHours) else { fail("--job-retention-hours must be 1 to 8760") }
        guard maxConcurrentImports > 0 else { fail("--max-concurrent-imports must be positive") }
        guard (1...86_400).contains(idleTimeoutSeconds) else { fail("--idle-timeout-s must be 1 to 86400") }
        guard (0...3_600).contains(audienceFlushSeconds) else { fail("--audience-flush-s must be 0 (off) to 3600") }
        guard (1...760).contains(audienceRetentionDays) else { fail("--audience-retention-days must be 1 to 760") }
        var logger = Logger(label: "garona")
        logger.logLevel = Logger.Level(rawValue: EnvironmentDefaults.string("LOG_LEVEL", "info")) ?? .info
        var configuration = PortalConfiguration(
            host: host,
            port: port,
            dataDirectory: storage.dataDirectory,
            demo: demo,
            queryTimeoutMS: queryTimeoutMS,
            trustedProxies: trustedProxies,
            csrfTrustedOrigins: csrfTrustedOrigins,
            tileURL: tileURL,
            maxUploadMB: maxUploadMB,
            apiRateLimit: apiRateLimit
        )
        configuration.exportTimeoutMS = exportTimeoutMS
        configuration.maxConcurrentExports = maxConcurrentExports
        configuration.consentRetentionDays = consentRetentionDays
        configuration.auditRetentionDays = auditRetentionDays
        configuration.maxConcurrentImports = maxConcurrentImports
        configuration.jobRetentionHours = jobRetentionHours
        configuration.idleTimeoutSeconds = idleTimeoutSeconds
        configuration.audienceFlushSeconds = audienceFlushSeconds
        configuration.audienceRetentionDays = audienceRetentionDays
        configuration.database = storage.database
        do {
            if demo,
                let password = try await Portal.seedDemo(
                    dataDirectory: storage.dataDirectory, database: storage.database, logger: logger)
            {
                say("Admin account: username \"admin\", password \"\(password)\"")
            }
            let host = self.host
            let app = try await Portal.buildApplication(configuration, logger: logger) { channel in
                let port = channel.localAddress?.port ?? 0
                say("Garona listening on http://\(host):\(port)")
            }
            try await app.runService()
        } catch let error as PortalSetupError {
            fail(error.description)
        } catch {
            fail("cannot start: \(error.localizedDescription)")
        }
    }
}
