import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import Web

@Suite struct PageCacheTests {
    /// A router with the whole middleware stack and `/cached`, a cached home page whose values count their calls.
    static func app(_ test: TestEnvironment, calls: Counter) -> some ApplicationProtocol {
        let router = test.router()
        let renderer = test.environment.renderer
        router.get("/cached") { request, context in
            try await renderer.cachedPage("home", title: "Cached", key: "state 1", request: request, context: context) {
                let count = calls.increment()
                return ["catalog_count": "values-called-\(count)"]
            }
        }
        router.get("/missing") { request, context in
            try await renderer.cachedPage(
                "home", title: "Missing", key: "state 1", status: .notFound, request: request, context: context
            ) {
                calls.increment()
                return [:]
            }
        }
        router.get("/as-alice") { _, context in
            context.visit.logIn(userID: 1, username: "alice", authHash: "h", random: .system)
            return "ok"
        }
        return Application(router: router)
    }

    static func tokens(in html: String) -> [String] {
        html.matches(of: /name="csrfmiddlewaretoken" value="([A-Za-z0-9]*)"/).map { String($0.output.1) }
    }

    static func render(_ cache: PageCache, _ html: String, token: String) -> String {
        String(buffer: PageCache.body(cache.store(html, key: html), token: token))
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func aHitDoesNotComputeTheValues() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let calls = Counter()
        try await Self.app(test, calls: calls).test(.router) { client in
            let first = try await client.execute(uri: "/cached", method: .get)
            let second = try await client.execute(uri: "/cached", method: .get)
            #expect(first.status == .ok && second.status == .ok)
            #expect(Self.text(first).contains("values-called-1"))
            #expect(Self.text(second).contains("values-called-1"))
            #expect(second.headers[.contentType] == "text/html; charset=utf-8")
            #expect(second.headers[.vary]?.contains("Cookie") == true)
        }
        #expect(calls.value == 1)
    }

    @Test func everyHitGetsAFreshTokenForTheVisitorsSecret() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let calls = Counter()
        let secret = "abcdefghijklmnopqrstuvwxyzABCDEF"
        let sentinel = test.environment.renderer.cache.sentinelText
        try await Self.app(test, calls: calls).test(.router) { client in
            var seen: [String] = []
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/cached", method: .get, headers: [.cookie: "csrftoken=\(secret)"])
                let html = Self.text(response)
                #expect(!html.contains(sentinel))
                let tokens = Self.tokens(in: html)
                #expect(!tokens.isEmpty)
                for token in tokens {
                    #expect(token.count == CSRFToken.maskedLength)
                    #expect(CSRFToken.unmask(token) == secret)
                }
                // As on a page rendered afresh, the cookie is sent again.
                #expect(!response.headers.cookies(named: "csrftoken").isEmpty)
                seen += tokens
            }
            #expect(Set(seen).count == seen.count)
            // A visitor without a secret gets one, and tokens for it.
            let fresh = try await client.execute(uri: "/cached", method: .get)
            let cookie = try #require(fresh.headers.cookies(named: "csrftoken").first)
            let newSecret = String(cookie.dropFirst("csrftoken=".count).prefix(CSRFToken.secretLength))
            #expect(Self.tokens(in: Self.text(fresh)).allSatisfy { CSRFToken.unmask($0) == newSecret })
        }
        #expect(calls.value == 1)
    }

    @Test func languageUserAndPathEachGetTheirOwnPage() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let calls = Counter()
        try await Self.app(test, calls: calls).test(.router) { client in
            let french = try await client.execute(uri: "/cached", method: .get, headers: [.cookie: "django_language=fr"])
            let english = try await client.execute(uri: "/cached", method: .get, headers: [.cookie: "django_language=en"])
            #expect(Self.text(french).contains("<html lang=\"fr\">"))
            #expect(Self.text(english).contains("<html lang=\"en\">"))
            #expect(calls.value == 2)

            let query = try await client.execute(uri: "/cached?x=1", method: .get, headers: [.cookie: "django_language=fr"])
            #expect(Self.text(query).contains("value=\"/cached?x=1\""))
            #expect(calls.value == 3)

            let login = try await client.execute(uri: "/as-alice", method: .get)
            let session = try #require(login.headers.cookies(named: "sessionid").first)
            let sessionID = String(session.dropFirst("sessionid=".count).prefix { $0 != ";" })
            let alice = try await client.execute(
                uri: "/cached", method: .get, headers: [.cookie: "django_language=fr; sessionid=\(sessionID)"])
            #expect(!Self.text(alice).contains("href=\"/login\""))
            #expect(calls.value == 4)
            // The visitor still gets the visitor's page.
            let visitor = try await client.execute(uri: "/cached", method: .get, headers: [.cookie: "django_language=fr"])
            #expect(Self.text(visitor).contains("href=\"/login\""))
            #expect(calls.value == 4)
        }
    }

    @Test func pagesOtherThanOKAreNotKept() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let calls = Counter()
        try await Self.app(test, calls: calls).test(.router) { client in
            for _ in 0..<2 {
                let response = try await client.execute(uri: "/missing", method: .get)
                #expect(response.status == .notFound)
                #expect(Self.tokens(in: Self.text(response)).allSatisfy { $0.count == CSRFToken.maskedLength })
            }
        }
        #expect(calls.value == 2)
        #expect(test.environment.renderer.cache.usage.pages == 0)
    }

    @Test func theBoundEmptiesTheCache() {
        let cache = PageCache(limit: 1000)
        let page = String(repeating: "x", count: 400)
        cache.store(page, key: "a")
        cache.store(page, key: "b")
        #expect(cache.usage.pages == 2 && cache.usage.bytes == 800)
        cache.store(page, key: "c")
        #expect(cache.usage.pages == 1 && cache.usage.bytes == 400)
        // Replacing a page counts its bytes once.
        cache.store(page, key: "c")
        #expect(cache.usage.bytes == 400)
        // A page larger than the bound is never kept.
        cache.store(String(repeating: "y", count: 1001), key: "d")
        #expect(cache.usage.pages == 1)
    }

    @Test func theTokenReplacesEverySentinel() {
        let cache = PageCache()
        let sentinel = cache.sentinelText
        let html = sentinel + "<p>é" + sentinel + sentinel + "</p>" + sentinel
        #expect(Self.render(cache, html, token: "TOKEN") == "TOKEN<p>éTOKENTOKEN</p>TOKEN")
        #expect(Self.render(cache, "no token here", token: "TOKEN") == "no token here")
        #expect(Self.render(cache, "garonacsrf", token: "TOKEN") == "garonacsrf")
    }
}

/// How many times the values of a page were computed.
final class Counter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    @discardableResult func increment() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
}
