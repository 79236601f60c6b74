import CookieCharter
import Foundation

/// Every UI string of the portal, per language, loaded from `Resources/locales/<code>.json`.
///
/// Templates reach a string as `{{t.key}}`. A test fails when a key exists in one language and
/// not in the other, or when a template uses a key no catalog has.
public struct Catalog: Sendable {
    private let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
    }

    /// Loads one JSON object of strings per language from `directory`.
    public static func load(from directory: URL) throws -> Catalog {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = directory.appendingPathComponent("\(language.rawValue).json")
            tables[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return Catalog(tables: tables)
    }

    /// All strings of `language`.
    public func table(for language: Language) -> [String: String] {
        tables[language] ?? [:]
    }

    /// The string for `key` in `language`, with `{name}` placeholders replaced by `arguments`.
    public func text(_ key: String, in language: Language, _ arguments: [String: String] = [:]) -> String {
        var text = tables[language]?[key] ?? tables[.default]?[key] ?? key
        for (name, value) in arguments { text = text.replacing("{\(name)}", with: value) }
        return text
    }

    /// Keys present in some language but missing in another, per language.
    public func missingKeys() -> [Language: [String]] {
        let all = Set(tables.values.flatMap(\.keys))
        var missing: [Language: [String]] = [:]
        for language in Language.allCases {
            let absent = all.subtracting(tables[language]?.keys ?? [:].keys).sorted()
            if !absent.isEmpty { missing[language] = absent }
        }
        return missing
    }
}

/// Where the web layer's templates, catalogs and static files live.
public enum WebResources {
    /// The copied `Resources` folder of this module.
    public static var directory: URL {
        Bundle.module.url(forResource: "Resources", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Resources")
    }
}
