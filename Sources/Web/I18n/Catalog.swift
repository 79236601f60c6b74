import CookieCharter
import Foundation

/// Every UI string of the portal, per language, loaded from `Resources/locales/<code>.json` and the area files
/// `Resources/locales/<area>.<code>.json` (one per part of the portal, such as `audit.fr.json`).
///
/// Templates reach a string as `{{t.key}}`. A test fails when a key exists in one language and
/// not in the other, or when a template uses a key no catalog has.
public struct Catalog: Sendable {
    private let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
    }

    /// Loads the JSON objects of strings of each language from `directory`: `<code>.json`, then every
    /// `<area>.<code>.json`. A key defined by two files is an error, so that no string silently hides another.
    public static func load(from directory: URL) throws -> Catalog {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let suffix = ".\(language.rawValue).json"
            let files = ["\(language.rawValue).json"] + names.filter { $0.hasSuffix(suffix) }
            var table: [String: String] = [:]
            for file in files {
                let url = directory.appendingPathComponent(file)
                let strings = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
                if let key = strings.keys.first(where: { table[$0] != nil }) {
                    throw CatalogError.duplicateKey(key, file: file)
                }
                table.merge(strings) { first, _ in first }
            }
            tables[language] = table
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

/// A catalog that cannot be loaded.
public enum CatalogError: Error, CustomStringConvertible {
    /// `key` is defined twice, the second time in `file`.
    case duplicateKey(String, file: String)

    public var description: String {
        switch self {
        case .duplicateKey(let key, let file): "the UI string \"\(key)\" is defined twice (again in \(file))"
        }
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
