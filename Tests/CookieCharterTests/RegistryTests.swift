import CookieCharter
import Testing

@Suite struct RegistryTests {
    @Test func defaultRegistryDeclaresTheCharterFourNecessaryCookies() {
        let registry = CookieRegistry()
        #expect(registry.cookies.map(\.name) == ["sessionid", "django_language", "csrftoken", "cookies_preferences"])
        #expect(registry.cookies.allSatisfy { $0.category == .necessary })
        #expect(!registry.needsConsent)
        #expect(registry.consentCategories.isEmpty)
    }

    @Test func aDeclaredServiceAsksForConsentInItsCategory() {
        let registry = CookieRegistry(services: [.mapTiles(urlTemplate: "https://tiles.example.org/{z}/{x}/{y}.png")])
        #expect(registry.needsConsent)
        #expect(registry.consentCategories == [.thirdParty])
        let tiles = registry.service(id: "map_tiles")
        #expect(tiles?.origins == ["https://tiles.example.org"])
        #expect(tiles?.markup.contains("https://tiles.example.org/7/64/45.png") == true)
    }

    @Test func policyVersionChangesWithTheOptionalServicesOnly() {
        let none = CookieRegistry()
        let tiles = CookieRegistry(services: [.mapTiles(urlTemplate: "https://a.example/{z}/{x}/{y}.png")])
        let sameTiles = CookieRegistry(services: [.mapTiles(urlTemplate: "https://a.example/{z}/{x}/{y}.png")])
        let otherTiles = CookieRegistry(services: [.mapTiles(urlTemplate: "https://b.example/{z}/{x}/{y}.png")])
        #expect(none.policyVersion != tiles.policyVersion)
        #expect(tiles.policyVersion == sameTiles.policyVersion)
        #expect(tiles.policyVersion != otherTiles.policyVersion)
        #expect(tiles.policyVersion.count == 8)
    }

    @Test func serviceIdentifiersAreRestrictedToFormSafeCharacters() {
        #expect(ConsentService.isValidIdentifier("map_tiles"))
        #expect(!ConsentService.isValidIdentifier(""))
        #expect(!ConsentService.isValidIdentifier("Map"))
        #expect(!ConsentService.isValidIdentifier("a b"))
        #expect(!ConsentService.isValidIdentifier("x\"><script>"))
    }

    @Test func localizedTextFallsBackToTheOtherLanguageWhenEmpty() {
        #expect(LocalizedText(fr: "", en: "Hello").text(in: .fr) == "Hello")
        #expect(LocalizedText(fr: "Bonjour", en: "").text(in: .en) == "Bonjour")
        #expect(LocalizedText(fr: "Bonjour", en: "Hello").text(in: .en) == "Hello")
    }

    @Test func charterTableMatchesTheSeedInFrench() {
        let document = CharterDocument(registry: CookieRegistry(), language: .fr, siteName: "data.example")
        #expect(
            document.columnHeaders.prefix(4) == ["Nom du prestataire", "Service et emplacement", "Nom du cookie", "Finalités"])
        #expect(document.tables.count == 1)
        let rows = document.tables[0].rows
        #expect(rows.map(\.name) == ["sessionid", "django_language", "csrftoken", "cookies_preferences"])
        #expect(rows[0].service == "Authentification (front et back office)")
        #expect(rows[0].purpose == "Se souvenir de l'utilisateur d'une page à une autre.")
        #expect(rows[2].purpose == "Récupérer des données via des appels API")
        #expect(document.kinds.map(\.id) == ["necessary", "statistics", "first_party", "third_party"])
    }

    @Test func charterInEnglishListsServicesOfConsentCategories() {
        let registry = CookieRegistry(services: [.mapTiles(urlTemplate: "https://t.example/{z}/{x}/{y}.png")])
        let document = CharterDocument(registry: registry, language: .en, siteName: "data.example")
        #expect(document.columnHeaders.prefix(4) == ["Service provider", "Service and location", "Cookie name", "Purposes"])
        #expect(document.tables.map(\.category) == ["necessary", "third_party"])
        #expect(document.tables[1].services.map(\.name) == ["Map background tiles"])
    }
}
