import CookieCharter
import Foundation
import PostgresNIO
import Testing

@testable import Portal
@testable import Store

/// Declared consent services on a shared PostgreSQL database: a node with `services.json` hands them to the nodes
/// without it; on SQLite the file alone counts. Skipped, saying why, without `GARONA_TEST_POSTGRES_URL`.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["GARONA_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false,
        "GARONA_TEST_POSTGRES_URL is unset: the shared services test is skipped"), .timeLimit(.minutes(1)))
struct SharedServicesTests {
    static let video = """
        [{"id": "video", "name": {"fr": "Vidéos", "en": "Videos"}, "provider": "Video host",
          "category": "third_party", "purpose": {"fr": "Lire les vidéos", "en": "Play videos"}, "cookies": []}]
        """

    @Test func aNodeWithTheFileSharesItsServicesWithTheOthers() async throws {
        let server = try #require(ProcessInfo.processInfo.environment["GARONA_TEST_POSTGRES_URL"])
        let name = "garona_t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let admin = try PostgreSQLStore(url: server, poolSize: 1)
        defer { admin.shutdown() }
        try await admin.run(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        var components = try #require(URLComponents(string: server))
        components.path = "/" + name
        let url = try #require(components.string)
        let database = DatabaseOptions(url: url, poolSize: 2, waitSeconds: 5)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("garona-services-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let withFile = try DataDirectory(path: root.appendingPathComponent("a").path)
            let empty = try DataDirectory(path: root.appendingPathComponent("b").path)
            try Data(Self.video.utf8).write(to: URL(fileURLWithPath: withFile.servicesPath))
            let store = try await empty.openStore(database, logger: .init(label: "test"))

            #expect(try await Portal.declaredServices(directory: empty, store: store, shared: true).isEmpty)
            let declared = try await Portal.declaredServices(directory: withFile, store: store, shared: true)
            #expect(declared.map(\.id) == ["video"])
            #expect(try await Portal.declaredServices(directory: empty, store: store, shared: true) == declared)
            // Without a shared database, a node's own file is all there is.
            #expect(try await Portal.declaredServices(directory: empty, store: store, shared: false).isEmpty)

            try await store.setSetting(Portal.servicesSetting, to: "[{\"id\": \"Bad Id!\"}]")
            await #expect(throws: PortalSetupError.self) {
                _ = try await Portal.declaredServices(directory: empty, store: store, shared: true)
            }
        } catch {
            _ = try? await admin.run(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
            throw error
        }
        try await admin.run(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
    }
}
