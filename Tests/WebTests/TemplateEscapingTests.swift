import Foundation
import Markup
import Mustache
import Testing

@testable import Web

/// Every `{{value}}` of Garona's templates, partials included, is escaped per UTF-8 byte: a `"` or `<` fused
/// into one `Character` with a combining or prepended mark cannot close an attribute or open a tag.
@Suite struct TemplateEscapingTests {
    static let hostile = [
        "\"\u{301} onmouseover=alert(1) x=\"\u{301}", "<\u{301}script>alert(1)<\u{301}/script>",
        "\u{600}\"><img src=x onerror=alert(1)>", "\u{600}<b>", "👩\u{200D}\"\u{200D}💻<",
    ]

    /// A template directory with a page that uses `value` in text and attribute contexts, inside a section and
    /// through a partial in a subfolder.
    func library() throws -> MustacheLibrary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-templates-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("partials"), withIntermediateDirectories: true)
        try #"<p title="{{value}}">{{value}}</p>{{#items}}<i data-x='{{.}}'>{{.}}</i>{{/items}}{{>partials/part}}"#
            .write(to: directory.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        try #"<input value="{{value}}">"#
            .write(to: directory.appendingPathComponent("partials/part.mustache"), atomically: true, encoding: .utf8)
        return try TemplateLibrary.load(directory: directory.path)
    }

    @Test(arguments: hostile) func valuesAreEscapedPerScalar(_ value: String) throws {
        let library = try library()
        let html = try #require(library.render(["value": value, "items": [value]], withTemplate: "page"))
        let empty = try #require(library.render(["value": "", "items": [""]], withTemplate: "page"))
        // Only the template's own markup characters remain: the same as with an empty value.
        #expect(Self.specials(html) == Self.specials(empty))
        #expect(Self.specials(empty) == #"<""><><''><><"">"#)
        #expect(html.contains(MarkupEscaping.html(value)))
    }

    /// The premise, and proof that the test above can fail: without the pragma, swift-mustache's own escaping
    /// lets the fused quote through.
    @Test func theLibraryEscapingAloneLetsFusedQuotesThrough() throws {
        let template = try MustacheTemplate(string: #"<p title="{{value}}">"#)
        #expect(Self.specials(template.render(["value": "\"\u{301} x=\"\u{301}"])) == #"<"""">"#)
    }

    /// The scalars of `html` that HTML's tokenizer treats specially, in order.
    static func specials(_ html: String) -> String {
        String(String.UnicodeScalarView(html.unicodeScalars.filter { "<>\"'".unicodeScalars.contains($0) }))
    }

    @Test func theShippedLibraryLoadsEveryTemplate() async throws {
        let library = try await PageRenderer.loadLibrary()
        for name in ["home", "catalog", "dataset_table", "partials/head", "partials/foot", "login"] {
            #expect(library.getTemplate(named: name) != nil, "\(name)")
        }
    }
}
