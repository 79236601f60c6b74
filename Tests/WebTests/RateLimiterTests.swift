import Foundation
import Testing
import Web

@Suite struct RateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func allowsLimitRequestsPerWindowThenRefusesUntilItCloses() {
        let limiter = RateLimiter(limit: 3, window: 60)
        let decisions = (0..<4).map { limiter.take("a", now: start.addingTimeInterval(Double($0))) }
        #expect(decisions.map(\.allowed) == [true, true, true, false])
        #expect(decisions.map(\.remaining) == [2, 1, 0, 0])
        #expect(decisions.allSatisfy { $0.resetAt == start.addingTimeInterval(60) && $0.limit == 3 })
        #expect(!limiter.take("a", now: start.addingTimeInterval(59.9)).allowed)
        let reopened = limiter.take("a", now: start.addingTimeInterval(60))
        #expect(reopened.allowed && reopened.remaining == 2 && reopened.resetAt == start.addingTimeInterval(120))
    }

    @Test func countsEachClientSeparately() {
        let limiter = RateLimiter(limit: 1, window: 60)
        #expect(limiter.take("a", now: start).allowed)
        #expect(!limiter.take("a", now: start).allowed)
        #expect(limiter.take("b", now: start).allowed)
    }

    @Test func forgetsClosedWindowsAndNeverRemembersMoreThanMaxClients() {
        let limiter = RateLimiter(limit: 1, window: 60, maxClients: 100)
        for index in 0..<1_000 { _ = limiter.take("client-\(index)", now: start) }
        #expect(limiter.clientCount == 100)
        // The oldest were forgotten to make room; the newest are still limited.
        #expect(limiter.take("client-0", now: start).allowed)
        #expect(!limiter.take("client-999", now: start).allowed)
        _ = limiter.take("late", now: start.addingTimeInterval(61))
        #expect(limiter.clientCount == 1)
    }
}
