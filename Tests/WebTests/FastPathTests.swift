import Foundation
import HTTPTypes
import Testing

@testable import Web

/// The per-request helpers made cheap for the page cache's hits give what the slow versions gave.
@Suite struct FastPathTests {
    @Test func httpDatesMatchFoundationsFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var seconds: Double = -2_000_000_000
        while seconds < 5_000_000_000 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(SetCookie.httpDate(date) == formatter.string(from: date), "\(seconds)")
            seconds += 7_654_321.5
        }
        #expect(SetCookie.httpDate(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(SetCookie.httpDate(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test func systemTokensUseTheWholeAlphabetEvenly() {
        let alphabet = TokenAlphabet.csrf
        var counts: [UInt8: Int] = [:]
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let token = RandomSource.system.string(length: 32, alphabet: alphabet)
            #expect(token.utf8.count == 32)
            seen.insert(token)
            for byte in token.utf8 { counts[byte, default: 0] += 1 }
        }
        #expect(seen.count == 2_000)
        #expect(Set(counts.keys) == Set(alphabet))
        // 64,000 letters over 62: about 1,032 each; a biased mapping of bytes would put some near 1,240.
        #expect(counts.values.allSatisfy { (800...1_270).contains($0) })
    }

    @Test func varyKeepsEachTokenOnce() {
        var fields = HTTPFields()
        fields.addVary("Cookie")
        fields.addVary("cookie")
        #expect(fields[.vary] == "Cookie")
        fields[.vary] = " Accept-Language ,\tCookie "
        fields.addVary("COOKIE")
        fields.addVary("Origin")
        #expect(fields[.vary] == "Accept-Language, Cookie, Origin")
    }
}
