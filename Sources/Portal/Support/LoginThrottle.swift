import Foundation
import Synchronization

/// Slows down password guessing: too many failed logins lock an account, and a client address,
/// for a while.
///
/// An account allows 5 failures per 15 minutes and a client address 20, whatever the usernames
/// tried. A locked attempt is refused before the password is even checked, so a correct guess
/// during the lock teaches nothing. The state is in memory: a restart forgets it.
public final class LoginThrottle: Sendable {
    public struct Limits: Sendable {
        public var perAccount = 5
        public var perClient = 20
        public var window: TimeInterval = 15 * 60

        public init() {}
    }

    private let limits: Limits
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// When the attempt may be retried, or nil if it may proceed now.
    public func lockedUntil(account: String, client: String, now: Date) -> Date? {
        failures.withLock { table in
            prune(&table, now: now)
            let candidates = [
                unlock(table["a:" + account.lowercased()], limit: limits.perAccount),
                unlock(table["c:" + client], limit: limits.perClient),
            ].compactMap { $0 }
            return candidates.max()
        }
    }

    public func recordFailure(account: String, client: String, now: Date) {
        failures.withLock { table in
            table["a:" + account.lowercased(), default: []].append(now)
            table["c:" + client, default: []].append(now)
        }
    }

    /// Forgets the account's failures after a successful login.
    public func recordSuccess(account: String) {
        _ = failures.withLock { $0.removeValue(forKey: "a:" + account.lowercased()) }
    }

    private func unlock(_ dates: [Date]?, limit: Int) -> Date? {
        guard let dates, dates.count >= limit else { return nil }
        return dates[dates.count - limit].addingTimeInterval(limits.window)
    }

    private func prune(_ table: inout [String: [Date]], now: Date) {
        let horizon = now.addingTimeInterval(-limits.window)
        for (key, dates) in table {
            let recent = dates.filter { $0 > horizon }
            table[key] = recent.isEmpty ? nil : recent
        }
    }
}
