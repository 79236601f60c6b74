/// The four kinds of cookie the charter describes.
///
/// Only ``necessary`` cookies are set without consent; every other category needs the
/// visitor's explicit choice, recorded in `cookies_preferences`.
public enum CookieCategory: String, CaseIterable, Sendable, Codable, Comparable {
    /// « nécessaires »: authentication, language, CSRF, the consent choice itself.
    case necessary
    /// « statistiques »: audience measurement.
    case statistics
    /// « internes » (first-party): set by the site beyond what is necessary.
    case firstParty = "first_party"
    /// « tiers » (third-party): set by or for another site.
    case thirdParty = "third_party"

    /// Whether a cookie of this category may be set without the visitor's consent.
    public var isExempt: Bool { self == .necessary }

    /// The categories a visitor can accept or refuse.
    public static var optional: [CookieCategory] { allCases.filter { !$0.isExempt } }

    public static func < (lhs: CookieCategory, rhs: CookieCategory) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The category's name as the charter prints it.
    public var title: LocalizedText {
        switch self {
        case .necessary: LocalizedText(fr: "Cookies nécessaires", en: "Necessary cookies")
        case .statistics: LocalizedText(fr: "Cookies statistiques", en: "Statistics cookies")
        case .firstParty: LocalizedText(fr: "Cookies internes", en: "First-party cookies")
        case .thirdParty: LocalizedText(fr: "Cookies tiers", en: "Third-party cookies")
        }
    }

    /// What the category means, in the charter's words.
    public var explanation: LocalizedText {
        switch self {
        case .necessary:
            LocalizedText(
                fr: "Les cookies « nécessaires », internes, permettent d'enregistrer des informations entre deux "
                    + "consultations d'un même site web sur un même appareil. Ils permettent d'enregistrer des "
                    + "identifiants de connexion ou des éléments de personnalisation de l'interface. Ils ne "
                    + "requièrent pas de consentement de la part de l'utilisateur.",
                en: "“Necessary” first-party cookies keep information between two visits of the same website on "
                    + "the same device, such as login credentials or interface preferences. They do not require "
                    + "the user's consent."
            )
        case .statistics:
            LocalizedText(
                fr: "Les cookies « statistiques » permettent de suivre les actions d'un internaute sur un site web. "
                    + "Lorsque les statistiques sont anonymes, le consentement de l'utilisateur n'est pas nécessaire.",
                en: "“Statistics” cookies follow a visitor's actions on a website. When the statistics are "
                    + "anonymous, the user's consent is not required."
            )
        case .firstParty:
            LocalizedText(
                fr: "Les cookies « internes » ou « first-party » sont déposés par le site consulté. Ils peuvent "
                    + "être déposés en plus des cookies nécessaires et peuvent être utilisés pour collecter des "
                    + "données personnelles, suivre le comportement de l'utilisateur et servir à des finalités "
                    + "publicitaires.",
                en: "“First-party” cookies are set by the website being visited. They may be set in addition to "
                    + "the necessary cookies and can be used to collect personal data, follow the user's behaviour "
                    + "and serve advertising purposes."
            )
        case .thirdParty:
            LocalizedText(
                fr: "Les cookies dits « tiers » sont des cookies déposés par (ou pour) un site B sur un site A : "
                    + "cela permet au site B de voir quelles pages ont été visitées sur le site A par un "
                    + "utilisateur et de collecter des informations sur lui.",
                en: "“Third-party” cookies are set by (or for) a site B on a site A: they let site B see which "
                    + "pages of site A a user visited and collect information about them."
            )
        }
    }
}
