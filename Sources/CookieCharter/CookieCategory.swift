/// The kinds of cookie the charter describes, and the portal's own audience measurement.
///
/// Only ``necessary`` cookies are set without consent; every other category needs the
/// visitor's explicit choice, recorded in `cookies_preferences`. ``audienceMeasurement`` sets no
/// cookie at all: exempt from consent as the CNIL allows, it runs unless the visitor objects.
public enum CookieCategory: String, CaseIterable, Sendable, Codable, Comparable {
    /// « nécessaires »: authentication, language, CSRF, the consent choice itself.
    case necessary
    /// « mesure d'audience »: the portal's own counts, with no cookie and no identifier; on unless the visitor
    /// objects (``allowsObjection``).
    case audienceMeasurement = "audience_measurement"
    /// « statistiques »: audience measurement.
    case statistics
    /// « internes » (first-party): set by the site beyond what is necessary.
    case firstParty = "first_party"
    /// « tiers » (third-party): set by or for another site.
    case thirdParty = "third_party"

    /// Whether a cookie of this category may be set without the visitor's consent.
    public var isExempt: Bool { self == .necessary || self == .audienceMeasurement }

    /// Whether the category runs without consent but stops when the visitor objects (in `cookies_preferences`, or
    /// with `Sec-GPC: 1`).
    public var allowsObjection: Bool { self == .audienceMeasurement }

    /// The categories a visitor can accept or refuse.
    public static var optional: [CookieCategory] { allCases.filter { !$0.isExempt } }

    public static func < (lhs: CookieCategory, rhs: CookieCategory) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The category's name as the charter prints it.
    public var title: LocalizedText {
        switch self {
        case .necessary: LocalizedText(fr: "Cookies nécessaires", en: "Necessary cookies")
        case .audienceMeasurement: LocalizedText(fr: "Mesure d'audience", en: "Audience measurement")
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
        case .audienceMeasurement:
            LocalizedText(
                fr: "La plateforme compte elle-même, sur son serveur, les pages vues, les téléchargements, les appels "
                    + "à l'API, les recherches du catalogue et les sites d'où viennent les visiteurs, en totaux par "
                    + "jour. Elle ne dépose aucun cookie pour cela et ne conserve ni adresse IP, ni navigateur, ni "
                    + "identifiant. Les chiffres sont gardés 25 mois au plus. Exemptée de consentement, cette mesure "
                    + "reste active sauf si vous vous y opposez dans vos préférences ; le signal « Global Privacy "
                    + "Control » de votre navigateur vaut opposition.",
                en: "The platform itself counts, on its server, page views, downloads, API calls, catalog searches "
                    + "and the sites visitors come from, as daily totals. It sets no cookie for this and keeps no IP "
                    + "address, browser or identifier. The figures are kept 25 months at most. Exempt from consent, "
                    + "this measurement runs unless you object in your preferences; your browser's “Global Privacy "
                    + "Control” signal counts as an objection."
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
