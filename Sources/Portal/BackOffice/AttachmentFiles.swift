import Foundation

/// The files a dataset may have attached, and how their names travel: an allow-list of documentation formats by
/// extension, each with the one type it is served as.
///
/// Executable or active formats (HTML, SVG, scripts) are refused: even served as attachments, a browser told to open
/// one could run it on the portal's origin.
enum AttachmentFiles {
    /// The accepted extensions and their media types.
    static let types: [String: String] = [
        "pdf": "application/pdf",
        "txt": "text/plain; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "geojson": "application/geo+json",
        "xml": "application/xml",
        "zip": "application/zip",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
    ]

    /// The extensions accepted, for the upload form's `accept` and its hint.
    static var extensions: [String] { types.keys.sorted() }

    /// The media type of `fileName`, or nil when its extension is not accepted.
    static func mediaType(of fileName: String) -> String? {
        guard fileName.contains("."), let ext = fileName.split(separator: ".").last else { return nil }
        return types[ext.lowercased()]
    }

    /// `attachment; filename="name"; filename*=UTF-8''name`: the name is already made harmless (ASCII letters,
    /// digits, `.`, `-`, `_`), so both forms are the same.
    static func disposition(fileName: String) -> String {
        let safe = UploadReceiver.safeFileName(fileName)
        return "attachment; filename=\"\(safe)\"; filename*=UTF-8''\(safe)"
    }
}
