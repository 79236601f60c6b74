/// The pieces of a URL that safety checks need, split the way Python's `urlsplit` does.
public struct URLParts: Sendable, Hashable {
    public var scheme: String
    public var netloc: String
    public var path: String

    /// Splits `url`. Tabs and line breaks are removed first, as `urlsplit` does.
    public init(_ url: String) {
        var text = Substring(url.filter { $0 != "\t" && $0 != "\r" && $0 != "\n" })
        scheme = ""
        if let colon = text.firstIndex(of: ":"), let first = text.first, first.isASCII, first.isLetter,
            text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        {
            scheme = text[..<colon].lowercased()
            text = text[text.index(after: colon)...]
        }
        netloc = ""
        if text.hasPrefix("//") {
            let rest = text.dropFirst(2)
            let end = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
            netloc = String(rest[..<end])
            text = rest[end...]
        }
        path = String(text)
    }
}

/// Django's `url_has_allowed_host_and_scheme`: whether redirecting to `url` stays on this site.
///
/// Rejects `//evil`, `///evil`, other hosts, `javascript:` and other schemes, URLs starting with
/// a control character, backslash tricks, and `http://` when the request itself is HTTPS.
public enum SafeURL {
    public static func isSafe(_ url: String?, allowedHost: String, requireHTTPS: Bool) -> Bool {
        guard let url = url?.trimmingWhitespace, !url.isEmpty else { return false }
        return check(url, allowedHost: allowedHost, requireHTTPS: requireHTTPS)
            && check(url.replacing("\\", with: "/"), allowedHost: allowedHost, requireHTTPS: requireHTTPS)
    }

    private static func check(_ url: String, allowedHost: String, requireHTTPS: Bool) -> Bool {
        if url.hasPrefix("///") { return false }
        if let first = url.unicodeScalars.first, first.properties.generalCategory.isControlOrOther { return false }
        let parts = URLParts(url)
        if parts.netloc.isEmpty && !parts.scheme.isEmpty { return false }
        var scheme = parts.scheme
        if scheme.isEmpty && !parts.netloc.isEmpty { scheme = "http" }
        let validSchemes = requireHTTPS ? ["https"] : ["http", "https"]
        let hostOK = parts.netloc.isEmpty || parts.netloc.lowercased() == allowedHost.lowercased()
        return hostOK && (scheme.isEmpty || validSchemes.contains(scheme))
    }
}

extension Unicode.GeneralCategory {
    /// Unicode's "C" categories (control, format, surrogate, private use, unassigned).
    fileprivate var isControlOrOther: Bool {
        switch self {
        case .control, .format, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace, as Python's `str.strip()`.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = {
            $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}"
        }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
