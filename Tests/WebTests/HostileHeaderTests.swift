import CookieCharter
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Web

/// Issue 10: failures of the client's own query are 400s, and hostile headers are read without trapping.
@Suite struct HostileHeaderTests {
    @Test func anIntegerOverflowInAQueryIsA400InEachShape() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let router = test.router()
        let overflows: @Sendable (Request, PortalRequestContext) async throws -> Response = { _, _ in
            throw QueryOverflowError()
        }
        router.get("/api/explore/v2.1/sum", use: overflows)
        router.get("/explore/dataset/x/analyze/", use: overflows)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/explore/v2.1/sum", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: String]
                #expect(body == ["error_code": "ODSQLError", "message": QueryOverflowError.message])
            }
            try await client.execute(uri: "/explore/dataset/x/analyze/", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
        }
    }

    @Test func hostileCookieLanguageAndAuthorizationHeadersAreReadWithoutFailing() async throws {
        let test = try await TestEnvironment()
        defer { test.cleanUp() }
        let router = test.router()
        router.get("/echo") { request, context -> String in
            let state = context.visit.snapshot
            return [context.visit.cookie("b", in: request) ?? "-", state.language.rawValue].joined(separator: "|")
        }
        let many = (0..<10_000).map { "c\($0)=\($0)" }.joined(separator: "; ")
        let headerSets: [HTTPFields] = [
            [.cookie: String(repeating: "a", count: 200_000)],
            [.cookie: many + "; b=found"],
            [.cookie: "noequals; =; ==; b=x=y; b=second"],
            [.cookie: "\u{FFFD}\u{0}=\u{7F}; b=\u{FFFD}"],
            [.acceptLanguage: "fr;q=1e400, en;q=nan, " + String(repeating: "x", count: 10_000)],
            [.authorization: "Basic " + String(repeating: "A", count: 100_000)],
        ]
        try await Application(router: router).test(.router) { client in
            for headers in headerSets {
                try await client.execute(uri: "/echo", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                }
            }
            try await client.execute(uri: "/echo", method: .get, headers: [.cookie: many + "; b=found"]) { response in
                #expect(String(buffer: response.body).hasPrefix("found|"))
            }
            try await client.execute(uri: "/echo", method: .get, headers: [.cookie: "noequals; b=x=y; b=second"]) {
                #expect(String(buffer: $0.body).hasPrefix("x=y|"))
            }
        }
    }
}
