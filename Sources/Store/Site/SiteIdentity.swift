import Foundation

/// The portal's identity as the page frame shows it: its name per language, its colours, logo and favicon, the
/// content pages of its menus, the footer's contact and links, and the home page's introduction and choices.
///
/// Built by Portal from the settings (``SiteSettingKey``) and the content pages (``ContentPageStore``), then held in
/// the web layer's live site state, so that a change shows on every page of every node without a restart. A pure
/// value: it holds text ready to show (the introduction already rendered from Markdown to safe HTML), never a
/// connection.
public struct SiteIdentity: Sendable, Hashable {
    /// A link of the footer.
    public struct Link: Sendable, Hashable {
        public var label: String
        public var url: String

        public init(label: String, url: String) {
            self.label = label
            self.url = url
        }
    }

    /// A content page in a menu.
    public struct MenuEntry: Sendable, Hashable {
        public var slug: String
        /// The page's title per language code.
        public var titles: [String: String]
        public var menu: MenuPlacement

        public init(slug: String, titles: [String: String], menu: MenuPlacement) {
            self.slug = slug
            self.titles = titles
            self.menu = menu
        }
    }

    /// The site's name per language code; a language without one uses the configured name.
    public var names: [String: String] = [:]
    /// `#rrggbb`.
    public var primaryColor = SiteIdentity.defaultPrimaryColor
    /// `#rrggbb`.
    public var accentColor = SiteIdentity.defaultAccentColor
    /// A fingerprint of the logo's bytes, nil when there is no logo.
    public var logoVersion: String?
    /// A fingerprint of the favicon's bytes, nil when there is none.
    public var faviconVersion: String?
    public var contactEmail: String?
    public var footerLinks: [Link] = []
    /// The home page's title per language code.
    public var homeTitles: [String: String] = [:]
    /// The home page's introduction per language code, as safe HTML.
    public var homeIntroHTML: [String: String] = [:]
    /// The dataset ids shown first on the home page, in order.
    public var featuredDatasets: [String] = []
    /// An icon (an emoji or a short symbol) per theme.
    public var themeIcons: [String: String] = [:]
    /// The RGAA conformance status of the accessibility statement.
    public var accessibilityStatus = "non_conforme"
    /// The content pages shown in the header or footer, in menu order.
    public var menuPages: [MenuEntry] = []

    /// Garona's own blue: white text on it reaches about 8.1:1.
    public static let defaultPrimaryColor = "#1d4f91"
    /// Garona's own green: white text on it reaches about 6.5:1.
    public static let defaultAccentColor = "#1e6b48"

    public init() {}

    /// A fingerprint of the look (colours), for the theme stylesheet's URL.
    public var styleVersion: String {
        (primaryColor + accentColor).filter { $0 != "#" }
    }

    /// The name to show in `language`, else the French one, else `fallback` (the configured name).
    public func name(in language: String, fallback: String) -> String {
        [names[language], names["fr"]].compactMap { $0 }.first { !$0.isEmpty } ?? fallback
    }

    /// The values the page frame's templates use, in `language`: `site_name`, and under `identity` the theme
    /// stylesheet, the logo and favicon URLs, the menus' pages, the contact and the footer's links.
    public func frameValues(language: String, fallbackName: String) -> [String: Any] {
        func entries(_ menu: MenuPlacement) -> [[String: String]] {
            menuPages.filter { $0.menu == menu }.map { entry in
                ["href": "/pages/" + entry.slug, "title": entry.titles[language] ?? entry.titles["fr"] ?? entry.slug]
            }
        }
        var identity: [String: Any] = [
            "theme_css": "/site/theme.css?v=" + styleVersion,
            "header_pages": entries(.header),
            "footer_pages": entries(.footer),
            "footer_links": footerLinks.map { ["label": $0.label, "url": $0.url] },
        ]
        if let logoVersion { identity["logo_url"] = "/site/logo?v=" + logoVersion }
        if let faviconVersion { identity["favicon_url"] = "/site/favicon?v=" + faviconVersion }
        if let contactEmail { identity["contact_email"] = contactEmail }
        return ["site_name": name(in: language, fallback: fallbackName), "identity": identity]
    }
}
