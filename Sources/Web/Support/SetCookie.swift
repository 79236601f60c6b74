import Foundation
import Ingest

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
    /// Computed with integers (days since the epoch to Ingest's ``CivilDate``): it runs for every
    /// response that sets a cookie, where a Calendar and `String(format:)` cost more than the page.
    static func httpDate(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = Int(seconds - days * 86_400)
        let civil = CivilDate(daysSinceEpoch: Int(days))
        let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday.
        let days3 = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ number: Int) -> String { number < 10 ? "0" + String(number) : String(number) }
        return days3[weekday] + ", " + two(civil.day) + " " + months[civil.month - 1] + " " + String(civil.year) + " "
            + two(time / 3_600) + ":" + two(time / 60 % 60) + ":" + two(time % 60) + " GMT"
    }
}
