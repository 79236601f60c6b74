import CookieCharter
import Testing
import Web

@Suite struct LanguageTests {
    @Test func frenchIsTheDefault() {
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: nil) == .fr)
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: "de, it;q=0.5") == .fr)
    }

    @Test func acceptLanguageHonoursQualityAndRegionalFallback() {
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: "en-GB,en;q=0.9") == .en)
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: "de;q=1, en-US;q=0.8, fr;q=0.5") == .en)
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: "fr;q=0.4, en;q=0.6") == .en)
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: "FR-ca") == .fr)
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: "*, en") == .fr)
    }

    @Test func aValidCookieBeatsTheHeaderAndAnInvalidOneIsIgnored() {
        #expect(LanguageNegotiation.language(cookie: "en", acceptLanguage: "fr") == .en)
        #expect(LanguageNegotiation.language(cookie: "EN-gb", acceptLanguage: "fr") == .en)
        #expect(LanguageNegotiation.language(cookie: "zz", acceptLanguage: "en") == .en)
        #expect(LanguageNegotiation.language(cookie: "", acceptLanguage: nil) == .fr)
    }

    @Test func malformedHeadersAreIgnoredWhole() {
        for header in ["en;q=0.1234", "de;q=2.0", "en,,gb", "12-345", "en;q=", "!!!"] {
            #expect(LanguageNegotiation.parseAcceptLanguage(header).isEmpty, "\(header)")
        }
        #expect(LanguageNegotiation.parseAcceptLanguage("en-au;q=0.8, fr").map(\.0) == ["fr", "en-au"])
    }

    @Test func longHeadersAreCutAtTheLastCommaBefore500Characters() {
        let filler = Array(repeating: "de-de;q=0.1", count: 60).joined(separator: ",")
        let header = "en-gb;q=0.9," + filler + ",fr;q=1"
        #expect(header.count > 500)
        // fr sits after the cut, so English wins.
        #expect(LanguageNegotiation.language(cookie: nil, acceptLanguage: header) == .en)
        // A single over-long range with no comma is ignored.
        let single = "en-" + String(repeating: "a", count: 600)
        #expect(LanguageNegotiation.parseAcceptLanguage(single).isEmpty)
        #expect(LanguageNegotiation.language(cookie: String(repeating: "e", count: 600), acceptLanguage: single) == .fr)
    }
}

@Suite struct SafeURLTests {
    @Test(arguments: ["/", "/backoffice/", "/search?q=x", "http://data.example.fr/x", "//data.example.fr/x", "page"])
    func sameHostTargetsAreSafe(url: String) {
        #expect(SafeURL.isSafe(url, allowedHost: "data.example.fr", requireHTTPS: false))
    }

    @Test(arguments: [
        "", " ", "//evil.example", "///evil.example", "http://evil.example/", "https://evil.example", "javascript:alert(1)",
        "\u{1}/x", "/\\evil.example", "\\\\evil.example", "http:///evil.example", "ftp://data.example.fr/",
    ])
    func otherTargetsAreNot(url: String) {
        #expect(!SafeURL.isSafe(url, allowedHost: "data.example.fr", requireHTTPS: false))
    }

    @Test func httpsRequestsOnlyRedirectToHTTPS() {
        #expect(!SafeURL.isSafe("http://data.example.fr/", allowedHost: "data.example.fr", requireHTTPS: true))
        #expect(SafeURL.isSafe("https://data.example.fr/", allowedHost: "data.example.fr", requireHTTPS: true))
        #expect(SafeURL.isSafe("/relative", allowedHost: "data.example.fr", requireHTTPS: true))
        #expect(!SafeURL.isSafe(nil, allowedHost: "data.example.fr", requireHTTPS: true))
    }
}
