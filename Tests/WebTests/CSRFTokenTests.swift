import Testing
import Web

@Suite struct CSRFTokenTests {
    let random = RandomSource.seeded(42)

    @Test func secretsAre32AlphanumericCharacters() {
        let secret = CSRFToken.newSecret(random: random)
        #expect(secret.count == 32)
        #expect(secret.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(CSRFToken.newSecret(random: random) != secret)
    }

    @Test func unmaskingMatchesDjangoOnFixedVectors() {
        // Computed with Django's _unmask_cipher_token / _mask_cipher_secret algorithm.
        #expect(
            CSRFToken.unmask("0123456789ABCDEFGHIJKLMNOPQRSTUV02468acegiKMOQSUWY02468acegikmoq")
                == "abcdefghijklmnopqrstuvwxyzABCDEF"
        )
        #expect(
            CSRFToken.unmask("zZ9aQ3xY7wV5uT1sR2qP4oN6mL8kJ0iHgFeDcBa9Z8Y7X6W5V4U3T2S1R0QPONML")
                == "RQfDwINl2MdcDn5NecEoZOf5FpSFfXEe"
        )
    }

    @Test func everyMaskIsFreshAndUnmasksToTheSecret() {
        let secret = CSRFToken.newSecret(random: random)
        let first = CSRFToken.mask(secret, random: random)
        let second = CSRFToken.mask(secret, random: random)
        #expect(first.count == 64 && second.count == 64)
        #expect(first != second)
        #expect(CSRFToken.unmask(first) == secret)
        #expect(CSRFToken.unmask(second) == secret)
        #expect(CSRFToken.matches(first, secret: secret))
        #expect(CSRFToken.matches(secret, secret: secret))
        #expect(!CSRFToken.matches(CSRFToken.mask(CSRFToken.newSecret(random: random), random: random), secret: secret))
    }

    @Test func formatChecksGiveDjangoReasons() {
        #expect(CSRFToken.formatProblem(String(repeating: "a", count: 32)) == nil)
        #expect(CSRFToken.formatProblem(String(repeating: "a", count: 64)) == nil)
        #expect(CSRFToken.formatProblem("short") == "has incorrect length")
        #expect(CSRFToken.formatProblem(String(repeating: "a", count: 33)) == "has incorrect length")
        #expect(CSRFToken.formatProblem(String(repeating: "-", count: 32)) == "has invalid characters")
        #expect(CSRFToken.formatProblem(String(repeating: "é", count: 32)) == "has invalid characters")
        #expect(CSRFToken.formatProblem(String(repeating: "é", count: 33)) == "has incorrect length")
    }
}

@Suite struct CSRFPolicyTests {
    let secret = "abcdefghijklmnopqrstuvwxyzABCDEF"
    let policy = CSRFPolicy(trustedOrigins: ["https://portal.example.org", "https://*.example.net"])

    func request(
        origin: String? = nil, referer: String? = nil, secure: Bool = false, cookie: String?? = nil,
        form: String? = nil, header: String? = nil
    ) -> CSRFRequest {
        CSRFRequest(
            origin: origin, referer: referer, isSecure: secure, host: "data.example.fr",
            cookie: cookie ?? secret, formToken: form, headerToken: header
        )
    }

    @Test func acceptsMaskedAndUnmaskedTokensFromFormOrHeader() {
        let masked = CSRFToken.mask(secret, random: .seeded(1))
        #expect(policy.rejection(of: request(form: masked)) == nil)
        #expect(policy.rejection(of: request(form: secret)) == nil)
        #expect(policy.rejection(of: request(header: masked)) == nil)
        #expect(policy.rejection(of: request(header: secret)) == nil)
        #expect(policy.rejection(of: request(form: "", header: masked)) == nil)
    }

    @Test func tokenProblemsUseDjangoWords() {
        #expect(policy.rejection(of: request(cookie: .some(.none), form: secret)) == "CSRF cookie not set.")
        #expect(policy.rejection(of: request(cookie: "short", form: secret)) == "CSRF cookie has incorrect length.")
        #expect(policy.rejection(of: request()) == "CSRF token missing.")
        #expect(policy.rejection(of: request(form: "abc")) == "CSRF token from POST has incorrect length.")
        #expect(
            policy.rejection(of: request(form: String(repeating: "!", count: 32)))
                == "CSRF token from POST has invalid characters."
        )
        #expect(policy.rejection(of: request(form: String(repeating: "z", count: 32))) == "CSRF token from POST incorrect.")
        #expect(
            policy.rejection(of: request(header: String(repeating: "z", count: 32)))
                == "CSRF token from the 'X-Csrftoken' HTTP header incorrect."
        )
        #expect(
            policy.rejection(of: request(header: "x")) == "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length."
        )
    }

    @Test func aLegacyMaskedCookieIsUnmasked() {
        let legacy = CSRFToken.mask(secret, random: .seeded(2))
        #expect(policy.rejection(of: request(cookie: legacy, form: secret)) == nil)
    }

    @Test func originMustBeOwnOrTrusted() {
        #expect(policy.rejection(of: request(origin: "http://data.example.fr", form: secret)) == nil)
        #expect(
            policy.rejection(of: request(origin: "https://data.example.fr", form: secret))
                == "Origin checking failed - https://data.example.fr does not match any trusted origins."
        )
        #expect(policy.rejection(of: request(origin: "https://portal.example.org", form: secret)) == nil)
        #expect(policy.rejection(of: request(origin: "https://a.example.net", form: secret)) == nil)
        #expect(policy.rejection(of: request(origin: "https://example.net", form: secret)) == nil)
        #expect(
            policy.rejection(of: request(origin: "http://a.example.net", form: secret))
                == "Origin checking failed - http://a.example.net does not match any trusted origins."
        )
        #expect(
            policy.rejection(of: request(origin: "null", form: secret))
                == "Origin checking failed - null does not match any trusted origins."
        )
        // The origin check comes before the token check.
        #expect(policy.rejection(of: request(origin: "http://evil.example"))?.hasPrefix("Origin checking failed") == true)
    }

    @Test func refererIsCheckedOnHTTPSOnly() {
        #expect(policy.rejection(of: request(secure: false, form: secret)) == nil)
        #expect(policy.rejection(of: request(secure: true, form: secret)) == "Referer checking failed - no Referer.")
        #expect(
            policy.rejection(of: request(referer: "not a url", secure: true, form: secret))
                == "Referer checking failed - Referer is malformed."
        )
        #expect(
            policy.rejection(of: request(referer: "http://data.example.fr/x", secure: true, form: secret))
                == "Referer checking failed - Referer is insecure while host is secure."
        )
        #expect(
            policy.rejection(of: request(referer: "https://evil.example/x", secure: true, form: secret))
                == "Referer checking failed - https://evil.example/x does not match any trusted origins."
        )
        #expect(policy.rejection(of: request(referer: "https://data.example.fr/login", secure: true, form: secret)) == nil)
        #expect(policy.rejection(of: request(referer: "https://b.example.net/", secure: true, form: secret)) == nil)
    }
}
