/// XML 1.0 text and attribute escaping, one Unicode scalar at a time (a grapheme such as `e` + U+0301
/// or a flag is never treated as one unit): `&`, `<`, `>`, `"` and `'` as entities, characters that XML 1.0
/// forbids (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF) dropped.
enum XMLText {
    static func escape(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output.append(contentsOf: "&amp;".unicodeScalars)
            case "<": output.append(contentsOf: "&lt;".unicodeScalars)
            case ">": output.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": output.append(contentsOf: "&quot;".unicodeScalars)
            case "'": output.append(contentsOf: "&apos;".unicodeScalars)
            case "\t", "\n", "\r": output.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// `name` as an XML element name: letters, digits, `_`, `-` and `.` kept, anything else `_`, and a
    /// leading `_` when it would start with a digit, `-` or `.`.
    static func elementName(_ name: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            let allowed = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar)
            output.append(allowed ? scalar : "_")
        }
        if output.isEmpty || !(output.first!.properties.isAlphabetic || output.first == "_") {
            output.insert("_", at: output.startIndex)
        }
        return String(output)
    }

    /// A number as XML text: the shortest form that reads back the same value.
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "0"
    }
}
