import CookieCharter
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Web

@Suite struct MiddlewareTests {
    static let video = ConsentService(
        id: "video", name: LocalizedText(fr: "Vidéo", en: "Video"), provider: "Video host", category: .thirdParty,
        purpose: LocalizedText(fr: "Vidéos", en: "Videos"),
        cookies: [
            CookieDeclaration(
                provider: "Video host", service: LocalizedText(fr: "Vidéo", en: "Video"), name: "video_pref",
                purpose: LocalizedText(fr: "p", en: "p"), category: .thirdParty, lifetime: LocalizedText(fr: "1 j", en: "1 d")
            )
        ],
        origins: ["https://video.example"]
    )

    @Test func theFirewallDropsUndeclaredAndUnconsentedCookies() async throws {
        let test = try await TestEnvironment(services: [Self.video])
        defer { test.cleanUp() }
        let router = test.router()
        let tries: @Sendable (Request, PortalRequestContext) async throws -> Response = { _, _ in
            var response = Response(status: .ok)
            for name in ["_ga", "video_pref", "django_language"] {
                response.headers.append(HTTPField(name: .setCookie, value: "\(name)=1; Path=/"))
            }
            return response
        }
        router.get("/tries-cookies", use: tries)
        router.get("/api/explore/v2.1/tries-cookies", use: tries)
        let app = Application(router: router)
        let consent = test.environment.consentCodec.encode(
            ConsentChoice(
                policyVersion: test.environment.registry.policyVersion, date: TestEnvironment.now, categories: [.thirdParty])
        )
        try await app.test(.router) { client in
            try await client.execute(uri: "/tries-cookies", method: .get) { response in
                let names = response.headers[values: .setCookie].map { SetCookie.name(ofHeader: $0) }
                #expect(names == ["django_language"])
            }
            try await client.execute(uri: "/tries-cookies", method: .get, headers: [.cookie: "cookies_preferences=\(consent)"]) {
                let names = $0.headers[values: .setCookie].map { SetCookie.name(ofHeader: $0) }
                #expect(names == ["video_pref", "django_language"])
                #expect($0.headers[.contentSecurityPolicy]?.contains("img-src 'self' data: https://video.example") == true)
            }
            try await client.execute(uri: "/api/explore/v2.1/tries-cookies", method: .get) { response in
                #expect(response.headers[values: .setCookie].isEmpty)
            }
        }
    }

    @Test func aPlainVisitGetsNoSessionAndAForgedKeyIsNeverAdopted() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let router = test.router()
        router.get("/plain") { _, _ in "hello" }
        router.post("/remember") { _, context in
            context.visit.with {
                $0.sessionData["note"] = "x"
                $0.sessionModified = true
            }
            return "ok"
        }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/plain", method: .get) { response in
                #expect(response.headers[values: .setCookie].isEmpty)
                #expect(response.headers[.contentLanguage] == "fr")
                #expect(response.headers[.vary]?.contains("Accept-Language") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            }
            let forged = String(repeating: "a", count: 32)
            try await client.execute(uri: "/plain", method: .get, headers: [.cookie: "sessionid=\(forged)"]) { response in
                let deletion = try #require(response.headers.cookies(named: "sessionid").first)
                #expect(deletion.contains("Max-Age=0"))
            }
            let secret = String(repeating: "b", count: 32)
            try await client.execute(
                uri: "/remember", method: .post,
                headers: [.cookie: "sessionid=\(forged); csrftoken=\(secret)", HTTPField.Name("X-CSRFToken")!: secret]
            ) { response in
                #expect(response.status == .ok)
                let cookie = try #require(response.headers.cookies(named: "sessionid").first)
                #expect(!cookie.contains(forged))
                #expect(cookie.contains("HttpOnly") && cookie.contains("Max-Age=1209600") && cookie.contains("SameSite=Lax"))
            }
        }
    }

    @Test func unsafeRequestsWithoutTokenAreRefusedWithDjangoReason() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let router = test.router()
        router.post("/form") { _, _ in "done" }
        router.put("/api-call") { _, _ in "done" }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/form", method: .post) { response in
                #expect(response.status == .forbidden)
                let body = String(buffer: response.body)
                #expect(body.contains("CSRF verification failed. Request aborted."))
                #expect(body.contains("CSRF cookie not set."))
            }
            try await client.execute(
                uri: "/form", method: .post,
                headers: [.cookie: "csrftoken=tooshort", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrfmiddlewaretoken=x")
            ) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("CSRF cookie has incorrect length."))
                let replaced = try #require(response.headers.cookies(named: "csrftoken").first)
                #expect(replaced.range(of: #"^csrftoken=[A-Za-z0-9]{32};"#, options: .regularExpression) != nil)
            }
            try await client.execute(
                uri: "/api-call", method: .put, headers: [.cookie: "csrftoken=\(String(repeating: "c", count: 32))"]
            ) {
                #expect($0.status == .forbidden)
                #expect(String(buffer: $0.body).contains("CSRF token missing."))
            }
        }
    }
}
