import Foundation
import HTTPTypes
import Synchronization

/// A per-client fixed-window request limiter: each client may make `limit` requests in a
/// window of `window` seconds that opens with its first request.
///
/// Memory is bounded: windows are kept in the order they opened, which is also the order in
/// which they expire, so expired ones are dropped from the front as time passes; when
/// `maxClients` windows are all still open, the oldest is forgotten to make room.
public final class RateLimiter: Sendable {
    /// The answer for one request.
    public struct Decision: Sendable, Equatable {
        public var allowed: Bool
        public var limit: Int
        /// Requests still allowed in the current window.
        public var remaining: Int
        /// When the current window closes.
        public var resetAt: Date
    }

    public let limit: Int
    public let window: TimeInterval
    public let maxClients: Int
    private let state: Mutex<Windows>

    /// - Parameters:
    ///   - limit: requests allowed per window, at least 1.
    ///   - window: the window's length in seconds.
    ///   - maxClients: how many clients are remembered at most.
    public init(limit: Int, window: TimeInterval = 60, maxClients: Int = 10_000) {
        precondition(limit > 0 && window > 0 && maxClients > 0)
        self.limit = limit
        self.window = window
        self.maxClients = maxClients
        self.state = Mutex(Windows())
    }

    /// Counts one request of `client` at `now` and says whether it is allowed.
    public func take(_ client: String, now: Date) -> Decision {
        state.withLock { windows in
            windows.expire(before: now.addingTimeInterval(-window))
            var entry: Window
            if let existing = windows.open[client] {
                entry = existing
            } else {
                if windows.open.count >= maxClients { windows.evictOldest() }
                entry = Window(start: now, count: 0)
                windows.order.append((client, now))
            }
            let allowed = entry.count < limit
            if allowed { entry.count += 1 }
            windows.open[client] = entry
            return Decision(
                allowed: allowed, limit: limit, remaining: limit - entry.count, resetAt: entry.start.addingTimeInterval(window))
        }
    }

    /// How many clients are remembered now (for tests and metrics).
    public var clientCount: Int { state.withLock { $0.open.count } }
}

/// One client's open window.
private struct Window {
    var start: Date
    var count: Int
}

/// The open windows, and the order in which they opened.
private struct Windows {
    var open: [String: Window] = [:]
    /// (client, start) in opening order; an entry whose start no longer matches `open` is stale.
    var order: [(String, Date)] = []
    var head = 0

    /// Forgets every window that opened at or before `cutoff`.
    mutating func expire(before cutoff: Date) {
        while head < order.count, order[head].1 <= cutoff {
            removeHead()
        }
        compact()
    }

    /// Forgets the window that opened first.
    mutating func evictOldest() {
        while head < order.count {
            let live = open[order[head].0]?.start == order[head].1
            removeHead()
            if live { break }
        }
        compact()
    }

    private mutating func removeHead() {
        let (client, start) = order[head]
        if open[client]?.start == start { open[client] = nil }
        head += 1
    }

    private mutating func compact() {
        if head > 0 && head * 2 >= order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

extension HTTPField.Name {
    /// Requests allowed per window.
    public static let xRateLimitLimit = Self("X-RateLimit-Limit")!
    /// Requests left in the current window.
    public static let xRateLimitRemaining = Self("X-RateLimit-Remaining")!
    /// When the current window closes, in Unix seconds.
    public static let xRateLimitReset = Self("X-RateLimit-Reset")!
}
