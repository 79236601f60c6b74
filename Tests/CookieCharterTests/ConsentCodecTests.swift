import CookieCharter
import Foundation
import Testing

@Suite struct ConsentCodecTests {
    let codec = ConsentCodec(secret: Array(repeating: UInt8(7), count: 64))
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func choice(_ categories: Set<CookieCategory>, services: Set<String> = [], at date: Date? = nil) -> ConsentChoice {
        ConsentChoice(policyVersion: "abcd1234", date: date ?? now, categories: categories, services: services)
    }

    @Test func roundTripsAChoice() throws {
        let original = choice([.thirdParty, .statistics], services: ["video"])
        let value = codec.encode(original)
        let decoded = try #require(codec.decode(value, policyVersion: "abcd1234", now: now))
        #expect(decoded == original)
        #expect(decoded.allows(.thirdParty))
        #expect(!decoded.allows(.firstParty))
        #expect(decoded.allows(.necessary))
    }

    @Test func valueUsesOnlyCookieSafeCharacters() {
        let value = codec.encode(choice([.thirdParty], services: ["map_tiles"]))
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        #expect(value.allSatisfy { allowed.contains($0) })
    }

    @Test func aRefusalIsStoredToo() throws {
        let decoded = try #require(codec.decode(codec.encode(choice([])), policyVersion: "abcd1234", now: now))
        #expect(decoded.categories.isEmpty)
    }

    @Test func tamperedValuesCountAsNoChoice() {
        let value = codec.encode(choice([]))
        let parts = value.split(separator: ".").map(String.init)
        // Claim every category with the old signature.
        let forgedPayload = Data("1|abcd1234|\(Int(now.timeIntervalSince1970))|third_party|".utf8).base64EncodedString()
            .replacing("=", with: "")
        #expect(codec.decode(forgedPayload + "." + parts[1], policyVersion: "abcd1234", now: now) == nil)
        #expect(codec.decode(value + "x", policyVersion: "abcd1234", now: now) == nil)
        #expect(codec.decode(String(value.dropLast()), policyVersion: "abcd1234", now: now) == nil)
        for garbage in ["", ".", "..", "a.b.c", "%%%.%%%", String(repeating: "A", count: 5000), "\u{0}.\u{0}"] {
            #expect(codec.decode(garbage, policyVersion: "abcd1234", now: now) == nil)
        }
    }

    @Test func anotherInstanceSecretDoesNotVerify() {
        let other = ConsentCodec(secret: Array(repeating: UInt8(8), count: 64))
        #expect(other.decode(codec.encode(choice([.thirdParty])), policyVersion: "abcd1234", now: now) == nil)
    }

    @Test func anOutdatedPolicyOrAnExpiredChoiceAsksAgain() {
        let value = codec.encode(choice([.thirdParty]))
        #expect(codec.decode(value, policyVersion: "ffff0000", now: now) == nil)
        let sixMonthsLater = now.addingTimeInterval(ConsentCodec.lifetime + 1)
        #expect(codec.decode(value, policyVersion: "abcd1234", now: sixMonthsLater) == nil)
        let beforeIt = now.addingTimeInterval(-3600)
        #expect(codec.decode(value, policyVersion: "abcd1234", now: beforeIt) == nil)
    }

    @Test func aValueReadBeforeIsStillCheckedForPolicyAgeAndTampering() throws {
        let value = codec.encode(choice([.thirdParty], services: ["map_tiles"]))
        // Read once, its signature is remembered; every later reading still checks the policy and the age.
        for _ in 0..<3 { #expect(codec.decode(value, policyVersion: "abcd1234", now: now)?.services == ["map_tiles"]) }
        #expect(codec.decode(value, policyVersion: "ffff0000", now: now) == nil)
        #expect(codec.decode(value, policyVersion: "abcd1234", now: now.addingTimeInterval(ConsentCodec.lifetime + 1)) == nil)
        // A neighbour of a remembered value is not it.
        let parts = value.split(separator: ".").map(String.init)
        #expect(codec.decode(parts[0] + "." + parts[1].dropLast() + "A", policyVersion: "abcd1234", now: now) == nil)
        // Another secret never shares what this codec remembered.
        #expect(
            ConsentCodec(secret: Array(repeating: UInt8(9), count: 64)).decode(value, policyVersion: "abcd1234", now: now) == nil)
    }

    @Test func consentStateAllowsOnlyWhatWasChosen() {
        let tiles = ConsentService.mapTiles(urlTemplate: "https://t.example/{z}/{x}/{y}.png")
        #expect(!ConsentState.undecided.allows(tiles))
        #expect(!ConsentState.refusedByGlobalPrivacyControl.allows(tiles))
        #expect(!ConsentState.refusedByGlobalPrivacyControl.asks)
        #expect(ConsentState.undecided.asks)
        #expect(ConsentState.chosen(choice([.thirdParty])).allows(tiles))
        #expect(ConsentState.chosen(choice([], services: ["map_tiles"])).allows(tiles))
        #expect(!ConsentState.chosen(choice([.statistics])).allows(tiles))
    }
}
