import CookieCharter
import Crypto
import Foundation
import FuzzDriver
import FuzzSupport
import HTTPTypes
import PortalHarness
import Web

/// The input, one line each: the route (first byte) and whether the request comes through the trusted proxy
/// (second byte odd), then the request's headers in this order, then the body of a POST (the rest).
let headerNames: [HTTPField.Name] = [
    .cookie, .acceptLanguage, HTTPField.Name("X-Forwarded-For")!, HTTPField.Name("X-Forwarded-Proto")!,
    HTTPField.Name("X-Forwarded-Host")!, HTTPField.Name("X-CSRFToken")!, .authorization, .origin, .referer,
]

/// Routes that read these headers: pages (session, CSRF, language, consent, cookie firewall), the language and
/// consent forms (CSRF checks), and the API (keys, CORS, forwarded origin in links).
let routes: [(HTTPRequest.Method, String)] = [
    (.get, "/"), (.get, "/cookies"), (.post, "/i18n/setlang/"), (.post, "/cookies/preferences"),
    (.get, "/api/explore/v2.1/catalog/datasets/fixture?include_links=true"), (.get, "/explore/"),
    (.post, "/logout"), (.get, "/healthz"),
]

/// The cookies Garona may set: the charter's four.
let charterCookies: Set<String> = ["sessionid", "csrftoken", "django_language", "cookies_preferences"]

let harness: PortalHarness = {
    do {
        return try PortalHarness(name: "headers")
    } catch {
        fatalError("cannot build the application: \(error)")
    }
}()

/// The consent codec under a fixed key, for the direct checks of the cookie's value.
let secret = [UInt8](repeating: 7, count: 32)
let codec = ConsentCodec(secret: secret)
let now = Date(timeIntervalSince1970: 1_790_000_000)

/// `payload` signed as the consent cookie is (base64url payload, a dot, base64url HMAC-SHA256), so that the
/// parsing behind the signature check is reached too.
func signed(_ payload: String) -> String {
    let code = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: secret))
    return base64URL(Data(payload.utf8)) + "." + base64URL(Data(code))
}

func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
}

/// The pure parsers first (consent value, CSRF token, Accept-Language, cookie names), then one request through
/// the whole application. A trap, a 5xx or a cookie outside the charter is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let lines = InputLines.split(data, size, into: headerNames.count + 2)
    let selector = Array(lines[0].utf8)
    let cookie = lines[1]
    let acceptLanguage = lines[2]
    let token = lines[6]

    _ = codec.decode(cookie, policyVersion: "1", now: now)
    _ = codec.decode(signed(cookie), policyVersion: "1", now: now)
    if CSRFToken.formatProblem(token) == nil {
        _ = CSRFToken.unmask(token)
        _ = CSRFToken.matches(token, secret: String(repeating: "a", count: CSRFToken.secretLength))
    }
    _ = LanguageNegotiation.parseAcceptLanguage(acceptLanguage)
    _ = LanguageNegotiation.language(cookie: cookie, acceptLanguage: acceptLanguage)
    _ = SetCookie.name(ofHeader: cookie)

    let (method, path) = routes[Int(selector.first ?? 0) % routes.count]
    var headers = HTTPFields()
    for (name, value) in zip(headerNames, lines[1...]) where !value.isEmpty {
        headers.append(HTTPField(name: name, value: value))
    }
    var body: [UInt8] = []
    if method == .post {
        headers[.contentType] = "application/x-www-form-urlencoded"
        body = Array(lines[headerNames.count + 1].utf8)
    }
    let fromProxy = selector.count > 1 && selector[1] & 1 == 1
    let reply = harness.send(method, path, headers: headers, body: body, fromProxy: fromProxy)
    if reply.status.code >= 500 {
        fatalError("\(reply.status.code) for \(method) \(path)")
    }
    for value in reply.headers[values: .setCookie] where !charterCookies.contains(SetCookie.name(ofHeader: value)) {
        fatalError("a cookie outside the charter: \(value.prefix(100))")
    }
    return 0
}

/// The entry point SwiftPM links this executable with (see FuzzDriver.h): libFuzzer's driver, with this target's test.
@_cdecl("FuzzHeaders_main")
public func fuzzHeadersMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    garona_run_fuzzer(argc, argv) { data, size in data.map { fuzzHeaders($0, size) } ?? 0 }
}
