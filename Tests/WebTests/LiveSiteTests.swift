import CookieCharter
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Web

/// A change of the site's state (``LiveSite``) reaches the firewall, the security headers, the consent check and the
/// rendered page frame on the next request, without rebuilding the router.
@Suite struct LiveSiteTests {
    static let video = MiddlewareTests.video

    @Test func replacingTheStateBumpsTheRevisionAndIsReadWhole() {
        let site = LiveSite(SiteState(siteName: "Before"))
        #expect(site.revision == 0)
        site.replace(with: SiteState(registry: CookieRegistry(services: [Self.video]), siteName: "After"))
        let snapshot = site.snapshot
        #expect(snapshot.revision == 1)
        #expect(snapshot.state.siteName == "After")
        #expect(snapshot.state.registry.service(id: "video") != nil)
        #expect(site.current.registry.policyVersion == CookieRegistry(services: [Self.video]).policyVersion)
    }

    @Test func aServiceDeclaredAtRunTimeReachesEveryMiddleware() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let router = test.router()
        router.get("/tries-cookies") { _, _ in
            var response = Response(status: .ok)
            response.headers.append(HTTPField(name: .setCookie, value: "video_pref=1; Path=/"))
            return response
        }
        let renderer = test.environment.renderer
        router.get("/page") { request, context in
            try await renderer.cachedPage("home", title: "Page", key: "k", request: request, context: context) { [:] }
        }
        let app = Application(router: router)
        let site = test.environment.site
        try await app.test(.router) { client in
            try await client.execute(uri: "/tries-cookies", method: .get) { response in
                #expect(response.headers[values: .setCookie].isEmpty)
            }
            try await client.execute(uri: "/page", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Test"))
                #expect(!html.contains("accept_all"))
                #expect(!html.contains("Renamed portal"))
            }

            site.replace(with: SiteState(registry: CookieRegistry(services: [Self.video]), siteName: "Renamed portal"))
            let consent = test.environment.consentCodec.encode(
                ConsentChoice(
                    policyVersion: site.current.registry.policyVersion, date: TestEnvironment.now, categories: [.thirdParty])
            )
            try await client.execute(uri: "/tries-cookies", method: .get, headers: [.cookie: "cookies_preferences=\(consent)"]) {
                #expect($0.headers[values: .setCookie].map { SetCookie.name(ofHeader: $0) } == ["video_pref"])
                #expect($0.headers[.contentSecurityPolicy]?.contains("img-src 'self' data: https://video.example") == true)
            }
            // The cached page of the old state is not served: the frame shows the new name and the banner.
            try await client.execute(uri: "/page", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Renamed portal"))
                #expect(html.contains("accept_all"))
            }

            // Removing the service changes the policy version: the stored choice no longer counts.
            site.replace(with: SiteState(registry: CookieRegistry(), siteName: "Renamed portal"))
            try await client.execute(uri: "/tries-cookies", method: .get, headers: [.cookie: "cookies_preferences=\(consent)"]) {
                #expect($0.headers[values: .setCookie].isEmpty)
                #expect($0.headers[.contentSecurityPolicy]?.contains("https://video.example") == false)
            }
        }
    }

    @Test func aConsentOfAnotherPolicyVersionAsksAgain() async throws {
        let test = try await TestEnvironment(services: [Self.video])
        defer { test.cleanUp() }
        let router = test.router()
        let renderer = test.environment.renderer
        router.get("/page") { request, context in
            renderer.page("home", title: "Page", request: request, context: context)
        }
        let app = Application(router: router)
        let site = test.environment.site
        let consent = test.environment.consentCodec.encode(
            ConsentChoice(policyVersion: site.current.registry.policyVersion, date: TestEnvironment.now, categories: [])
        )
        try await app.test(.router) { client in
            try await client.execute(uri: "/page", method: .get, headers: [.cookie: "cookies_preferences=\(consent)"]) {
                #expect(!String(buffer: $0.body).contains("accept_all"))
            }
            var changed = Self.video
            changed.origins.append("https://cdn.video.example")
            site.replace(with: SiteState(registry: CookieRegistry(services: [changed]), siteName: "Test"))
            try await client.execute(uri: "/page", method: .get, headers: [.cookie: "cookies_preferences=\(consent)"]) {
                #expect(String(buffer: $0.body).contains("accept_all"))
            }
        }
    }
}
