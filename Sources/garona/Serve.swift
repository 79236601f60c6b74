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
            + "GARONA_CSRF_TRUSTED_ORIGINS (comma-separated), GARONA_TILE_URL, GARONA_API_RATE_LIMIT."
    )

    @Option(help: "Address to listen on.")
    var host = EnvironmentDefaults.string("GARONA_HOST", "127.0.0.1")

    @Option(help: "Port to listen on.")
    var port = EnvironmentDefaults.int("GARONA_PORT", 8080)

    @Option(name: .customLong("data-dir"), help: "Data directory (database, secret key, uploads).")
    var dataDirectory = EnvironmentDefaults.string("GARONA_DATA_DIR", "./garona-data")

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

    func run() async throws {
        guard (1...65535).contains(port) else { fail("--port must be between 1 and 65535") }
        guard maxUploadMB > 0 else { fail("--max-upload-mb must be positive") }
        guard apiRateLimit >= 0 else { fail("--api-rate-limit must be 0 (off) or positive") }
        guard queryTimeoutMS > 0 else { fail("--query-timeout-ms must be positive") }
        var logger = Logger(label: "garona")
        logger.logLevel = Logger.Level(rawValue: EnvironmentDefaults.string("LOG_LEVEL", "info")) ?? .info
        let configuration = PortalConfiguration(
            host: host,
            port: port,
            dataDirectory: dataDirectory,
            demo: demo,
            queryTimeoutMS: queryTimeoutMS,
            trustedProxies: trustedProxies,
            csrfTrustedOrigins: csrfTrustedOrigins,
            tileURL: tileURL,
            maxUploadMB: maxUploadMB,
            apiRateLimit: apiRateLimit
        )
        do {
            if demo, let password = try await Portal.seedDemo(dataDirectory: dataDirectory) {
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
