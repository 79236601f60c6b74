import Foundation
import Markup
import Mustache

/// The Mustache content type of every Garona template: HTML escaped by ``MarkupEscaping/html(_:)``.
///
/// swift-mustache's own HTML escaping compares `Character`s, so a `"` or `<` fused with a combining mark
/// (`"\u{301}`) or a prepended mark (`\u{600}<`) would pass through `{{value}}` unescaped. This one escapes
/// per UTF-8 byte.
struct ScalarHTMLContentType: MustacheContentType {
    /// The name the `CONTENT_TYPE` pragma uses.
    static let name = "GARONA_HTML"

    func escapeText(_ text: String) -> String { MarkupEscaping.html(text) }
}

/// Loads templates so that every `{{value}}` is escaped by ``ScalarHTMLContentType``.
///
/// Each template's text is read and registered with the content-type pragma in front of it. The pragma is
/// needed in every template, partials included: swift-mustache starts each partial with its own HTML content
/// type. Templates are named as `MustacheLibrary(directory:)` names them: the path below `directory` without
/// the `.mustache` extension (`partials/head`).
enum TemplateLibrary {
    static let pragma = "{{% CONTENT_TYPE: \(ScalarHTMLContentType.name) }}"

    /// Errors while loading templates.
    struct LoadError: Error, CustomStringConvertible {
        let file: String
        let underlying: any Error
        var description: String { "template \(file): \(underlying)" }
    }

    /// The library of every `.mustache` file below `directory`.
    static func load(directory: String) throws -> MustacheLibrary {
        MustacheContentTypes.register(ScalarHTMLContentType(), named: ScalarHTMLContentType.name)
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        let suffix = ".mustache"
        var library = MustacheLibrary()
        for path in FileManager.default.subpaths(atPath: root.path) ?? [] where path.hasSuffix(suffix) {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            do {
                try library.register(pragma + text, named: String(path.dropLast(suffix.count)))
            } catch {
                throw LoadError(file: path, underlying: error)
            }
        }
        return library
    }
}
