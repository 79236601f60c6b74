import CookieCharter
import Foundation
import Testing
import Web

/// The UI strings come from one file per language plus one per area of the portal.
@Suite struct CatalogFilesTests {
    /// Writes `files` (name → JSON text) into a new temporary folder.
    private func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }

    @Test func areaFilesAreMergedIntoTheirLanguage() throws {
        let url = try folder([
            "fr.json": #"{"a": "un"}"#, "en.json": #"{"a": "one"}"#,
            "audit.fr.json": #"{"b": "deux"}"#, "audit.en.json": #"{"b": "two"}"#,
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let catalog = try Catalog.load(from: url)
        #expect(catalog.text("b", in: .fr) == "deux")
        #expect(catalog.text("b", in: .en) == "two")
        #expect(catalog.text("a", in: .en) == "one")
        #expect(catalog.missingKeys().isEmpty)
    }

    @Test func aKeyDefinedTwiceIsRefused() throws {
        let url = try folder([
            "fr.json": #"{"a": "un"}"#, "en.json": #"{"a": "one"}"#,
            "audit.fr.json": #"{"a": "autre"}"#, "audit.en.json": #"{"b": "two"}"#,
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: CatalogError.self) { try Catalog.load(from: url) }
    }
}
