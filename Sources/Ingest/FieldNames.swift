/// Turns original headers into field names the Opendatasoft way: lowercase ASCII, accents stripped,
/// every other character to `_`, runs of `_` collapsed and trimmed, names unique.
enum FieldNames {
    /// Normalises one header; returns an empty string when nothing is left.
    static func normalize(_ label: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(label.utf8.count)
        var pendingUnderscore = false
        func emit(_ byte: UInt8) {
            if pendingUnderscore && !out.isEmpty { out.append(UInt8(ascii: "_")) }
            pendingUnderscore = false
            out.append(byte)
        }
        for scalar in label.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): emit(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): emit(byte + 32)
                default: pendingUnderscore = true
                }
                continue
            }
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if let base = asciiBase(of: scalar) {
                for byte in base.utf8 { emit(byte) }
            } else {
                pendingUnderscore = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The ASCII letters a Latin letter with diacritics stands for, read from its Unicode name
    /// (`LATIN SMALL LETTER E WITH ACUTE` gives `e`, `LATIN CAPITAL LIGATURE OE` gives `oe`).
    static func asciiBase(of scalar: Unicode.Scalar) -> String? {
        guard let name = scalar.properties.name else { return nil }
        let words = name.split(separator: " ")
        guard words.count >= 4, words[0] == "LATIN", words[1] == "SMALL" || words[1] == "CAPITAL",
            words[2] == "LETTER" || words[2] == "LIGATURE"
        else { return nil }
        let letter = words[3]
        if letter == "SHARP" { return "ss" }
        guard letter.count <= 2, letter.unicodeScalars.allSatisfy({ $0.value >= 0x41 && $0.value <= 0x5A }) else {
            return nil
        }
        return letter.lowercased()
    }

    /// Normalises all headers and makes them unique. Empty names become `field_N` (N the 1-based column);
    /// a name already taken gets the first free suffix `_2`, `_3`… Each rename is reported.
    static func unique(_ labels: [String]) -> (names: [String], warnings: [IngestWarning]) {
        var taken = Set<String>()
        var names: [String] = []
        var warnings: [IngestWarning] = []
        for (index, label) in labels.enumerated() {
            let base = normalize(label)
            var name = base.isEmpty ? "field_\(index + 1)" : base
            if taken.contains(name) {
                var suffix = 2
                while taken.contains("\(name)_\(suffix)") { suffix += 1 }
                name = "\(name)_\(suffix)"
            }
            if base.isEmpty {
                warnings.append(
                    IngestWarning(
                        code: "renamed_header", field: name, message: "Column \(index + 1) has no header; it is named \(name)."))
            } else if name != base {
                warnings.append(
                    IngestWarning(
                        code: "renamed_header", field: name,
                        message: "Column \(index + 1) \"\(label)\" repeats the field name \(base); it is named \(name)."))
            }
            taken.insert(name)
            names.append(name)
        }
        return (names, warnings)
    }
}
