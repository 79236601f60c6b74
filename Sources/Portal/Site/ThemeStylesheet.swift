import Store

/// The stylesheet that fills the design system's custom properties (`static/garona.css`) with the site's colours,
/// served at `/site/theme.css?v=…` (the query changes with the colours, so it may be cached for long).
///
/// Only colours that passed ``ContrastRule`` reach it, written `#rrggbb`, so no setting can inject CSS.
enum ThemeStylesheet {
    static func css(for identity: SiteIdentity) -> String {
        let primary = SiteColor(hex: identity.primaryColor) ?? SiteColor(hex: SiteIdentity.defaultPrimaryColor)!
        let accent = SiteColor(hex: identity.accentColor) ?? SiteColor(hex: SiteIdentity.defaultAccentColor)!
        // A pale tint of each, for card borders and hovered rows: the text on them stays the dark body text.
        let primaryTint = primary.mixed(with: .white, 0.9)
        let accentTint = accent.mixed(with: .white, 0.9)
        return """
            :root {
              --color-primary: \(primary);
              --color-primary-tint: \(primaryTint);
              --color-accent: \(accent);
              --color-accent-tint: \(accentTint);
              --color-on-primary: #ffffff;
            }

            """
    }
}
