import Foundation
import Testing
import Web

@Suite struct SupportTests {
    @Test func formDataDecodesPlusAndPercentAndKeepsRepeats() {
        let form = FormData(urlEncoded: "a=1&b=two+words&c=%C3%A9t%C3%A9&a=2&empty=&flag&bad=%zz%4")
        #expect(form["a"] == "1")
        #expect(form.all("a") == ["1", "2"])
        #expect(form["b"] == "two words")
        #expect(form["c"] == "été")
        #expect(form["empty"] == "")
        #expect(form["flag"] == "")
        #expect(form["bad"] == "%zz%4")
        #expect(form["missing"] == nil)
    }

    @Test func setCookieIsWrittenTheDjangoWay() {
        let now = Date(timeIntervalSince1970: 0)
        let cookie = SetCookie(name: "sessionid", value: "abc", maxAge: 1_209_600, httpOnly: true, secure: true)
        #expect(
            cookie.headerValue(now: now)
                == "sessionid=abc; expires=Thu, 15 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure"
        )
        #expect(
            SetCookie.deletion(of: "sessionid", secure: false).headerValue(now: now)
                == "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax"
        )
        #expect(SetCookie.name(ofHeader: " _ga=GA1.2; Path=/") == "_ga")
    }

    @Test func seededRandomnessIsDeterministic() {
        let a = RandomSource.seeded(9).string(length: 16, alphabet: TokenAlphabet.session)
        let b = RandomSource.seeded(9).string(length: 16, alphabet: TokenAlphabet.session)
        #expect(a == b)
        #expect(a.allSatisfy { $0.isLowercase || $0.isNumber })
    }
}
