import Foundation

/// A logo or favicon: a PNG or SVG file, size-limited, stored in its setting as a `data:` URL and served by the
/// portal at `/site/logo` and `/site/favicon` (``SiteAssetController``).
///
/// An SVG may hold scripts: it is refused when it declares a DTD or entities (which expand on parsing) and is only
/// ever shown through `<img>`, where browsers run no script; its own URL is served with its type and
/// `X-Content-Type-Options: nosniff` under the portal's Content-Security-Policy, which allows no inline script or
/// event handler, so that opening it directly runs nothing either.
struct SiteImage: Sendable, Hashable {
    /// The two formats accepted.
    enum Format: String, Sendable {
        case png = "image/png"
        case svg = "image/svg+xml"
    }

    let format: Format
    let bytes: [UInt8]

    /// The largest file accepted: 256 KiB.
    static let maximumBytes = 256 * 1024

    /// The eight bytes every PNG file starts with.
    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Validates a file's bytes: a PNG by its signature, or an SVG (UTF-8 text whose root element is `<svg`).
    init(validating bytes: [UInt8]) throws(SettingRefusal) {
        guard !bytes.isEmpty else { throw .emptyImage }
        guard bytes.count <= Self.maximumBytes else { throw .imageTooLarge(limitKiB: Self.maximumBytes / 1024) }
        if bytes.starts(with: Self.pngSignature) {
            format = .png
        } else if let text = String(validating: bytes, as: UTF8.self), Self.isPlainSVG(text) {
            format = .svg
        } else {
            throw .imageFormat
        }
        self.bytes = bytes
    }

    /// Reads an image back from its setting's `data:` URL; nil when the value is not one this type wrote.
    init?(dataURL: String) {
        for format in [Format.png, .svg] {
            let prefix = "data:\(format.rawValue);base64,"
            if dataURL.hasPrefix(prefix), let data = Data(base64Encoded: String(dataURL.dropFirst(prefix.count))),
                let image = try? SiteImage(validating: [UInt8](data)), image.format == format
            {
                self = image
                return
            }
        }
        return nil
    }

    /// The setting's value: `data:<type>;base64,<bytes>`.
    var dataURL: String { "data:\(format.rawValue);base64," + Data(bytes).base64EncodedString() }

    /// A short fingerprint of the bytes, for URLs that change when the image does.
    var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 36)
    }

    /// Whether `text` is an SVG document without a DTD, entities or processing instructions other than the XML
    /// declaration: after an optional declaration and comments, its first element is `<svg`.
    static func isPlainSVG(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard !lower.contains("<!doctype"), !lower.contains("<!entity"), !lower.contains("<!["),
            lower.contains("</svg>") || lower.contains("/>")
        else { return false }
        var rest = Substring(lower).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if rest.hasPrefix("<?xml") {
            guard let end = rest.range(of: "?>") else { return false }
            rest = rest[end.upperBound...].drop(while: \.isWhitespace)
        }
        while rest.hasPrefix("<!--") {
            guard let end = rest.range(of: "-->") else { return false }
            rest = rest[end.upperBound...].drop(while: \.isWhitespace)
        }
        guard rest.hasPrefix("<svg"), let next = rest.dropFirst(4).first else { return false }
        return next.isWhitespace || next == ">" || next == "/"
    }
}
