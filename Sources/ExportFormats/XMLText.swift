import Markup

/// XML names and numbers for the KML and GPX writers; text and attribute values go through the project's one
/// escaper, ``MarkupEscaping/xml(_:)``, which works per Unicode scalar.
enum XMLText {
    static func escape(_ text: String) -> String { MarkupEscaping.xml(text) }

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
