/// The one home of Garona's output escaping: HTML, XML and JSON embedded in a `<script>` element.
///
/// Every function works on Unicode scalars (the HTML and XML ones on UTF-8 bytes, which is the same for the
/// ASCII characters they replace), never on Swift `Character`s. A `Character` is a grapheme cluster: `"` followed
/// by U+0301 (a combining accent), or `<` preceded by U+0600 (a prepended concatenation mark), is one `Character`
/// that compares unequal to `"` or `<`, so an escaper that looks at `Character`s lets the quote or the bracket
/// through. A browser's tokenizer reads code points, and sees the bare `"` or `<`.
public enum MarkupEscaping {
    /// `text` made safe for HTML text and for a quoted attribute value: `&`, `<`, `>`, `"` and `'` become
    /// character references; everything else passes unchanged.
    public static func html(_ text: String) -> String { escape(text, apostrophe: "&#39;") }

    /// `text` made safe for XML 1.0 text and double-quoted attribute values: `&`, `<`, `>` and `"` escaped, and
    /// the characters XML 1.0 cannot carry at all (controls other than tab, line feed and carriage return,
    /// U+FFFE, U+FFFF) dropped.
    public static func xml(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isXMLCharacter($0) }) else { return escape(text, apostrophe: nil) }
        var allowed = String.UnicodeScalarView()
        allowed.append(contentsOf: text.unicodeScalars.filter(isXMLCharacter))
        return escape(String(allowed), apostrophe: nil)
    }

    /// JSON text made safe inside a `<script>` element: `<`, `>` and `&` (so that no `</script`, `<!--` or
    /// character reference can form) and U+2028, U+2029 (line terminators in older JavaScript) become `\uXXXX`
    /// escapes, which JSON reads back as the same characters. `json` must be valid JSON; these characters only
    /// occur inside its strings.
    public static func scriptJSON(_ json: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": escaped += "\\u003c"
            case ">": escaped += "\\u003e"
            case "&": escaped += "\\u0026"
            case "\u{2028}": escaped += "\\u2028"
            case "\u{2029}": escaped += "\\u2029"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Replaces `&`, `<`, `>`, `"` (and `'` when `apostrophe` is given) byte by byte: none of them can be part
    /// of a longer UTF-8 sequence, so this is exactly per scalar.
    private static func escape(_ text: String, apostrophe: String?) -> String {
        let apostropheByte: UInt8? = apostrophe == nil ? nil : UInt8(ascii: "'")
        let special: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""): true
            default: byte == apostropheByte
            }
        }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            default:
                if byte == apostropheByte, let apostrophe {
                    bytes.append(contentsOf: apostrophe.utf8)
                } else {
                    bytes.append(byte)
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether XML 1.0 can carry `scalar` at all.
    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0..<0x20, 0xFFFE, 0xFFFF: false
        default: true
        }
    }
}
