import CookieCharter
import Foundation
import HTTPTypes
import Hummingbird
import Store
import Web

/// What the controllers call to count what they serve: `audience.count(.pageView(.home), request:, context:)`.
///
/// It decides, per request, whether and where to count, then forgets the request:
/// - a visitor who objected (the "audience measurement" category unticked in `cookies_preferences`, or `Sec-GPC: 1`)
///   is not counted;
/// - a known robot (``KnownBots``, by user agent) is not counted;
/// - a logged-in publisher is counted in the back-office channel, an API key's call in the API-key channel;
/// - a `Referer` from another site adds its host name, and nothing else of it.
///
/// No address, user agent, cookie or session key is ever passed on: the counters only see the day, the channel and
/// the event. The cost is a few header reads and one increment under a shard's lock (``AudienceCounters``).
struct AudienceRecorder: Sendable {
    static let globalPrivacyControl = HTTPField.Name("Sec-GPC")!
    /// The counts waiting for the next flush.
    let counters: AudienceCounters
    let clock: @Sendable () -> Date
    /// Off with `--audience-flush-s 0`: nothing is counted.
    let enabled: Bool

    init(counters: AudienceCounters, clock: @escaping @Sendable () -> Date, enabled: Bool = true) {
        self.counters = counters
        self.clock = clock
        self.enabled = enabled
    }

    /// Counts `event` for this request, unless the visitor objected or is a robot; `referrer: false` for a second
    /// event of the same request, whose referring host is already counted.
    func count(
        _ event: AudienceEvent, request: Request, context: PortalRequestContext, apiKey: Bool = false, referrer: Bool = true
    ) {
        guard enabled, let channel = channel(request: request, context: context, apiKey: apiKey) else { return }
        let day = Self.day(of: clock())
        for (metric, datasetID, dimension) in event.counts {
            counters.increment(
                AudienceCounterKey(day: day, channel: channel, metric: metric, datasetID: datasetID, dimension: dimension))
        }
        // Only what a visitor opened from another site: a page, or a download link.
        if case .apiCall = event { return }
        guard referrer else { return }
        if let referer = request.headers[.referer],
            let host = ReferrerHost.external(referer, ownHost: context.visit.with { $0.host })
        {
            counters.increment(AudienceCounterKey(day: day, channel: channel, metric: .referrer, datasetID: "", dimension: host))
        }
    }

    /// Where this request counts, or nil when it does not.
    private func channel(request: Request, context: PortalRequestContext, apiKey: Bool) -> AudienceChannel? {
        if request.headers[values: Self.globalPrivacyControl].contains(where: { $0.trimmingCharacters(in: .whitespaces) == "1" })
        {
            return nil
        }
        guard context.visit.consent.allows(.audienceMeasurement) else { return nil }
        guard !KnownBots.isBot(request.headers[.userAgent] ?? "") else { return nil }
        if apiKey { return .apiKey }
        return context.visit.userID != nil ? .backOffice : .visitors
    }

    /// Days since 1970-01-01 in UTC of `date`.
    static func day(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }
}
