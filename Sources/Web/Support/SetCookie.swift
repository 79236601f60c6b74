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
        let name = value.utf8.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "=") }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        return String(decoding: name.drop(while: isBlank).reversed().drop(while: isBlank).reversed(), as: UTF8.self)
    }

    /// An RFC 7231 date: `Sun, 06 Nov 1994 08:49:37 GMT`.
    ///
    /// Computed with integers (days since the epoch to a proleptic Gregorian date): it runs for every
    /// response that sets a cookie, where a Calendar and `String(format:)` cost more than the page.
    static func httpDate(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = Int(seconds - days * 86_400)
        // Days since 0000-03-01, counted in 400-year eras of 146,097 days.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * marchMonth + 2) / 5 + 1)
        let month = Int(marchMonth < 10 ? marchMonth + 3 : marchMonth - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday.
        let days3 = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ number: Int) -> String { number < 10 ? "0" + String(number) : String(number) }
        return days3[weekday] + ", " + two(day) + " " + months[month - 1] + " " + String(year) + " "
            + two(time / 3_600) + ":" + two(time / 60 % 60) + ":" + two(time % 60) + " GMT"
    }
}
