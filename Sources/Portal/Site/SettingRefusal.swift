import CookieCharter
import Web

/// Why a site setting's value is refused: said in English on the command line (``description``) and in the
/// visitor's language in the back office (``message(_:language:)``, strings `site.refusal.*`).
enum SettingRefusal: Error, Equatable, CustomStringConvertible {
    /// No such key.
    case unknownKey(String)
    /// Not `#rrggbb`.
    case colorFormat
    /// White text on the colour reaches only `ratio`; `suggestion` is the nearest darker shade that passes.
    case lowContrast(color: String, ratio: String, suggestion: String)
    case emptyImage
    case imageTooLarge(limitKiB: Int)
    /// Neither a PNG nor a plain SVG.
    case imageFormat
    /// The image file cannot be read.
    case unreadableFile
    case email
    case tooLong(limit: Int)
    /// A footer link or theme icon line that is not `label | value`, or whose URL is unsafe.
    case listLine(Int)
    /// A featured dataset id that is not an id.
    case datasetID(String)
    case accessibilityStatus

    var description: String {
        switch self {
        case .unknownKey(let key): "unknown setting \"\(key)\"; known: " + SiteSettingsEditor.keyList
        case .colorFormat: "a colour is written #rrggbb"
        case .lowContrast(let color, let ratio, let suggestion):
            "white text on \(color) has a contrast of \(ratio):1, below WCAG AA's 4.5:1; "
                + "the nearest darker shade that passes is \(suggestion)"
        case .emptyImage: "the image file is empty"
        case .imageTooLarge(let limit): "the image is larger than \(limit) KiB"
        case .imageFormat: "the image must be a PNG or an SVG file (without DTD or entities)"
        case .unreadableFile: "the image file cannot be read"
        case .email: "not an e-mail address"
        case .tooLong(let limit): "longer than \(limit) characters"
        case .listLine(let line): "line \(line) is not \"label | value\" with a safe URL (http, https, mailto or /path)"
        case .datasetID(let id): "\"\(id)\" is not a dataset id"
        case .accessibilityStatus: "the status is non_conforme, partiellement_conforme or totalement_conforme"
        }
    }

    /// The refusal in `language`, from the catalog.
    func message(_ catalog: Catalog, language: Language) -> String {
        switch self {
        case .unknownKey(let key): catalog.text("site_refusal_unknown_key", in: language, ["key": key])
        case .colorFormat: catalog.text("site_refusal_color_format", in: language)
        case .lowContrast(let color, let ratio, let suggestion):
            catalog.text(
                "site_refusal_low_contrast", in: language, ["color": color, "ratio": ratio, "suggestion": suggestion])
        case .emptyImage: catalog.text("site_refusal_empty_image", in: language)
        case .imageTooLarge(let limit): catalog.text("site_refusal_image_too_large", in: language, ["limit": "\(limit)"])
        case .imageFormat, .unreadableFile: catalog.text("site_refusal_image_format", in: language)
        case .email: catalog.text("site_refusal_email", in: language)
        case .tooLong(let limit): catalog.text("site_refusal_too_long", in: language, ["limit": "\(limit)"])
        case .listLine(let line): catalog.text("site_refusal_list_line", in: language, ["line": "\(line)"])
        case .datasetID(let id): catalog.text("site_refusal_dataset_id", in: language, ["id": id])
        case .accessibilityStatus: catalog.text("site_refusal_accessibility_status", in: language)
        }
    }
}
