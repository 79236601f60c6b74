import Foundation

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
        let pair = value.prefix { $0 != ";" }
        return String(pair.prefix { $0 != "=" }).trimmingCharacters(in: .whitespaces)
    }

    /// An RFC 7231 date: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }
}
