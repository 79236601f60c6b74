/// Known robots, recognised by their user agent, which is read here and forgotten: it is never kept, logged or
/// counted. A robot's requests are left out of the audience.
enum KnownBots {
    /// Lowercase fragments of robots' user agents: search engines, social previews, monitors, feed readers and the
    /// generic words most other robots put in theirs. Programs that fetch data for someone (`curl`, a Python
    /// script) are not robots: they are the data API's audience.
    static let fragments: [String] = [
        "bot", "crawl", "spider", "slurp", "scrap", "facebookexternalhit", "mediapartners-google",
        "bingpreview", "yandex", "baidu", "semrush", "ahrefs", "mj12", "petalbot", "applebot", "duckduckgo",
        "archive.org_bot", "ia_archiver", "pingdom", "uptimerobot", "statuscake", "monitor", "feedfetcher", "lighthouse",
        "pagespeed", "preview", "headlesschrome/", "phantomjs",
    ]

    /// Whether `userAgent` is a known robot's.
    static func isBot(_ userAgent: String) -> Bool {
        // An empty or absurdly long user agent is a program's, not a browser's.
        guard !userAgent.isEmpty, userAgent.utf8.count <= 1_024 else { return true }
        let lowered = userAgent.lowercased()
        return fragments.contains { lowered.contains($0) }
    }
}

/// The host of a referring page: all the audience keeps of a `Referer`.
enum ReferrerHost {
    /// The host name of `referer`, lowercased, without port, credentials, path or query; nil when it is not an
    /// `http(s)` URL, when it is `ownHost` (a visit within the portal) or when it is not a plausible host name.
    static func external(_ referer: String, ownHost: String) -> String? {
        guard referer.utf8.count <= 2_048 else { return nil }
        let lowered = referer.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = lowered.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = lowered.dropFirst(7)
        } else {
            return nil
        }
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.hasPrefix("[") {
            // An IPv6 address: an address, not a site; never kept.
            return nil
        } else {
            host = authority.prefix { $0 != ":" }
        }
        let name = host.hasSuffix(".") ? String(host.dropLast()) : String(host)
        guard !name.isEmpty, name.utf8.count <= 253,
            name.utf8.allSatisfy({ isHostByte($0) }), name.contains("."),
            !name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E })  // an IPv4 address
        else { return nil }
        let own = ownHost.lowercased().prefix { $0 != ":" }
        return name == own ? nil : name
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
    }
}

/// Catalog search words as counted: lowercased, spaces collapsed, at most ``maximumLength`` characters.
enum SearchWords {
    static let maximumLength = 100

    /// The normalised words of `text`, or nil when there are none.
    static func normalised(_ text: String) -> String? {
        let words = text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !words.isEmpty else { return nil }
        return String(words.prefix(maximumLength))
    }
}
