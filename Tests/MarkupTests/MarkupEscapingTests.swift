import Markup
import Testing

/// Escaping holds per Unicode scalar: a `"` or `<` fused into one `Character` with a combining mark after it
/// (U+0301) or a prepended concatenation mark before it (U+0600) is still escaped.
@Suite struct MarkupEscapingTests {
    /// Inputs whose special character shares a grapheme cluster with its neighbour.
    static let fused: [(input: String, html: String)] = [
        ("\"\u{301}", "&quot;\u{301}"),
        ("<\u{301}", "&lt;\u{301}"),
        (">\u{301}", "&gt;\u{301}"),
        ("&\u{301}", "&amp;\u{301}"),
        ("'\u{301}", "&#39;\u{301}"),
        ("\u{600}\"", "\u{600}&quot;"),
        ("\u{600}<", "\u{600}&lt;"),
        ("a\u{600}<script>", "a\u{600}&lt;script&gt;"),
        ("👩\u{200D}<\u{200D}💻", "👩\u{200D}&lt;\u{200D}💻"),
        ("👩\u{200D}💻\"", "👩\u{200D}💻&quot;"),
    ]

    @Test func fusedCharactersAreOneCharacter() {
        // The premise: Swift sees these as single characters unequal to the special one.
        #expect("\"\u{301}".count == 1 && "\"\u{301}".first != "\"")
        #expect("\u{600}<".count == 1 && "\u{600}<".first != "<")
    }

    @Test(arguments: fused) func htmlEscapesPerScalar(_ sample: (input: String, html: String)) {
        #expect(MarkupEscaping.html(sample.input) == sample.html)
    }

    @Test func htmlLeavesOtherTextAlone() {
        #expect(MarkupEscaping.html("Gare de Labège-Village 🚉") == "Gare de Labège-Village 🚉")
        #expect(MarkupEscaping.html("") == "")
        #expect(MarkupEscaping.html("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
    }

    @Test(arguments: fused) func xmlEscapesPerScalar(_ sample: (input: String, html: String)) {
        let escaped = MarkupEscaping.xml(sample.input)
        #expect(!escaped.unicodeScalars.contains("<") && !escaped.unicodeScalars.contains("\""))
        #expect(!escaped.unicodeScalars.contains(">"))
    }

    @Test func xmlDropsWhatXMLCannotCarry() {
        #expect(MarkupEscaping.xml("a\u{0}b\u{1B}c\u{FFFE}\td\ne") == "abc\td\ne")
        #expect(MarkupEscaping.xml("\"\u{301}<\u{301}") == "&quot;\u{301}&lt;\u{301}")
    }

    @Test func scriptJSONEscapesPerScalar() {
        #expect(MarkupEscaping.scriptJSON("[\"</script\u{301}>\"]") == "[\"\\u003c/script\u{301}\\u003e\"]")
        #expect(MarkupEscaping.scriptJSON("\"\u{600}<!--&\"") == "\"\u{600}\\u003c!--\\u0026\"")
        #expect(MarkupEscaping.scriptJSON("\"a\u{2028}b\u{2029}\"") == "\"a\\u2028b\\u2029\"")
    }
}
