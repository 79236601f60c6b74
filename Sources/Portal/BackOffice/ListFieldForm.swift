/// Reads the list fields a back-office form declares: one `NAME=SEPARATOR` a line in a text area, blank lines ignored.
/// The declarations are checked when the file is detected (``DatasetImporter/detect(_:progress:)``) or the source
/// saved (``SourceSettings``), where a malformed one gets its message.
enum ListFieldForm {
    /// The non-blank lines of `text`, with the line breaks (`\r\n` too) removed and the separators kept as typed.
    static func declarations(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
    }
}
