import Foundation
import Vocabulary

/// A `Set-Cookie` header value, written the way Django writes it.
///
/// `Max-Age` always comes with the matching `expires`, deleting a cookie sends `Max-Age=0` with
/// the epoch date, and `Secure` is added whenever the request arrived over HTTPS.
public struct SetCookie: Sendable, Hashable {
    public enum SameSite: String, Sendable {
        case lax = "Lax"
        case strict = "Strict"
    }

    public var name: String
    public var value: String
    public var maxAge: Int
    public var httpOnly: Bool
    public var sameSite: SameSite?
    public var secure: Bool

    public init(name: String, value: String, maxAge: Int, httpOnly: Bool, sameSite: SameSite? = .lax, secure: Bool) {
        self.name = name
        self.value = value
        self.maxAge = maxAge
        self.httpOnly = httpOnly
        self.sameSite = sameSite
        self.secure = secure
    }

    /// A cookie that tells the browser to forget `name` at once.
    public static func deletion(of name: String, sameSite: SameSite? = .lax, secure: Bool) -> SetCookie {
        SetCookie(name: name, value: "\"\"", maxAge: 0, httpOnly: false, sameSite: sameSite, secure: secure)
    }

    /// The header value for a response sent at `now`.
    public func headerValue(now: Date) -> String {
        let expires = maxAge == 0 ? "Thu, 01 Jan 1970 00:00:00 GMT" : Self.httpDate(now.addingTimeInterval(Double(maxAge)))
        var parts = ["\(name)=\(value)", "expires=\(expires)"]
        if httpOnly { parts.append("HttpOnly") }
        parts.append("Max-Age=\(maxAge)")
        parts.append("Path=/")
        if let sameSite { parts.append("SameSite=\(sameSite.rawValue)") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// The cookie name of a `Set-Cookie` header value.
    public static func name(ofHeader value: String) -> String {
        let name = value.utf8.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "=") }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        return String(decoding: name.drop(while: isBlank).reversed().drop(while: isBlank).reversed(), as: UTF8.self)
    }

    /// An RFC 7231 date: `Sun, 06 Nov 1994 08:49:37 GMT`.
    ///
    /// Computed with integers (Vocabulary's ``CivilDateTime``): it runs for every response that sets a cookie,
    /// where a Calendar and `String(format:)` cost more than the page.
    static func httpDate(_ date: Date) -> String {
        let civil = CivilDateTime(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var out = Array((weekdays[civil.weekday] + ", ").utf8)
        CivilDate.append(civil.day, width: 2, to: &out)
        out.append(contentsOf: (" " + months[civil.month - 1] + " ").utf8)
        CivilDate.append(civil.year, width: 1, to: &out)
        out.append(UInt8(ascii: " "))
        CivilDate.append(civil.hour, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CivilDate.append(civil.minute, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CivilDate.append(civil.second, width: 2, to: &out)
        out.append(contentsOf: " GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
