import Foundation
import Store

/// Reads the ``SiteIdentity`` from the store: the site's settings and the content pages in menus. Run when the site
/// state is rebuilt (at start-up, after a change, when another node changed it), never per request.
///
/// A stored value that no longer passes its check (written by hand in the database) is ignored, and the default
/// stays, so that a bad row cannot break every page.
enum SiteIdentityLoader {
    static func load(from store: any StoreEngine) async throws -> SiteIdentity {
        var identity = SiteIdentity()
        func value(_ key: SiteSettingKey) async throws -> String? {
            guard let raw = try await store.setting(key.rawValue) else { return nil }
            return try? SiteSettingsEditor.normalized(key, raw)
        }
        identity.names["fr"] = try await value(.siteNameFR)
        identity.names["en"] = try await value(.siteNameEN)
        if let color = try await value(.primaryColor) { identity.primaryColor = color }
        if let color = try await value(.accentColor) { identity.accentColor = color }
        identity.logoVersion = try await value(.logo).flatMap(SiteImage.init(dataURL:))?.fingerprint
        identity.faviconVersion = try await value(.favicon).flatMap(SiteImage.init(dataURL:))?.fingerprint
        identity.contactEmail = try await value(.contactEmail)
        identity.footerLinks = SiteSettingsEditor.lines(try await value(.footerLinks) ?? "").compactMap {
            SiteSettingsEditor.pair($0).map { SiteIdentity.Link(label: $0.0, url: $0.1) }
        }
        identity.homeTitles["fr"] = try await value(.homeTitleFR)
        identity.homeTitles["en"] = try await value(.homeTitleEN)
        identity.homeIntroHTML["fr"] = try await value(.homeIntroFR).map(SafeMarkdown.html)
        identity.homeIntroHTML["en"] = try await value(.homeIntroEN).map(SafeMarkdown.html)
        identity.featuredDatasets = (try await value(.featuredDatasets) ?? "").split(separator: ",").map(String.init)
        for line in SiteSettingsEditor.lines(try await value(.themeIcons) ?? "") {
            if let (theme, icon) = SiteSettingsEditor.pair(line) { identity.themeIcons[theme] = icon }
        }
        if let status = try await value(.accessibilityStatus) { identity.accessibilityStatus = status }
        identity.menuPages = try await store.contentPages().filter { $0.menu != .none }.map {
            SiteIdentity.MenuEntry(slug: $0.slug, titles: ["fr": $0.titleFR, "en": $0.titleEN], menu: $0.menu)
        }
        return identity
    }
}
