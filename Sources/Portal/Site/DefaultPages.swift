import Foundation
import Store

/// The content pages every portal starts with, seeded once (``ContentPageStore/seedContentPage(_:)``) so that the
/// legal notice, the accessibility statement (with its RGAA status) and "about" exist from the first start; editors
/// then replace the text with their own, and a page they changed or deleted is never seeded again while the
/// setting ``seededSetting`` says the seeding ran.
enum DefaultPages {
    /// Set once the default pages were seeded.
    static let seededSetting = "content_pages_seeded"

    /// Seeds the default pages, once per instance.
    static func seed(into store: any StoreEngine, now: Date) async throws {
        guard try await store.setting(seededSetting) == nil else { return }
        for page in pages(now: now) { try await store.seedContentPage(page) }
        try await store.setSetting(seededSetting, to: "1")
    }

    static func pages(now: Date) -> [ContentPage] {
        [
            ContentPage(
                slug: "mentions-legales", titleFR: "Mentions légales", titleEN: "Legal notice",
                bodyFR: """
                    ## Éditeur du site

                    Ce portail de données ouvertes est édité par l'organisme qui l'exploite. Remplacez ce texte par sa \
                    dénomination, son adresse, le nom du directeur de la publication et le moyen de le contacter.

                    ## Hébergement

                    Indiquez ici le nom, l'adresse et le téléphone de l'hébergeur.

                    ## Données personnelles

                    Le portail ne dépose que les cookies décrits dans la [charte des cookies](/cookies).
                    """,
                bodyEN: """
                    ## Publisher

                    This open data portal is published by the body that runs it. Replace this text with its name, its \
                    address, the name of the publication director and how to reach them.

                    ## Hosting

                    State here the name, address and telephone number of the host.

                    ## Personal data

                    The portal sets only the cookies described in the [cookie charter](/cookies).
                    """,
                menu: .footer, position: 1, updatedAt: now),
            ContentPage(
                slug: "accessibilite", titleFR: "Accessibilité", titleEN: "Accessibility",
                bodyFR: """
                    L'organisme qui exploite ce portail s'engage à le rendre accessible conformément à l'article 47 de \
                    la loi n° 2005-102 du 11 février 2005.

                    ## Résultats des tests

                    Indiquez ici la date et les résultats de l'audit RGAA, les contenus non accessibles et les \
                    dérogations.

                    ## Retour d'information et contact

                    Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez le responsable du site.

                    ## Voies de recours

                    Vous pouvez saisir le [Défenseur des droits](https://formulaire.defenseurdesdroits.fr/).
                    """,
                bodyEN: """
                    The body that runs this portal is committed to making it accessible, in accordance with article 47 \
                    of French law no. 2005-102 of 11 February 2005.

                    ## Test results

                    State here the date and results of the RGAA audit, the content that is not accessible and the \
                    exemptions.

                    ## Feedback and contact

                    If you cannot reach some content or service, contact the site's manager.

                    ## Remedies

                    You may refer the matter to the [Défenseur des droits](https://formulaire.defenseurdesdroits.fr/).
                    """,
                menu: .footer, position: 2, updatedAt: now),
            ContentPage(
                slug: "a-propos", titleFR: "À propos", titleEN: "About",
                bodyFR: """
                    Ce portail publie les données ouvertes de l'organisme qui l'exploite : chacun peut les trouver, \
                    les explorer, les télécharger et les réutiliser par l'[API](/api/explore/v2.1/).

                    Parcourez le [catalogue](/explore/).
                    """,
                bodyEN: """
                    This portal publishes the open data of the body that runs it: anyone may find, explore, download \
                    and reuse it through the [API](/api/explore/v2.1/).

                    Browse the [catalog](/explore/).
                    """,
                menu: .header, position: 3, updatedAt: now),
        ]
    }
}
