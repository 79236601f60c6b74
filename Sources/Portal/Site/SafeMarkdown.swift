import Foundation
import Ink
import Markup
import Web

/// Editors' Markdown to HTML, with Ink, made safe to put in a page.
///
/// Ink passes raw HTML through and writes link targets into `href` unescaped; three modifiers close those doors:
/// - raw HTML, block or inline, comes out as escaped text (a `<script>` shows as text and never runs);
/// - a link keeps its anchor only when its target is `http:`, `https:`, `mailto:` or relative (``isSafeLink(_:)``),
///   and is rebuilt with the target escaped; any other link (`javascript:`, `data:`, a reference link) is its text;
/// - an image keeps its tag only when its source is a path on the portal itself (``isLocalImage(_:)``); any other
///   image is its alternative text.
///
/// Ink escapes `<`, `>` and `&` in plain text and code. Markdown metadata (a leading `---` block) is dropped.
enum SafeMarkdown {
    /// The HTML for `markdown`.
    static func html(_ markdown: String) -> String {
        let parser = MarkdownParser(modifiers: [
            Modifier(target: .html) { MarkupEscaping.html(String($0.markdown)) },
            Modifier(target: .links) { link($0.html, markdown: $0.markdown) },
            Modifier(target: .images) { image(markdown: $0.markdown) },
        ])
        return parser.html(from: markdown)
    }

    /// Whether a link may point at `url`: no space or control character (browsers drop or skip them, so they
    /// could hide a scheme), no quote or angle bracket, and a scheme among `http`, `https` and `mailto`, or none.
    static func isSafeLink(_ url: String) -> Bool {
        guard !url.isEmpty, url.unicodeScalars.allSatisfy(isPlainURLScalar) else { return false }
        return ["", "http", "https", "mailto"].contains(URLParts(url).scheme)
    }

    /// Whether an image may load `url`: a path on the portal itself (`/…`), never another host (`//host`, `/\host`)
    /// nor a scheme.
    static func isLocalImage(_ url: String) -> Bool {
        guard url.hasPrefix("/"), !url.hasPrefix("//"), !url.hasPrefix("/\\"),
            url.unicodeScalars.allSatisfy(isPlainURLScalar)
        else { return false }
        let parts = URLParts(url)
        return parts.scheme.isEmpty && parts.netloc.isEmpty
    }

    /// A character a safe URL may hold: printable ASCII but space, quotes, angle brackets and backslash, or any
    /// non-ASCII character but controls.
    private static func isPlainURLScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value > 0x7F { return !scalar.properties.generalCategory.isControlOrFormat }
        return scalar.value > 0x20 && scalar.value < 0x7F && !"\"'<>\\`".unicodeScalars.contains(scalar)
    }

    /// The target of an inline link or image `[text](target)`: the parenthesised end of `markdown`, matched
    /// backwards with nested parentheses; nil for a reference link or anything else.
    static func target(of markdown: Substring) -> (text: Substring, url: Substring)? {
        guard markdown.last == ")" else { return nil }
        var depth = 0
        var index = markdown.endIndex
        while index > markdown.startIndex {
            index = markdown.index(before: index)
            switch markdown[index] {
            case ")": depth += 1
            case "(":
                depth -= 1
                if depth == 0 {
                    guard index > markdown.startIndex, markdown[markdown.index(before: index)] == "]" else { return nil }
                    let url = markdown[markdown.index(after: index)..<markdown.index(before: markdown.endIndex)]
                    let close = markdown.index(before: index)
                    guard let open = markdown.firstIndex(of: "["), open < close else { return nil }
                    return (markdown[markdown.index(after: open)..<close], url)
                }
            default: break
            }
        }
        return nil
    }

    /// A link rebuilt from Ink's `<a href="URL">TEXT</a>`, when the URL is the one the Markdown holds and is safe;
    /// otherwise the link's text alone, or the escaped Markdown when even that cannot be told apart.
    private static func link(_ html: String, markdown: Substring) -> String {
        guard let (_, target) = target(of: markdown) else { return MarkupEscaping.html(String(markdown)) }
        let url = String(target).trimmingCharacters(in: .whitespaces)
        let prefix = "<a href=\"" + url + "\">"
        guard html.hasPrefix(prefix), html.hasSuffix("</a>"), html.count >= prefix.count + 4 else {
            return MarkupEscaping.html(String(markdown))
        }
        let text = String(html.dropFirst(prefix.count).dropLast(4))
        guard isSafeLink(url) else { return text }
        return "<a href=\"" + MarkupEscaping.html(url) + "\">" + text + "</a>"
    }

    /// An image with a local source and its alternative text escaped; otherwise that text alone.
    private static func image(markdown: Substring) -> String {
        guard let (text, url) = target(of: markdown) else { return MarkupEscaping.html(String(markdown)) }
        let source = String(url).trimmingCharacters(in: .whitespaces)
        let alt = MarkupEscaping.html(String(text))
        guard isLocalImage(source) else { return alt }
        return "<img src=\"" + MarkupEscaping.html(source) + "\" alt=\"" + alt + "\">"
    }
}

extension Unicode.GeneralCategory {
    /// Whether the category is a control or format character (`Cc`, `Cf`): invisible, and able to hide text.
    fileprivate var isControlOrFormat: Bool { self == .control || self == .format }
}
