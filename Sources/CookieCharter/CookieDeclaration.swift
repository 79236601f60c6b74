/// One cookie the platform may set, exactly as the charter's table lists it.
public struct CookieDeclaration: Sendable, Hashable, Codable {
    /// « Nom du prestataire »: who provides the service that sets the cookie.
    public var provider: String
    /// « Service et emplacement »: the service and where it runs (front office, back office).
    public var service: LocalizedText
    /// « Nom du cookie ».
    public var name: String
    /// « Finalités »: what the cookie is for.
    public var purpose: LocalizedText
    /// The category, which decides whether consent is needed.
    public var category: CookieCategory
    /// How long the browser keeps it, in words.
    public var lifetime: LocalizedText

    public init(
        provider: String,
        service: LocalizedText,
        name: String,
        purpose: LocalizedText,
        category: CookieCategory,
        lifetime: LocalizedText
    ) {
        self.provider = provider
        self.service = service
        self.name = name
        self.purpose = purpose
        self.category = category
        self.lifetime = lifetime
    }
}

extension CookieDeclaration {
    /// The four cookies of the data.laregion.fr charter, in its order.
    public static let charter: [CookieDeclaration] = [
        CookieDeclaration(
            provider: "Garona",
            service: LocalizedText(
                fr: "Authentification (front et back office)",
                en: "Authentication (front and back office)"
            ),
            name: "sessionid",
            purpose: LocalizedText(
                fr: "Se souvenir de l'utilisateur d'une page à une autre.",
                en: "Remember the user from one page to another."
            ),
            category: .necessary,
            lifetime: LocalizedText(fr: "2 semaines", en: "2 weeks")
        ),
        CookieDeclaration(
            provider: "Garona",
            service: LocalizedText(
                fr: "Sélection de la langue (front et back office)",
                en: "Language selection (front and back office)"
            ),
            name: "django_language",
            purpose: LocalizedText(fr: "Se souvenir de la langue du visiteur", en: "Remember the visitor's language"),
            category: .necessary,
            lifetime: LocalizedText(fr: "12 mois", en: "12 months")
        ),
        CookieDeclaration(
            provider: "Garona",
            service: LocalizedText(fr: "API (CSRF) (front et back office)", en: "API (CSRF) (front and back office)"),
            name: "csrftoken",
            purpose: LocalizedText(
                fr: "Récupérer des données via des appels API",
                en: "Retrieve data through API calls"
            ),
            category: .necessary,
            lifetime: LocalizedText(fr: "12 mois", en: "12 months")
        ),
        CookieDeclaration(
            provider: "Garona",
            service: LocalizedText(
                fr: "Choix concernant vos préférences sur les cookies",
                en: "Your choices about cookies"
            ),
            name: "cookies_preferences",
            purpose: LocalizedText(
                fr: "Se souvenir du choix opéré par le visiteur concernant les cookies",
                en: "Remember the visitor's choice about cookies"
            ),
            category: .necessary,
            lifetime: LocalizedText(fr: "6 mois", en: "6 months")
        ),
    ]
}
