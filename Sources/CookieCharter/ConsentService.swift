import Foundation
import Markup

/// A service that may only run after the visitor consents: third-party map tiles, a video
/// embed, a non-exempt analytics tool.
///
/// It is declared once, with its category, the cookies it sets, the hosts it contacts and
/// the markup it needs. That markup is rendered only after consent.
public struct ConsentService: Sendable, Hashable, Codable {
    /// A stable identifier (`[a-z0-9_]`), used in forms and in the consent value.
    public var id: String
    public var name: LocalizedText
    public var provider: String
    public var category: CookieCategory
    public var purpose: LocalizedText
    /// Cookies the service sets (possibly none: tiles set no cookie but still reach another host).
    public var cookies: [CookieDeclaration]
    /// Origins the browser contacts for this service, such as `https://tile.openstreetmap.org`.
    public var origins: [String]
    /// HTML rendered in place of the service once consent is given. Trusted operator content.
    public var markup: String

    public init(
        id: String,
        name: LocalizedText,
        provider: String,
        category: CookieCategory,
        purpose: LocalizedText,
        cookies: [CookieDeclaration] = [],
        origins: [String] = [],
        markup: String = ""
    ) {
        self.id = id
        self.name = name
        self.provider = provider
        self.category = category
        self.purpose = purpose
        self.cookies = cookies
        self.origins = origins
        self.markup = markup
    }

    enum CodingKeys: String, CodingKey {
        case id, name, provider, category, purpose, cookies, origins, markup
    }

    /// Decodes a declaration; `cookies`, `origins` and `markup` may be omitted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(LocalizedText.self, forKey: .name)
        provider = try container.decode(String.self, forKey: .provider)
        category = try container.decode(CookieCategory.self, forKey: .category)
        purpose = try container.decode(LocalizedText.self, forKey: .purpose)
        cookies = try container.decodeIfPresent([CookieDeclaration].self, forKey: .cookies) ?? []
        origins = try container.decodeIfPresent([String].self, forKey: .origins) ?? []
        markup = try container.decodeIfPresent(String.self, forKey: .markup) ?? ""
    }

    /// Whether `id` is usable in a form field name and in the consent value.
    public static func isValidIdentifier(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 40
            && id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}

extension ConsentService {
    /// Background map tiles from a tile server on another host: the service `--demo` declares.
    ///
    /// - Parameter urlTemplate: a tile URL with `{z}`, `{x}` and `{y}` placeholders.
    public static func mapTiles(urlTemplate: String) -> ConsentService {
        let origin = Self.origin(of: urlTemplate) ?? urlTemplate
        // A 3×2 block of zoom-7 tiles that covers Occitanie.
        let tiles = [(64, 45), (65, 45), (66, 45), (64, 46), (65, 46), (66, 46)]
        let images = tiles.map { x, y in
            let url = urlTemplate.replacingPlaceholders(z: 7, x: x, y: y)
            return "<img class=\"map-tile\" src=\"\(MarkupEscaping.html(url))\" alt=\"\" width=\"128\" height=\"128\">"
        }
        return ConsentService(
            id: "map_tiles",
            name: LocalizedText(fr: "Fonds de carte", en: "Map background tiles"),
            provider: origin,
            category: .thirdParty,
            purpose: LocalizedText(
                fr: "Afficher le fond de carte sous les données géographiques. Le serveur de tuiles reçoit "
                    + "votre adresse IP.",
                en: "Show the background map under geographic data. The tile server receives your IP address."
            ),
            origins: [origin],
            markup: "<div class=\"map-tiles\">" + images.joined() + "</div>"
        )
    }

    /// The `scheme://host[:port]` part of a URL, or nil when it has none.
    static func origin(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty else { return nil }
        return String(url[..<schemeEnd.upperBound]) + host
    }
}

extension String {
    fileprivate func replacingPlaceholders(z: Int, x: Int, y: Int) -> String {
        replacing("{z}", with: String(z)).replacing("{x}", with: String(x)).replacing("{y}", with: String(y))
            .replacing("{s}", with: "a")
    }
}
