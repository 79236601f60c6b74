import Foundation
import Testing
import Web

@testable import Portal
@testable import Store

/// The site's settings as stored: checked, audited, telling the other nodes, and read back into the identity with
/// the default pages in the menus.
@Suite struct SiteSettingsEditorTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(try SQLiteStore(path: directory.appendingPathComponent("garona.sqlite").path))
    }

    @Test func aChangeIsStoredAuditedAndAnnouncedAndARefusalChangesNothing() async throws {
        try await withStore { store in
            let editor = SiteSettingsEditor(store: store, changed: nil)
            try await editor.set(.primaryColor, "#003366", actor: "alice", now: now)
            #expect(try await store.setting("primary_color") == "#003366")
            let version = try #require(try await store.setting(LiveSite.versionSetting))
            let entries = try await store.auditEntries(AuditQuery(action: .settings))
            #expect(entries.map(\.actor) == ["alice"] && entries.map(\.target) == ["primary_color"])
            #expect(entries.map(\.detail) == ["#003366"])
            await #expect(throws: SettingRefusal.self) {
                try await editor.set(.primaryColor, "#f0f0f0", actor: "alice", now: now)
            }
            #expect(try await store.setting("primary_color") == "#003366")
            #expect(try await store.setting(LiveSite.versionSetting) == version)
            #expect(try await store.auditEntries(AuditQuery(action: .settings)).count == 1)
            // The command line: actor cli; an empty value removes the setting.
            try await SiteSettingsCommands.set("primary_color", value: "", store: store, now: now)
            #expect(try await store.setting("primary_color") == nil)
            #expect(try await store.auditEntries(AuditQuery(actor: "cli")).map(\.detail) == ["removed"])
            await #expect(throws: SiteSettingsError.self) {
                try await SiteSettingsCommands.set("colour", value: "#000000", store: store, now: now)
            }
        }
    }

    @Test func theIdentityIsReadBackWithTheDefaultPagesInTheMenus() async throws {
        try await withStore { store in
            try await DefaultPages.seed(into: store, now: now)
            try await store.deleteContentPage(slug: "a-propos")
            try await DefaultPages.seed(into: store, now: now)
            #expect(try await store.contentPage(slug: "a-propos") == nil)
            let editor = SiteSettingsEditor(store: store, changed: nil)
            try await editor.set(.siteNameFR, "Données d'Occitanie", actor: "alice", now: now)
            try await editor.set(.homeIntroFR, "Bonjour <script>x</script> [lien](javascript:x)", actor: "alice", now: now)
            try await editor.set(.footerLinks, "Région | https://www.region.example/", actor: "alice", now: now)
            // A value written by hand that no longer passes its check is ignored.
            try await store.setSetting("accent_color", to: "#ffffff")
            let identity = try await SiteIdentityLoader.load(from: store)
            #expect(identity.name(in: "en", fallback: "Garona") == "Données d'Occitanie")
            #expect(identity.name(in: "fr", fallback: "Garona") == "Données d'Occitanie")
            #expect(identity.accentColor == SiteIdentity.defaultAccentColor)
            #expect(identity.menuPages.map(\.slug) == ["mentions-legales", "accessibilite"])
            #expect(identity.footerLinks == [SiteIdentity.Link(label: "Région", url: "https://www.region.example/")])
            let intro = try #require(identity.homeIntroHTML["fr"])
            #expect(!intro.contains("<script") && !intro.contains("javascript:") && intro.contains("lien"))
            let frame = identity.frameValues(language: "en", fallbackName: "Garona")
            #expect(frame["site_name"] as? String == "Données d'Occitanie")
        }
    }
}
