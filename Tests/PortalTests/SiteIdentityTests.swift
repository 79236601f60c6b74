import Foundation
import Testing

@testable import Portal
@testable import Store

/// The site's look and pages: WCAG contrast, colour refusals with their suggestion, safe Markdown, logo checks.
@Suite struct SiteIdentityTests {
    @Test func contrastFollowsWCAG() throws {
        // WCAG's own reference points: black on white is 21:1, a colour with itself 1:1.
        #expect(abs(SiteColor.black.contrast(with: .white) - 21) < 1e-9)
        #expect(abs(SiteColor.white.contrast(with: .white) - 1) < 1e-9)
        // #767676 is the well-known lightest grey passing AA on white (4.54:1); #777777 fails (4.48:1).
        #expect(ContrastRule.format(ContrastRule.ratio(of: try #require(SiteColor(hex: "#767676")))) == "4.54")
        #expect(ContrastRule.passes(try #require(SiteColor(hex: "#767676"))))
        #expect(!ContrastRule.passes(try #require(SiteColor(hex: "#777777"))))
        #expect(ContrastRule.format(4.4999) == "4.49")
        for color in [SiteIdentity.defaultPrimaryColor, SiteIdentity.defaultAccentColor] {
            #expect(ContrastRule.passes(try #require(SiteColor(hex: color))), "\(color)")
        }
    }

    @Test func coloursAreParsedStrictly() {
        #expect(SiteColor(hex: "#1D4F91")?.description == "#1d4f91")
        #expect(SiteColor(hex: " #000000 ")?.description == "#000000")
        for bad in ["1d4f91", "#1d4f9", "#1d4f911", "#gggggg", "red", "#1d4f91;}", "", "#+1d4f9"] {
            #expect(SiteColor(hex: bad) == nil, "\(bad)")
        }
    }

    @Test func lowContrastIsRefusedWithRatioAndNearestPassingShade() throws {
        #expect(throws: SettingRefusal.self) { try SiteSettingsEditor.normalized(.primaryColor, "#ffff00") }
        do {
            _ = try SiteSettingsEditor.normalized(.accentColor, "#ffcc00")
            Issue.record("a pale yellow was accepted")
        } catch {
            guard case .lowContrast(let color, let ratio, let suggestion) = error else {
                Issue.record("wrong refusal \(error)")
                return
            }
            #expect(color == "#ffcc00")
            #expect(ratio == ContrastRule.format(try #require(SiteColor(hex: "#ffcc00")).contrast(with: .white)))
            let shade = try #require(SiteColor(hex: suggestion))
            #expect(ContrastRule.passes(shade))
            // The nearest: one step lighter towards the original would fail.
            let original = try #require(SiteColor(hex: "#ffcc00"))
            var steps = 0
            while original.mixed(with: .black, Double(steps) / 255) != shade { steps += 1 }
            #expect(!ContrastRule.passes(original.mixed(with: .black, Double(steps - 1) / 255)))
            #expect(error.description.contains("4.5:1") && error.description.contains(suggestion))
        }
        #expect(try SiteSettingsEditor.normalized(.primaryColor, "#1D4F91") == "#1d4f91")
        #expect(throws: SettingRefusal.colorFormat) { try SiteSettingsEditor.normalized(.primaryColor, "blue") }
    }

    @Test func otherSettingsAreChecked() throws {
        #expect(try SiteSettingsEditor.normalized(.contactEmail, " open-data@region.example ") == "open-data@region.example")
        for bad in ["nobody", "a@b", "a b@c.fr", "<a@b.fr>", "@b.fr"] {
            #expect(throws: SettingRefusal.email) { try SiteSettingsEditor.normalized(.contactEmail, bad) }
        }
        #expect(try SiteSettingsEditor.normalized(.footerLinks, "Région | https://www.region.example\nPlan | /explore/") != nil)
        #expect(throws: SettingRefusal.listLine(2)) {
            try SiteSettingsEditor.normalized(.footerLinks, "Région | https://www.region.example\nPiège | javascript:alert(1)")
        }
        #expect(try SiteSettingsEditor.normalized(.featuredDatasets, "gares, arbres ,") == "gares,arbres")
        #expect(throws: SettingRefusal.datasetID("a b")) { try SiteSettingsEditor.normalized(.featuredDatasets, "a b") }
        #expect(throws: SettingRefusal.accessibilityStatus) { try SiteSettingsEditor.normalized(.accessibilityStatus, "oui") }
        #expect(throws: SettingRefusal.tooLong(limit: 80)) {
            try SiteSettingsEditor.normalized(.siteNameFR, String(repeating: "x", count: 81))
        }
        #expect(try SiteSettingsEditor.normalized(.siteNameFR, "  ") == nil)
    }

    @Test func markdownRendersAndStaysInert() {
        let html = SafeMarkdown.html(
            """
            ## Titre

            Un [lien](https://example.org/a?b=1&c=2) et un [courriel](mailto:a@b.fr) et [relatif](/explore/).

            <script>alert(1)</script>

            Un [piège](javascript:alert(1)) et un autre [piège](JaVaScRiPt:alert(2)) et [données](data:text/html,x).

            Texte <img src=x onerror=alert(3)> en ligne, [attr](https://a.example/" onmouseover="alert(4)).
            """)
        #expect(html.contains("<h2>Titre</h2>"))
        #expect(html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\">lien</a>"))
        #expect(html.contains("<a href=\"mailto:a@b.fr\">courriel</a>"))
        #expect(html.contains("<a href=\"/explore/\">relatif</a>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script"))
        #expect(!html.lowercased().contains("javascript:"))
        #expect(!html.contains("href=\"data:"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("onmouseover=\""))
        let images = SafeMarkdown.html("![logo](/site/logo) ![traceur](https://tracker.example/p.gif) ![x](//evil.example/x)")
        #expect(images.contains("<img src=\"/site/logo\" alt=\"logo\">"))
        #expect(!images.contains("tracker.example") && !images.contains("evil.example"))
        #expect(images.contains("traceur"))
    }

    @Test func linkAndImageTargetsAreChecked() {
        for safe in ["https://a.example/x", "http://a.example", "mailto:x@y.fr", "/pages/a", "#top", "page?x=1"] {
            #expect(SafeMarkdown.isSafeLink(safe), "\(safe)")
        }
        for unsafe in ["javascript:x", " javascript:x", "java\u{0}script:x", "vbscript:x", "data:x", "file:///etc", "a\"b", ""] {
            #expect(!SafeMarkdown.isSafeLink(unsafe), "\(unsafe)")
        }
        #expect(SafeMarkdown.isLocalImage("/site/logo"))
        for remote in [
            "//evil.example/x.png", "/\\evil.example", "https://evil.example/x.png", "x.png", "data:image/png;base64,AA",
        ] {
            #expect(!SafeMarkdown.isLocalImage(remote), "\(remote)")
        }
    }

    @Test func imagesArePNGOrPlainSVGUnderTheLimit() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        #expect(try SiteImage(validating: png).format == .png)
        let svg = Array(#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#.utf8)
        let image = try SiteImage(validating: svg)
        #expect(image.format == .svg)
        #expect(SiteImage(dataURL: image.dataURL) == image)
        #expect(throws: SettingRefusal.imageFormat) {
            try SiteImage(validating: Array("<!DOCTYPE svg [<!ENTITY a \"b\">]><svg>&a;</svg>".utf8))
        }
        #expect(throws: SettingRefusal.imageFormat) { try SiteImage(validating: Array("<html><svg></svg></html>".utf8)) }
        #expect(throws: SettingRefusal.imageFormat) { try SiteImage(validating: [0xFF, 0xD8, 0xFF, 0xE0]) }
        #expect(throws: SettingRefusal.emptyImage) { try SiteImage(validating: []) }
        #expect(throws: SettingRefusal.imageTooLarge(limitKiB: 256)) {
            try SiteImage(validating: png + [UInt8](repeating: 0, count: SiteImage.maximumBytes))
        }
        #expect(SiteImage(dataURL: "data:image/png;base64,PHN2Zz48L3N2Zz4=") == nil)
    }

    @Test func themeStylesheetHoldsOnlyCheckedColours() {
        var identity = SiteIdentity()
        identity.primaryColor = "#003366"
        let css = ThemeStylesheet.css(for: identity)
        #expect(css.contains("--color-primary: #003366;"))
        identity.primaryColor = "red;} body{display:none"
        #expect(ThemeStylesheet.css(for: identity).contains("--color-primary: \(SiteIdentity.defaultPrimaryColor);"))
    }
}
