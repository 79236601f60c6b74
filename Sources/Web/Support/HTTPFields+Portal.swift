import Foundation
import HTTPTypes

extension HTTPField.Name {
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let xForwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xCSRFToken = HTTPField.Name("X-CSRFToken")!
    static let secGPC = HTTPField.Name("Sec-GPC")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
}

extension HTTPFields {
    /// Adds `token` to the `Vary` header unless it is already there.
    /// Plain Swift, no Foundation string calls: every page response goes through it (Vary: Cookie, Accept-Language).
    public mutating func addVary(_ token: String) {
        let existing = self[values: .vary].flatMap { value in value.split(separator: ",").map { String($0.trimmingBlanks) } }
        let wanted = token.lowercased()
        guard !existing.contains(where: { $0.lowercased() == wanted }) else { return }
        self[.vary] = (existing + [token]).joined(separator: ", ")
    }

    /// The `Set-Cookie` values that set the cookie `name`.
    public func cookies(named name: String) -> [String] {
        self[values: .setCookie].filter { SetCookie.name(ofHeader: $0) == name }
    }

    /// Appends a `Set-Cookie` header.
    public mutating func append(_ cookie: SetCookie, now: Date) {
        append(HTTPField(name: .setCookie, value: cookie.headerValue(now: now)))
    }
}

extension Substring {
    /// Without the spaces and tabs around it.
    fileprivate var trimmingBlanks: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
