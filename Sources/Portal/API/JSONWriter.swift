import Foundation
import Vocabulary

/// Appends JSON to a byte buffer without building intermediate objects: records are written
/// straight into the response.
struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends `text` as a JSON string literal (Vocabulary's one escaper: quotes, backslashes, control characters).
    mutating func string(_ text: String) { JSONValue.writeString(text, to: &bytes) }

    mutating func number(_ value: Double) {
        if value.isFinite {
            if value == value.rounded(), abs(value) < 1e15 {
                raw(String(Int64(value)) + ".0")
            } else {
                raw("\(value)")
            }
        } else {
            raw("null")
        }
    }

    mutating func number(_ value: Int64) { raw(String(value)) }

    /// Writes an encodable value with `JSONEncoder` (for the small, non-record documents).
    mutating func encoded(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        bytes.append(contentsOf: (try? encoder.encode(value)) ?? Data("null".utf8))
    }
}
