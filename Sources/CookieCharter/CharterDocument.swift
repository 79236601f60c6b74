/// The cookie charter, as a document in one language, built from the registry.
///
/// `/cookies` renders it as HTML and `/cookies.json` serialises the same rows, so the page and
/// the data always agree with what the firewall enforces.
public struct CharterDocument: Sendable {
    /// One line of the charter's table.
    public struct Row: Sendable, Hashable, Codable {
        public var provider: String
        public var service: String
        public var name: String
        public var purpose: String
        public var category: String
        public var lifetime: String
    }

    /// A kind of cookie, with its explanation.
    public struct Kind: Sendable, Hashable {
        public var id: String
        public var title: String
        public var explanation: String
    }

    /// A table of the charter: the necessary cookies, then one per consent category in use.
    public struct Table: Sendable {
        public var category: String
        public var title: String
        public var rows: [Row]
        /// Services of the category (empty for the necessary cookies).
        public var services: [ServiceEntry]
    }

    /// A consent-requiring service, as listed in the charter.
    public struct ServiceEntry: Sendable, Hashable {
        public var id: String
        public var name: String
        public var provider: String
        public var purpose: String
        public var origins: [String]
    }

    public let language: Language
    public let title: String
    public let introduction: String
    public let whatIsACookieTitle: String
    public let whatIsACookie: String
    public let kindsIntroduction: String
    public let kinds: [Kind]
    /// The portal's own audience measurement, which sets no cookie: what it counts and how to object.
    public let audienceMeasurement: Kind
    public let usageTitle: String
    public let columnHeaders: [String]
    public let tables: [Table]
    public let policyVersion: String

    public init(registry: CookieRegistry, language: Language, siteName: String) {
        func text(_ fr: String, _ en: String) -> String { LocalizedText(fr: fr, en: en).text(in: language) }
        self.language = language
        self.policyVersion = registry.policyVersion
        self.title = text("Charte cookies", "Cookie charter")
        self.introduction = text(
            "Afin de vous proposer le meilleur service possible nous utilisons des cookies pour assurer son bon "
                + "fonctionnement.",
            "To offer you the best possible service, we use cookies to make sure it works properly."
        )
        self.whatIsACookieTitle = text("Qu'est-ce qu'un cookie ?", "What is a cookie?")
        self.whatIsACookie = text(
            "Un « cookie » est une suite d'informations, généralement de petite taille et identifiée par un nom, "
                + "qui peut être transmise à votre navigateur par un site web sur lequel vous vous connectez. Votre "
                + "navigateur web la conservera pendant une certaine durée, et la renverra au serveur web chaque fois "
                + "que vous vous y reconnecterez.",
            "A “cookie” is a small piece of information, identified by a name, that a website you visit can send "
                + "to your browser. Your browser keeps it for a while and sends it back to the web server each time "
                + "you visit again."
        )
        self.kindsIntroduction = text("Il existe plusieurs types de cookies :", "There are several kinds of cookies:")
        self.kinds = CookieCategory.allCases.filter { !$0.allowsObjection }.map {
            Kind(id: $0.rawValue, title: $0.title.text(in: language), explanation: $0.explanation.text(in: language))
        }
        let audience = CookieCategory.audienceMeasurement
        self.audienceMeasurement = Kind(
            id: audience.rawValue, title: audience.title.text(in: language),
            explanation: audience.explanation.text(in: language))
        self.usageTitle = text("À quoi servent les cookies sur \(siteName)", "What cookies are used for on \(siteName)")
        self.columnHeaders = [
            text("Nom du prestataire", "Service provider"),
            text("Service et emplacement", "Service and location"),
            text("Nom du cookie", "Cookie name"),
            text("Finalités", "Purposes"),
            text("Durée", "Lifetime"),
        ]
        func row(_ cookie: CookieDeclaration) -> Row {
            Row(
                provider: cookie.provider,
                service: cookie.service.text(in: language),
                name: cookie.name,
                purpose: cookie.purpose.text(in: language),
                category: cookie.category.rawValue,
                lifetime: cookie.lifetime.text(in: language)
            )
        }
        var tables = [
            Table(
                category: CookieCategory.necessary.rawValue,
                title: text(
                    "Cookies nécessaires au bon fonctionnement de la plateforme / cookies fonctionnels",
                    "Cookies necessary for the platform to work / functional cookies"
                ),
                rows: registry.cookies.filter { $0.category.isExempt }.map(row),
                services: []
            )
        ]
        for category in registry.consentCategories {
            let services = registry.services.filter { $0.category == category }
            tables.append(
                Table(
                    category: category.rawValue,
                    title: category.title.text(in: language) + text(" (soumis à votre consentement)", " (need your consent)"),
                    rows: services.flatMap(\.cookies).map(row),
                    services: services.map {
                        ServiceEntry(
                            id: $0.id,
                            name: $0.name.text(in: language),
                            provider: $0.provider,
                            purpose: $0.purpose.text(in: language),
                            origins: $0.origins
                        )
                    }
                )
            )
        }
        self.tables = tables
    }
}
