import Vocabulary

/// Splits the cells of a list (multivalued) field into its values and keeps them as a JSON array of text, the form
/// both engines query (SQLite's `json_each`, PostgreSQL's `json_array_elements_text`) and the API answers with.
///
/// Each part is trimmed of spaces and tabs; empty parts are dropped; a cell with no value left is null.
enum ListCells {
    /// The cell `bytes` split on `separator`, as a ``Value/text(_:)`` holding a JSON array, or null.
    static func value(_ bytes: UnsafeBufferPointer<UInt8>, separator: String) -> Value {
        let values = split(String(decoding: bytes, as: UTF8.self), separator: separator)
        return values.isEmpty ? .null : .text(jsonArray(values))
    }

    /// The trimmed, non-empty parts of `text` between occurrences of `separator`.
    static func split(_ text: String, separator: String) -> [String] {
        guard !separator.isEmpty else { return [text.trimmingASCIIWhitespace()].filter { !$0.isEmpty } }
        return text.split(separator: separator, omittingEmptySubsequences: true)
            .map { $0.trimmingASCIIWhitespace() }
            .filter { !$0.isEmpty }
    }

    /// `values` as a compact JSON array of strings (``JSONValue``'s writer: quotes, backslashes and control
    /// characters escaped, every other character written as itself).
    static func jsonArray(_ values: [String]) -> String {
        JSONValue.array(values.map(JSONValue.string)).text
    }
}

extension IngestOptions {
    /// Parses one `NAME=SEPARATOR` declaration of a list field, as typed on the command line (`tags=;`) or in the back
    /// office, where the separator may be quoted (`tags=";"`). The name ends at the first `=`; the separator is 1 to
    /// 8 characters, none of them a line break.
    public static func parseFieldSeparator(_ text: String) throws(IngestError) -> (name: String, separator: String) {
        guard let equal = text.firstIndex(of: "=") else { throw .invalidFieldSeparator(text) }
        let name = text[..<equal].trimmingASCIIWhitespace()
        var separator = String(text[text.index(after: equal)...])
        if separator.count >= 2, separator.hasPrefix("\""), separator.hasSuffix("\"") {
            separator = String(separator.dropFirst().dropLast())
        }
        guard !name.isEmpty, (1...8).contains(separator.count),
            !separator.contains(where: { $0.isNewline })
        else { throw .invalidFieldSeparator(text) }
        return (name, separator)
    }
}

extension Detection {
    /// The same detection with some fields declared lists, keyed by field name or original label: each becomes a
    /// text field whose cells are split on its separator. An unknown field is an error.
    public func separating(_ separators: [String: String]) throws(IngestError) -> Detection {
        var copy = self
        for (key, separator) in separators.sorted(by: { $0.key < $1.key }) {
            guard let index = copy.fieldIndex(key), case .column = copy.fields[index].source else {
                throw .unknownField(key)
            }
            copy.fields[index].type = .text
            copy.fields[index].separator = separator
        }
        return copy
    }

    /// The same detection with list fields declared as `NAME=SEPARATOR` strings.
    public func separating(_ specs: [String]) throws(IngestError) -> Detection {
        var separators: [String: String] = [:]
        for spec in specs {
            let parsed = try IngestOptions.parseFieldSeparator(spec)
            separators[parsed.name] = parsed.separator
        }
        return try separating(separators)
    }

    private func fieldIndex(_ key: String) -> Int? {
        fields.firstIndex(where: { $0.name == key }) ?? fields.firstIndex(where: { $0.label == key })
            ?? fields.firstIndex(where: { $0.name == FieldNames.normalize(key) })
    }
}
