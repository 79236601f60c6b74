import Foundation

/// An sRGB colour of the site's look, written `#rrggbb`.
struct SiteColor: Sendable, Hashable, CustomStringConvertible {
    var red: UInt8
    var green: UInt8
    var blue: UInt8

    static let white = SiteColor(red: 255, green: 255, blue: 255)
    static let black = SiteColor(red: 0, green: 0, blue: 0)

    /// The colour `#rrggbb` (case-insensitive, surrounding spaces ignored), or nil for anything else.
    init?(hex text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.utf8.count == 7, text.first == "#",
            text.dropFirst().allSatisfy(\.isHexDigit), let value = UInt32(text.dropFirst(), radix: 16)
        else { return nil }
        red = UInt8(truncatingIfNeeded: value >> 16)
        green = UInt8(truncatingIfNeeded: value >> 8)
        blue = UInt8(truncatingIfNeeded: value)
    }

    init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb`, lowercase.
    var description: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The relative luminance of WCAG 2.x: each channel linearised from sRGB, then 0.2126 R + 0.7152 G + 0.0722 B.
    var relativeLuminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let value = Double(channel) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// The WCAG 2.x contrast ratio with `other`, from 1 to 21: (lighter + 0.05) / (darker + 0.05).
    func contrast(with other: SiteColor) -> Double {
        let (a, b) = (relativeLuminance, other.relativeLuminance)
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// This colour moved `fraction` (0 to 1) of the way towards `target`, channel by channel.
    func mixed(with target: SiteColor, _ fraction: Double) -> SiteColor {
        func mix(_ from: UInt8, _ to: UInt8) -> UInt8 {
            let value = (Double(from) + (Double(to) - Double(from)) * fraction).rounded()
            return UInt8(clamping: Int(max(0, min(255, value))))
        }
        return SiteColor(red: mix(red, target.red), green: mix(green, target.green), blue: mix(blue, target.blue))
    }
}

/// The contrast rule for the site's colours: they are backgrounds of white text (header, buttons) and the colour of
/// links and headings on the white page, so white on each must reach WCAG AA for normal text, 4.5:1.
enum ContrastRule {
    /// WCAG 2.x AA for normal text.
    static let minimumRatio = 4.5
    /// The text colour the site's colours are checked against.
    static let text = SiteColor.white

    /// The contrast of white text on `color`.
    static func ratio(of color: SiteColor) -> Double { color.contrast(with: text) }

    /// Whether `color` passes.
    static func passes(_ color: SiteColor) -> Bool { ratio(of: color) >= minimumRatio }

    /// The nearest shade of `color` that passes: the same hue, darkened by the smallest step of 1/255 that reaches
    /// the ratio (black always does). `color` itself when it passes already.
    static func nearestPassingShade(of color: SiteColor) -> SiteColor {
        guard !passes(color) else { return color }
        for step in 1...255 {
            let shade = color.mixed(with: .black, Double(step) / 255)
            if passes(shade) { return shade }
        }
        return .black
    }

    /// A ratio as people read it: two decimals, truncated, so that a refused 4.496 never shows as "4.50".
    static func format(_ ratio: Double) -> String {
        let hundredths = Int((ratio * 100).rounded(.down))
        let cents = hundredths % 100
        return "\(hundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
