import Foundation
import Logging
import Testing

@testable import Portal
@testable import Store

/// The home page's featured datasets: the editors' order read from the form, and the setting stored, audited and
/// read back on both engines (PostgreSQL skipped without `GARONA_TEST_POSTGRES_URL`).
@Suite struct FeaturedDatasetsTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func theFormGivesTheOrderOfTheTickedKnownDatasets() {
        let known = ["arbres", "gares", "lycees", "parcs"]
        let places = ["gares": "2", "arbres": " 1 ", "parcs": "abc", "lycees": "99999999999999999999999"]
        // Unknown and repeated ids go; an unreadable place comes last, a huge one is the highest place.
        let ordered = FeaturedController.ordered(
            chosen: ["parcs", "gares", "inconnu", "arbres", "gares", "lycees"], known: known, position: { places[$0] })
        #expect(ordered == ["arbres", "gares", "parcs", "lycees"])
        // Without places, the form's order stays.
        #expect(
            FeaturedController.ordered(chosen: ["parcs", "arbres"], known: known, position: { _ in nil }) == ["parcs", "arbres"])
        #expect(FeaturedController.ordered(chosen: [], known: known, position: { _ in "1" }).isEmpty)
    }

    @Test(arguments: SiteStateSyncTests.engines) func theChoiceIsStoredAuditedAndReadBack(engine: String) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("garona-featured-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try await SiteStateSyncTests.withDatabase(engine: engine, root: root) { database in
            let directory = try DataDirectory(path: root.path)
            let store = try await directory.openStore(database, logger: Logger(label: "test"))
            let editor = SiteSettingsEditor(store: store, changed: nil)
            try await editor.set(.featuredDatasets, "gares, arbres", actor: "edith", now: now)
            #expect(try await store.setting("featured_datasets") == "gares,arbres")
            #expect(try await SiteIdentityLoader.load(from: store).featuredDatasets == ["gares", "arbres"])
            let entries = try await store.auditEntries(AuditQuery(action: .settings))
            #expect(entries.map(\.actor) == ["edith"] && entries.map(\.target) == ["featured_datasets"])
            #expect(entries.map(\.detail) == ["gares,arbres"])
            // Provisioning from the command line sets the same setting; an id that is not one is refused.
            try await SiteSettingsCommands.set("featured_datasets", value: "lycees", store: store, now: now)
            #expect(try await SiteIdentityLoader.load(from: store).featuredDatasets == ["lycees"])
            await #expect(throws: SettingRefusal.self) {
                try await editor.set(.featuredDatasets, "lycees,../x", actor: "edith", now: now)
            }
            #expect(try await store.setting("featured_datasets") == "lycees")
            try await editor.set(.featuredDatasets, nil, actor: "edith", now: now)
            #expect(try await SiteIdentityLoader.load(from: store).featuredDatasets.isEmpty)
            #expect(try await store.auditEntries(AuditQuery(action: .settings)).map(\.detail).contains("removed"))
        }
    }
}
