/// The instance settings that make the portal the operator's own: its name, look, home page and footer, stored with
/// ``InstanceSettings/setting(_:)`` so that every node of the instance reads the same.
///
/// The raw value is the key in the `settings` table and on the command line (`garona settings set KEY VALUE`); never
/// rename one.
public enum SiteSettingKey: String, Sendable, Hashable, CaseIterable {
    case siteNameFR = "site_name.fr"
    case siteNameEN = "site_name.en"
    /// `#rrggbb`; white text on it must reach WCAG AA (4.5:1).
    case primaryColor = "primary_color"
    /// `#rrggbb`; white text on it must reach WCAG AA (4.5:1).
    case accentColor = "accent_color"
    /// The logo, as `data:image/png;base64,…` or `data:image/svg+xml;base64,…` (a file path on the command line).
    case logo
    /// The favicon, stored as the logo is.
    case favicon
    case contactEmail = "contact_email"
    /// The footer's links, one per line: `label | URL`.
    case footerLinks = "footer_links"
    case homeTitleFR = "home_title.fr"
    case homeTitleEN = "home_title.en"
    /// The home page's introduction, in Markdown.
    case homeIntroFR = "home_intro.fr"
    case homeIntroEN = "home_intro.en"
    /// The dataset ids shown first on the home page, comma-separated, in order.
    case featuredDatasets = "featured_datasets"
    /// The themes' icons, one per line: `theme | emoji or short symbol`.
    case themeIcons = "theme_icons"
    /// The accessibility statement's RGAA status: `non_conforme`, `partiellement_conforme` or `totalement_conforme`.
    case accessibilityStatus = "accessibility_status"
}
