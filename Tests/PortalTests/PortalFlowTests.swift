import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Portal
import Store
import Testing
import Web

/// The whole application over Hummingbird's in-process router, on a real temporary data directory.
struct PortalHarness {
    let directory: String
    let configuration: PortalConfiguration

    init(demo: Bool = false) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("garona-portal-\(UUID().uuidString)").path
        configuration = PortalConfiguration(
            dataDirectory: directory, demo: demo, tileURL: "https://tiles.example/{z}/{x}/{y}.png")
    }

    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var overrides = Portal.Overrides()
        overrides.random = .seeded(3)
        let app = try await Portal.buildApplication(configuration, overrides: overrides, logger: Logger(label: "test"))
        try await app.test(.router, body)
    }
}

/// The cookies a browser would keep, as `name=value` pairs.
struct CookieJar: Sendable {
    var values: [String: String] = [:]

    mutating func update(from response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let name = SetCookie.name(ofHeader: header)
            if header.contains("Max-Age=0") {
                values[name] = nil
            } else {
                let pair = header.prefix { $0 != ";" }
                values[name] = String(pair.dropFirst(name.count + 1))
            }
        }
    }

    var header: String { values.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
}

func formToken(in response: TestResponse) throws -> String {
    let body = String(buffer: response.body)
    let marker = "name=\"csrfmiddlewaretoken\" value=\""
    let start = try #require(body.range(of: marker)).upperBound
    return String(body[start...].prefix(64))
}

@Suite struct PortalFlowTests {
    @Test func logInRotatesKeysAndLogOutForgetsTheSession() async throws {
        let harness = PortalHarness()
        try await Portal.createUser(
            dataDirectory: harness.directory, username: "editor1", role: .editor, password: "correct horse battery")
        try await harness.run { client in
            var jar = CookieJar()
            let loginPage = try await client.execute(uri: "/login", method: .get)
            #expect(loginPage.headers.cookies(named: "sessionid").isEmpty)
            jar.update(from: loginPage)
            let csrfBefore = try #require(jar.values["csrftoken"])
            let token = try formToken(in: loginPage)
            #expect(CSRFToken.unmask(token) == csrfBefore)

            func post(_ uri: String, _ form: String) async throws -> TestResponse {
                try await client.execute(
                    uri: uri, method: .post,
                    headers: [.cookie: jar.header, .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: form)
                )
            }
            let wrong = try await post("/login", "username=editor1&password=nope&csrfmiddlewaretoken=\(token)")
            #expect(wrong.status == .ok)
            #expect(String(buffer: wrong.body).contains("Identifiant ou mot de passe incorrect."))

            let right = try await post(
                "/login", "username=editor1&password=correct+horse+battery&csrfmiddlewaretoken=\(token)&next=/backoffice/")
            #expect(right.status == .found)
            #expect(right.headers[.location] == "/backoffice/")
            jar.update(from: right)
            let key = try #require(jar.values["sessionid"])
            #expect(key.count == 32)
            #expect(jar.values["csrftoken"] != csrfBefore)

            let backoffice = try await client.execute(uri: "/backoffice/", method: .get, headers: [.cookie: jar.header])
            #expect(backoffice.status == .ok)
            #expect(String(buffer: backoffice.body).contains("editor1"))
            jar.update(from: backoffice)

            let logout = try await post("/logout", "csrfmiddlewaretoken=\(try formToken(in: backoffice))")
            #expect(logout.status == .found)
            #expect(logout.headers[.cacheControl]?.contains("no-store") == true)
            #expect(logout.headers.cookies(named: "sessionid").first?.contains("Max-Age=0") == true)

            let replay = try await client.execute(uri: "/backoffice/", method: .get, headers: [.cookie: "sessionid=\(key)"])
            #expect(replay.status == .found)
            #expect(replay.headers[.location] == "/login?next=/backoffice/")
        }
    }

    @Test func repeatedFailuresLockTheAccount() async throws {
        let harness = PortalHarness()
        try await Portal.createUser(
            dataDirectory: harness.directory, username: "target", role: .admin, password: "the right password")
        try await harness.run { client in
            let secret = String(repeating: "s", count: 32)
            func attempt(_ password: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.cookie: "csrftoken=\(secret)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=target&password=\(password)&csrfmiddlewaretoken=\(secret)")
                )
            }
            for _ in 0..<5 { #expect(try await attempt("wrong").status == .ok) }
            let locked = try await attempt("the+right+password")
            #expect(locked.status == .tooManyRequests)
            #expect(String(buffer: locked.body).contains("Trop de tentatives de connexion"))
            #expect(locked.headers.cookies(named: "sessionid").isEmpty)
        }
    }

    @Test func setLanguageFollowsDjango() async throws {
        try await PortalHarness().run { client in
            let secret = String(repeating: "k", count: 32)
            let headers: HTTPFields = [.cookie: "csrftoken=\(secret)", .contentType: "application/x-www-form-urlencoded"]
            let set = try await client.execute(
                uri: "/i18n/setlang/", method: .post, headers: headers,
                body: ByteBuffer(string: "language=en&next=/cookies&csrfmiddlewaretoken=\(secret)")
            )
            #expect(set.status == .found)
            #expect(set.headers[.location] == "/cookies")
            let cookie = try #require(set.headers.cookies(named: "django_language").first)
            #expect(
                cookie.hasPrefix("django_language=en;") && cookie.contains("Max-Age=31536000") && cookie.contains("SameSite=Lax"))

            let evil = try await client.execute(
                uri: "/i18n/setlang/", method: .post, headers: headers,
                body: ByteBuffer(string: "language=xx&next=https://evil.example/&csrfmiddlewaretoken=\(secret)")
            )
            #expect(evil.headers[.location] == "/")
            #expect(evil.headers.cookies(named: "django_language").isEmpty)

            var json = headers
            json[.accept] = "application/json"
            let api = try await client.execute(
                uri: "/i18n/setlang/", method: .post, headers: json,
                body: ByteBuffer(string: "language=fr&csrfmiddlewaretoken=\(secret)")
            )
            #expect(api.status == .noContent)
            #expect(api.headers.cookies(named: "django_language").count == 1)

            let get = try await client.execute(uri: "/i18n/setlang/?language=en&next=/cookies", method: .get)
            #expect(get.status == .found)
            #expect(get.headers.cookies(named: "django_language").isEmpty)

            let english = try await client.execute(uri: "/cookies", method: .get, headers: [.cookie: "django_language=en"])
            #expect(String(buffer: english.body).contains("<html lang=\"en\">"))
            #expect(english.headers[.contentLanguage] == "en")
        }
    }

    @Test func choicesAreSignedStoredAndLogged() async throws {
        let harness = PortalHarness(demo: true)
        try await harness.run { client in
            let home = try await client.execute(uri: "/", method: .get)
            let body = String(buffer: home.body)
            #expect(body.contains("id=\"cookie-banner\""))
            #expect(!body.contains("tiles.example/7/"))

            let gpc = try await client.execute(uri: "/", method: .get, headers: [HTTPField.Name("Sec-GPC")!: "1"])
            #expect(!String(buffer: gpc.body).contains("id=\"cookie-banner\""))
            #expect(gpc.headers.cookies(named: "cookies_preferences").isEmpty)

            let secret = String(repeating: "p", count: 32)
            let accept = try await client.execute(
                uri: "/cookies/preferences", method: .post,
                headers: [.cookie: "csrftoken=\(secret)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "action=accept_all&next=/&csrfmiddlewaretoken=\(secret)")
            )
            #expect(accept.status == .found)
            let stored = try #require(accept.headers.cookies(named: "cookies_preferences").first)
            #expect(stored.contains("HttpOnly") && stored.contains("Max-Age=15552000") && stored.contains("SameSite=Lax"))
            let value = String(stored.prefix { $0 != ";" }.dropFirst("cookies_preferences=".count))

            let after = try await client.execute(uri: "/", method: .get, headers: [.cookie: "cookies_preferences=\(value)"])
            let afterBody = String(buffer: after.body)
            #expect(!afterBody.contains("id=\"cookie-banner\""))
            #expect(afterBody.contains("https://tiles.example/7/64/45.png"))
            #expect(after.headers[.contentSecurityPolicy]?.contains("https://tiles.example") == true)

            let tampered = try await client.execute(uri: "/", method: .get, headers: [.cookie: "cookies_preferences=x\(value)"])
            #expect(tampered.status == .ok)
            #expect(String(buffer: tampered.body).contains("id=\"cookie-banner\""))

            let log = try await SQLiteStore(path: harness.directory + "/garona.sqlite").recentConsents(limit: 5)
            #expect(log.map(\.action) == ["accept_all"])
            #expect(log.first?.acceptedCategories == "third_party")
        }
    }
}
