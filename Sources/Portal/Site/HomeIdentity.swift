import CookieCharter
import Foundation
import Store
import Web

/// What the home page shows of the operator's identity: its title and introduction in the visitor's language, the
/// featured datasets the editors chose (as cards, in their order, leaving out those the visitor may not see), and
/// an icon beside each theme.
enum HomeIdentity {
    /// Adds `home_title`, `home_intro_html`, `featured` and `show_featured` to the home page's `values`, and an
    /// `icon` to each of its `themes`.
    static func decorate(
        _ values: inout [String: Any], identity: SiteIdentity, datasets: [Dataset], language: Language, catalog: Catalog
    ) {
        let code = language.rawValue
        if let title = identity.homeTitles[code] ?? identity.homeTitles["fr"] { values["home_title"] = title }
        if let intro = identity.homeIntroHTML[code] ?? identity.homeIntroHTML["fr"] { values["home_intro_html"] = intro }
        let byID = Dictionary(datasets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let featured = identity.featuredDatasets.compactMap { byID[$0] }.map { dataset in
            CatalogFormat.summary(CatalogEntry(dataset, language: language), language: language, catalog: catalog)
        }
        values["featured"] = featured
        values["show_featured"] = !featured.isEmpty
        if let themes = values["themes"] as? [[String: String]] {
            values["themes"] = themes.map { theme in
                var theme = theme
                if let name = theme["name"], let icon = identity.themeIcons[name] { theme["icon"] = icon }
                return theme
            }
        }
    }
}
