import CookieCharter
import Foundation
import Logging
import PostgresNIO
import Testing
import Web

@testable import Portal
@testable import Store

/// The site's state on two nodes sharing one database, on each engine: `services.json` provisions the setting once
/// per change of the file, a change committed on one node reaches the other at its next poll, and a change made in
/// the store survives a restart with the same file. The PostgreSQL run is skipped without `GARONA_TEST_POSTGRES_URL`.
@Suite(.timeLimit(.minutes(1)))
struct SiteStateSyncTests {
    static let video = """
        [{"id": "video", "name": {"fr": "Vidéos", "en": "Videos"}, "provider": "Video host",
          "category": "third_party", "purpose": {"fr": "Lire les vidéos", "en": "Play videos"}, "cookies": []}]
        """
    static let maps = """
        [{"id": "maps", "name": {"fr": "Cartes", "en": "Maps"}, "provider": "Map host",
          "category": "third_party", "purpose": {"fr": "Cartes", "en": "Maps"}, "origins": ["https://maps.example"]}]
        """

    static var engines: [String] {
        let url = ProcessInfo.processInfo.environment["GARONA_TEST_POSTGRES_URL"] ?? ""
        return url.isEmpty ? ["sqlite"] : ["sqlite", "postgres"]
    }

    @Test(arguments: engines) func twoNodesFollowOneDeclaration(engine: String) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("garona-site-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try await Self.withDatabase(engine: engine, root: root) { database in
            let withFile = try DataDirectory(path: root.appendingPathComponent("a").path)
            let without = try DataDirectory(path: engine == "sqlite" ? withFile.path : root.appendingPathComponent("b").path)
            try Data(Self.video.utf8).write(to: URL(fileURLWithPath: withFile.servicesPath))
            let storeA = try await withFile.openStore(database, logger: Logger(label: "test"))
            let storeB = try await without.openStore(database, logger: Logger(label: "test"))
            let nodeA = Self.sync(withFile, storeA)
            let nodeB = Self.sync(without, storeB)
            try await nodeA.start()
            try await nodeB.start()
            #expect(nodeA.site.current.registry.services.map(\.id) == ["video"])
            #expect(nodeB.site.current.registry.services.map(\.id) == ["video"])
            #expect(try await nodeB.follow() == false)

            // A change committed on node A: in force there at once, on node B at its next poll.
            try await storeA.setSetting(ServiceDeclarations.setting, to: Self.maps)
            try await nodeA.commitChange()
            #expect(nodeA.site.current.registry.services.map(\.id) == ["maps"])
            #expect(nodeB.site.current.registry.services.map(\.id) == ["video"])
            let revision = nodeB.site.revision
            #expect(try await nodeB.follow() == true)
            #expect(nodeB.site.current.registry.services.map(\.id) == ["maps"])
            #expect(nodeB.site.revision == revision + 1)
            #expect(try await nodeB.follow() == false)

            // A restart with the same file keeps the change; a changed file replaces it.
            let restarted = Self.sync(withFile, storeA)
            try await restarted.start()
            #expect(restarted.site.current.registry.services.map(\.id) == ["maps"])
            try Data(Self.video.replacing("Play videos", with: "Watch videos").utf8)
                .write(to: URL(fileURLWithPath: withFile.servicesPath))
            let provisioned = Self.sync(withFile, storeA)
            try await provisioned.start()
            #expect(provisioned.site.current.registry.services.map(\.id) == ["video"])
            #expect(try await nodeB.follow() == true)
            #expect(nodeB.site.current.registry.services.first?.purpose.en == "Watch videos")

            // A setting that does not parse is refused, and the state in force stays.
            try await storeA.setSetting(ServiceDeclarations.setting, to: "[{\"id\": \"Bad Id!\"}]")
            await #expect(throws: PortalSetupError.self) { try await nodeA.commitChange() }
            #expect(nodeA.site.current.registry.services.map(\.id) == ["maps"])
        }
    }

    static func sync(_ directory: DataDirectory, _ store: any StoreEngine) -> SiteStateSync {
        SiteStateSync(
            site: LiveSite(SiteState(siteName: "Test")),
            loader: SiteStateLoader(directory: directory, store: store, siteName: "Test"), logger: Logger(label: "test"))
    }

    /// Runs `body` with the options of a fresh database of `engine`: the SQLite file of the data directory, or a new
    /// PostgreSQL database, dropped afterwards.
    static func withDatabase(engine: String, root: URL, _ body: (DatabaseOptions) async throws -> Void) async throws {
        guard engine == "postgres" else { return try await body(DatabaseOptions()) }
        let server = try #require(ProcessInfo.processInfo.environment["GARONA_TEST_POSTGRES_URL"])
        let name = "garona_t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let admin = try PostgreSQLStore(url: server, poolSize: 1)
        defer { admin.shutdown() }
        try await admin.run(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        var components = try #require(URLComponents(string: server))
        components.path = "/" + name
        let url = try #require(components.string)
        do {
            try await body(DatabaseOptions(url: url, poolSize: 2, waitSeconds: 5))
        } catch {
            _ = try? await admin.run(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
            throw error
        }
        try await admin.run(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
    }
}
