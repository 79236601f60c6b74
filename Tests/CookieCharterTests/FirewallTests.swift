import CookieCharter
import Foundation
import Testing

@Suite struct FirewallTests {
    let video = ConsentService(
        id: "video",
        name: LocalizedText(fr: "Vidéos", en: "Videos"),
        provider: "Video host",
        category: .thirdParty,
        purpose: LocalizedText(fr: "Lire des vidéos", en: "Play videos"),
        cookies: [
            CookieDeclaration(
                provider: "Video host",
                service: LocalizedText(fr: "Vidéos", en: "Videos"),
                name: "video_pref",
                purpose: LocalizedText(fr: "Préférences de lecture", en: "Playback preferences"),
                category: .thirdParty,
                lifetime: LocalizedText(fr: "6 mois", en: "6 months")
            )
        ]
    )

    var firewall: CookieFirewall { CookieFirewall(registry: CookieRegistry(services: [video])) }

    @Test func necessaryCookiesAlwaysPass() {
        for name in ["sessionid", "csrftoken", "django_language", "cookies_preferences"] {
            #expect(firewall.denial(forCookieNamed: name, consent: .undecided) == nil)
        }
    }

    @Test func undeclaredCookiesNeverPass() {
        let accepted = ConsentState.chosen(
            ConsentChoice(policyVersion: "x", date: Date(), categories: Set(CookieCategory.optional))
        )
        #expect(firewall.denial(forCookieNamed: "_ga", consent: accepted) == .undeclared)
        #expect(firewall.denial(forCookieNamed: "SESSION", consent: .undecided) == .undeclared)
    }

    @Test func aServiceCookieNeedsItsConsent() {
        #expect(firewall.denial(forCookieNamed: "video_pref", consent: .undecided) == .noConsent(.thirdParty))
        #expect(firewall.denial(forCookieNamed: "video_pref", consent: .refusedByGlobalPrivacyControl) == .noConsent(.thirdParty))
        let statisticsOnly = ConsentChoice(policyVersion: "x", date: Date(), categories: [.statistics])
        #expect(firewall.denial(forCookieNamed: "video_pref", consent: .chosen(statisticsOnly)) == .noConsent(.thirdParty))
        let thirdParty = ConsentChoice(policyVersion: "x", date: Date(), categories: [.thirdParty])
        #expect(firewall.denial(forCookieNamed: "video_pref", consent: .chosen(thirdParty)) == nil)
        let serviceAlone = ConsentChoice(policyVersion: "x", date: Date(), categories: [], services: ["video"])
        #expect(firewall.denial(forCookieNamed: "video_pref", consent: .chosen(serviceAlone)) == nil)
    }
}
