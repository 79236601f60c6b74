import CookieCharter
import Foundation
import Hummingbird
import Logging
import Store
import Web

/// A real web environment over a temporary SQLite file, with a fixed clock and seeded randomness.
struct TestEnvironment {
    let environment: WebEnvironment
    let store: SQLiteStore
    let directory: URL

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    init(services: [ConsentService] = [], trustedProxies: Set<String> = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("garona.sqlite").path)
        let registry = CookieRegistry(services: services)
        let catalog = try Catalog.load(from: WebResources.directory.appendingPathComponent("locales"))
        let random = RandomSource.seeded(7)
        let renderer = PageRenderer(
            library: try await PageRenderer.loadLibrary(), catalog: catalog, registry: registry, siteName: "Test", random: random
        )
        environment = WebEnvironment(
            siteName: "Test", registry: registry, consentCodec: ConsentCodec(secret: Array(repeating: 1, count: 32)),
            csrfPolicy: CSRFPolicy(trustedOrigins: []), trustedProxies: trustedProxies, sessions: store, catalog: catalog,
            renderer: renderer, clock: { TestEnvironment.now }, random: random, logger: Logger(label: "test")
        )
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A router with the whole middleware stack.
    func router() -> Router<PortalRequestContext> {
        let router = Router(context: PortalRequestContext.self)
        router.addPortalMiddlewares(environment)
        return router
    }
}
