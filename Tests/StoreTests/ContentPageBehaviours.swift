import Foundation
import Store
import Testing

/// What the content pages of a storage engine must do, whatever the engine: each behaviour runs on SQLite
/// (``SQLiteContentPageTests``) and on PostgreSQL (``PostgreSQLContentPageTests``).
enum ContentPageBehaviours {
    /// One behaviour, named for the test report.
    struct Behaviour: Sendable, CustomTestStringConvertible {
        let name: String
        let check: @Sendable (any ContentPageStore & InstanceSettings) async throws -> Void
        var testDescription: String { name }
    }

    static let all: [Behaviour] = [
        Behaviour(name: "pages are saved, replaced, listed in menu order and deleted", check: savesListsAndDeletes),
        Behaviour(name: "seeding never replaces an edited page", check: seedingKeepsEdits),
        Behaviour(name: "site settings are set, replaced and removed", check: siteSettingsRoundTrip),
    ]

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func page(_ slug: String, menu: MenuPlacement, position: Int, body: String = "Texte") -> ContentPage {
        ContentPage(
            slug: slug, titleFR: "Titre \(slug)", titleEN: "Title \(slug)", bodyFR: body, bodyEN: "Text \(body)",
            menu: menu, position: position, updatedAt: now)
    }

    static func savesListsAndDeletes(_ store: any ContentPageStore & InstanceSettings) async throws {
        #expect(try await store.contentPages().isEmpty)
        let legal = page("mentions-legales", menu: .footer, position: 2, body: "## Éditeur\n\n<script>x</script> ' \" %")
        try await store.saveContentPage(legal)
        try await store.saveContentPage(page("a-propos", menu: .header, position: 1))
        try await store.saveContentPage(page("zeta", menu: .none, position: 1))
        #expect(try await store.contentPage(slug: "mentions-legales") == legal)
        #expect(try await store.contentPage(slug: "absent") == nil)
        #expect(try await store.contentPages().map(\.slug) == ["a-propos", "zeta", "mentions-legales"])
        var edited = legal
        edited.titleEN = "Legal notice"
        edited.menu = .header
        edited.position = -5
        edited.updatedAt = now.addingTimeInterval(60)
        try await store.saveContentPage(edited)
        #expect(try await store.contentPage(slug: "mentions-legales") == edited)
        #expect(try await store.contentPages().map(\.slug) == ["mentions-legales", "a-propos", "zeta"])
        #expect(try await store.deleteContentPage(slug: "zeta"))
        #expect(try await !store.deleteContentPage(slug: "zeta"))
        #expect(try await store.contentPages().count == 2)
    }

    static func seedingKeepsEdits(_ store: any ContentPageStore & InstanceSettings) async throws {
        let seeded = page("accessibilite", menu: .footer, position: 1, body: "Défaut")
        #expect(try await store.seedContentPage(seeded))
        var edited = seeded
        edited.bodyFR = "Texte des éditeurs"
        try await store.saveContentPage(edited)
        #expect(try await !store.seedContentPage(seeded))
        #expect(try await store.contentPage(slug: "accessibilite")?.bodyFR == "Texte des éditeurs")
    }

    static func siteSettingsRoundTrip(_ store: any ContentPageStore & InstanceSettings) async throws {
        for key in SiteSettingKey.allCases { #expect(try await store.setting(key.rawValue) == nil) }
        try await store.setSetting(SiteSettingKey.siteNameFR.rawValue, to: "Données d'Occitanie")
        try await store.setSetting(SiteSettingKey.primaryColor.rawValue, to: "#1d4f91")
        try await store.setSetting(SiteSettingKey.primaryColor.rawValue, to: "#003366")
        #expect(try await store.setting("site_name.fr") == "Données d'Occitanie")
        #expect(try await store.setting("primary_color") == "#003366")
        try await store.setSetting(SiteSettingKey.siteNameFR.rawValue, to: nil)
        #expect(try await store.setting("site_name.fr") == nil)
    }
}

/// The behaviours on the embedded engine.
@Suite struct SQLiteContentPageTests {
    @Test(arguments: ContentPageBehaviours.all) func behaviour(_ behaviour: ContentPageBehaviours.Behaviour) async throws {
        try await withTemporaryStore { store, _ in try await behaviour.check(store) }
    }

    @Test func slugsAreCheckedAsURLPathSegments() {
        for slug in ["mentions-legales", "a", "page-2", String(repeating: "a", count: 64)] {
            #expect(ContentPage.isValidSlug(slug), "\(slug)")
        }
        for slug in ["", "-a", "a-", "A", "é", "a/b", "a b", "..", "a_b", String(repeating: "a", count: 65)] {
            #expect(!ContentPage.isValidSlug(slug), "\(slug)")
        }
    }
}

/// The behaviours on PostgreSQL, each on a database of its own; skipped, saying why, without
/// `GARONA_TEST_POSTGRES_URL`.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason), .timeLimit(.minutes(1)))
struct PostgreSQLContentPageTests {
    @Test(arguments: ContentPageBehaviours.all) func behaviour(_ behaviour: ContentPageBehaviours.Behaviour) async throws {
        try await PostgreSQLTestDatabase.withStore { store, _ in try await behaviour.check(store) }
    }
}
