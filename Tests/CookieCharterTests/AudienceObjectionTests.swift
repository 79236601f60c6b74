import CookieCharter
import Foundation
import Testing

/// The audience measurement: exempt from consent, on by default, off after an objection stored in
/// `cookies_preferences` or with Global Privacy Control.
@Suite struct AudienceObjectionTests {
    let codec = ConsentCodec(secret: Array(repeating: UInt8(9), count: 64))
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func theMeasurementRunsWithoutConsentUntilAnObjection() {
        #expect(CookieCategory.audienceMeasurement.isExempt)
        #expect(!CookieCategory.optional.contains(.audienceMeasurement))
        #expect(ConsentState.undecided.allows(.audienceMeasurement))
        #expect(!ConsentState.refusedByGlobalPrivacyControl.allows(.audienceMeasurement))
        let accepted = ConsentChoice(policyVersion: "p", date: now, categories: [.thirdParty])
        #expect(ConsentState.chosen(accepted).allows(.audienceMeasurement))
        let objected = ConsentChoice(
            policyVersion: "p", date: now, categories: [.thirdParty], objections: [.audienceMeasurement])
        #expect(!ConsentState.chosen(objected).allows(.audienceMeasurement))
        #expect(ConsentState.chosen(objected).allows(.thirdParty))
        // Only a category that allows an objection can be objected to.
        #expect(ConsentChoice(policyVersion: "p", date: now, categories: [], objections: [.necessary]).objections.isEmpty)
    }

    @Test func anObjectionRoundTripsThroughTheCookie() throws {
        let objected = ConsentChoice(
            policyVersion: "p", date: now, categories: [.statistics], services: ["video"],
            objections: [.audienceMeasurement])
        let decoded = try #require(codec.decode(codec.encode(objected), policyVersion: "p", now: now))
        #expect(decoded == objected)
        let plain = ConsentChoice(policyVersion: "p", date: now, categories: [])
        #expect(try #require(codec.decode(codec.encode(plain), policyVersion: "p", now: now)).objections.isEmpty)
    }
}
