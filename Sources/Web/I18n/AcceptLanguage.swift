import CookieCharter
import Synchronization

/// How the visitor's language is chosen, following Django's `get_language_from_request`.
public enum LanguageNegotiation {
    /// Django's `LANGUAGE_CODE_MAX_LENGTH`.
    static let maxLength = 500

    /// The language for a request: a usable `django_language` cookie, else the best supported
    /// `Accept-Language` range, else French.
    public static func language(cookie: String?, acceptLanguage: String?) -> Language {
        if let cookie, let language = supportedVariant(of: cookie) { return language }
        guard let header = acceptLanguage else { return .default }
        // Browsers send the same few headers again and again; Django keeps 1,000 parsed ones too (`lru_cache`).
        if let known = negotiated.withLock({ $0[header] }) { return known }
        let language = language(acceptLanguage: header)
        negotiated.withLock { memo in
            if memo.count >= 1000 { memo.removeAll(keepingCapacity: true) }
            memo[header] = language
        }
        return language
    }

    private static let negotiated = Mutex<[String: Language]>([:])

    private static func language(acceptLanguage header: String) -> Language {
        for (range, _) in parseAcceptLanguage(header) {
            if range == "*" { break }
            guard isLanguageCode(range), let language = supportedVariant(of: range) else { continue }
            return language
        }
        return .default
    }

    /// Django's `get_supported_language_variant` over our languages: `en-gb` → `en`.
    public static func supportedVariant(of code: String) -> Language? {
        guard !code.isEmpty, code.utf8.count <= maxLength else { return nil }
        let lowered = code.lowercased()
        if let exact = Language(rawValue: lowered) { return exact }
        let generic = lowered.split(separator: "-", maxSplits: 1).first.map(String.init) ?? lowered
        return Language(rawValue: generic)
    }

    /// Django's `parse_accept_lang_header`: `(range, quality)` pairs, best first, all lower-cased.
    ///
    /// A header longer than 500 characters is read only up to its last comma before that length;
    /// a malformed header yields nothing at all.
    public static func parseAcceptLanguage(_ header: String) -> [(String, Double)] {
        let bytes = Array(header.lowercased().utf8)
        if bytes.count <= maxLength { return parseWhole(bytes[...]) }
        guard let comma = bytes[..<maxLength].lastIndex(of: UInt8(ascii: ",")), comma > 0 else { return [] }
        return parseWhole(bytes[..<comma])
    }

    private static func parseWhole(_ bytes: ArraySlice<UInt8>) -> [(String, Double)] {
        var scanner = AcceptLanguageScanner(bytes: bytes)
        var entries: [(String, Double, Int)] = []
        while !scanner.atEnd {
            guard let (range, quality) = scanner.nextEntry() else { return [] }
            entries.append((range, quality, entries.count))
        }
        // A stable sort by quality, descending, as Python's sort.
        return entries.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.map { ($0.0, $0.1) }
    }

    /// Django's `language_code_re`.
    static func isLanguageCode(_ code: String) -> Bool {
        let main = code.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        if main.count == 2 {
            let suffix = main[1]
            guard (1...20).contains(suffix.count), suffix.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
            else { return false }
        }
        let subtags = main[0].split(separator: "-", omittingEmptySubsequences: false)
        guard let first = subtags.first, (1...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLowercase })
        else { return false }
        return subtags.dropFirst().allSatisfy { tag in
            (1...8).contains(tag.count) && tag.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        }
    }
}

/// Reads `range[;q=value]` entries separated by commas, as Django's `accept_language_re` does.
private struct AcceptLanguageScanner {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var atEnd: Bool { position >= bytes.endIndex }

    mutating func nextEntry() -> (String, Double)? {
        let start = position
        guard let range = languageRange() else { return nil }
        let rangeText = String(decoding: bytes[start..<start + range], as: UTF8.self)
        position = start + range
        var quality = 1.0
        let beforeQuality = position
        if let q = qualityValue() { quality = q } else { position = beforeQuality }
        guard separator() else { return nil }
        return (rangeText, quality)
    }

    /// `[a-z]{1,8}(-[a-z0-9]{1,8})*` or `*`; returns its length.
    private func languageRange() -> Int? {
        var i = position
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "*") { return 1 }
        let letters = count(from: i, max: 8) { Self.isLetter($0) }
        guard letters > 0 else { return nil }
        i += letters
        while i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") {
            let sub = count(from: i + 1, max: 8) { Self.isLetter($0) || Self.isDigit($0) }
            guard sub > 0 else { break }
            i += 1 + sub
        }
        return i - position
    }

    /// `\s*;\s*q=(0(\.[0-9]{0,3})?|1(\.0{0,3})?)`
    private mutating func qualityValue() -> Double? {
        skipSpaces()
        guard take(UInt8(ascii: ";")) else { return nil }
        skipSpaces()
        guard take(UInt8(ascii: "q")), take(UInt8(ascii: "=")) else { return nil }
        let start = position
        if take(UInt8(ascii: "0")) {
            if take(UInt8(ascii: ".")) { position += count(from: position, max: 3) { Self.isDigit($0) } }
        } else if take(UInt8(ascii: "1")) {
            if take(UInt8(ascii: ".")) { position += count(from: position, max: 3) { $0 == UInt8(ascii: "0") } }
        } else {
            return nil
        }
        return Double(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    /// `\s*,\s*` or the end of the header.
    private mutating func separator() -> Bool {
        let start = position
        skipSpaces()
        if take(UInt8(ascii: ",")) {
            skipSpaces()
            return true
        }
        position = start
        return atEnd
    }

    private mutating func skipSpaces() {
        while position < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C].contains(bytes[position]) { position += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.endIndex, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private func count(from start: Int, max: Int, _ predicate: (UInt8) -> Bool) -> Int {
        var n = 0
        while start + n < bytes.endIndex, n < max, predicate(bytes[start + n]) { n += 1 }
        return n
    }

    private static func isLetter(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) }
    private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
}
