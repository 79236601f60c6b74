import CookieCharter
import Foundation
import Testing
import Web

/// Every UI string lives in the catalogs, in every language.
@Suite struct CatalogTests {
    let catalog: Catalog

    init() throws {
        catalog = try Catalog.load(from: WebResources.directory.appendingPathComponent("locales"))
    }

    @Test func everyKeyExistsInEveryLanguage() {
        #expect(catalog.missingKeys().isEmpty, "\(catalog.missingKeys())")
        for language in Language.allCases {
            #expect(catalog.table(for: language).values.allSatisfy { !$0.isEmpty })
        }
    }

    @Test func everyKeyATemplateUsesExists() throws {
        let templates = WebResources.directory.appendingPathComponent("templates")
        let files = try #require(FileManager.default.enumerator(atPath: templates.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".mustache") }
        #expect(files.count >= 8)
        for file in files {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for key in keys(in: text, pattern: #"\{\{\s*t\.([a-z0-9_]+)\s*\}\}"#) {
                for language in Language.allCases {
                    #expect(catalog.table(for: language)[key] != nil, "\(file) uses t.\(key), missing in \(language)")
                }
            }
        }
    }

    @Test func everyKeyTheCodeUsesExists() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources")
            .standardized
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        var found = 0
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let used =
                keys(in: text, pattern: #"catalog\.text\("([a-z0-9_]+)""#)
                + keys(in: text, pattern: #"messageKey: "([a-z0-9_]+)""#)
            for key in used {
                found += 1
                for language in Language.allCases {
                    #expect(catalog.table(for: language)[key] != nil, "\(file) uses \(key), missing in \(language)")
                }
            }
        }
        #expect(found > 10)
    }

    private func keys(in text: String, pattern: String) -> [String] {
        let regex = try? NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return (regex?.matches(in: text, range: range) ?? []).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
