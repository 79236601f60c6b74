import CookieCharter
import Foundation
import Testing

@testable import Portal

/// A declared service may not claim the category of the portal's own audience measurement: that category runs
/// without consent (only an objection stops it) and the charter says it sets no cookie and sends nothing to anyone;
/// a third-party analytics service needs consent, under `statistics` or `third_party`.
@Suite struct DeclaredAudienceServiceTests {
    static func declaration(category: String) -> Data {
        Data(
            """
            [{"id": "analytics", "name": {"fr": "Statistiques", "en": "Analytics"}, "provider": "Analytics host",
              "category": "\(category)", "purpose": {"fr": "Mesure", "en": "Measure"},
              "origins": ["https://analytics.example"]}]
            """.utf8)
    }

    @Test func theAudienceMeasurementCategoryIsRefused() throws {
        do {
            _ = try ServiceDeclarations.parse(Self.declaration(category: "audience_measurement"), source: "services.json")
            Issue.record("a declared service of the audience measurement category was accepted")
        } catch let error as PortalSetupError {
            #expect("\(error)".contains("needs an optional category"))
        }
        let accepted = try ServiceDeclarations.parse(Self.declaration(category: "statistics"), source: "services.json")
        #expect(accepted.map(\.category) == [.statistics])
    }
}
