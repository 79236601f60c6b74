import Foundation
import Synchronization

/// Slows down password guessing: too many failed logins lock an account, and a client address,
/// for a while; and few passwords are checked at once, so that bcrypt cannot be used to burn the CPU.
///
/// An account allows 5 failures per 15 minutes and a client address 20, whatever the usernames
/// tried. Every attempt is counted as a failure before its password is checked (``reserve(account:client:now:)``)
/// and forgiven if it succeeds, so parallel attempts cannot get more tries than the limit; a locked attempt is
/// refused before the password is even checked, so a correct guess during the lock teaches nothing.
/// Checks run at most 1 at a time per account and one per processor overall (``enterCheck(account:)``).
/// The state is in memory: a restart forgets it.
public final class LoginThrottle: Sendable {
    /// The limits of the throttle.
    public struct Limits: Sendable {
        public var perAccount = 5
        public var perClient = 20
        public var window: TimeInterval = 15 * 60
        /// Password checks running at once for one account.
        public var checksPerAccount = 1
        /// Password checks running at once in the whole process.
        public var checksOverall = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// Failures remembered at most: past it, the oldest are forgotten first, so memory stays bounded under a
        /// flood from many addresses.
        public var remembered = 200_000
        /// How long an attempt waits for a check to free before it is refused.
        public var checkWait: Duration = .seconds(3)

        public init() {}
    }

    /// The answer to an attempt: go on and check the password (its failure is already counted), or retry later.
    public enum Admission: Sendable, Equatable {
        case admitted(Reservation)
        case locked(until: Date)
    }

    /// One attempt counted in advance, to forgive with ``release(_:)`` when the password is right.
    public struct Reservation: Sendable, Equatable {
        let account: String
        let client: String
        let date: Date
    }

    private struct State {
        var failures: [String: [Date]] = [:]
        /// Every counted failure (key, date) in the order it was counted, which is also the order in which they
        /// expire: pruning looks at the front only, whatever the number of accounts and addresses tried.
        var order: [(key: String, date: Date)] = []
        var head = 0
        var checks: [String: Int] = [:]
        var checksOverall = 0

        mutating func count(_ key: String, at date: Date) {
            failures[key, default: []].append(date)
            order.append((key, date))
        }

        /// Forgets the failures counted at or before `horizon`, and the oldest ones beyond `capacity` failures.
        mutating func prune(before horizon: Date, capacity: Int) {
            while head < order.count, order[head].date <= horizon || order.count - head > capacity {
                let (key, date) = order[head]
                if var dates = failures[key], let index = dates.firstIndex(of: date) {
                    dates.remove(at: index)
                    failures[key] = dates.isEmpty ? nil : dates
                }
                head += 1
            }
            if head > 0 && head * 2 >= order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// When the attempt may be retried, or nil if it may proceed now. Counts nothing.
    public func lockedUntil(account: String, client: String, now: Date) -> Date? {
        state.withLock { state in
            state.prune(before: now.addingTimeInterval(-limits.window), capacity: limits.remembered)
            return lock(in: state.failures, account: Self.accountKey(account), client: Self.clientKey(client))
        }
    }

    /// Atomically checks the lock and, unless locked, counts the attempt as a failure of the account and the client.
    public func reserve(account: String, client: String, now: Date) -> Admission {
        let accountKey = Self.accountKey(account)
        let clientKey = Self.clientKey(client)
        return state.withLock { state in
            state.prune(before: now.addingTimeInterval(-limits.window), capacity: limits.remembered)
            if let until = lock(in: state.failures, account: accountKey, client: clientKey) { return .locked(until: until) }
            state.count(accountKey, at: now)
            state.count(clientKey, at: now)
            return .admitted(Reservation(account: accountKey, client: clientKey, date: now))
        }
    }

    /// Forgives a reserved attempt whose password was right: the account's failures are forgotten, and the
    /// client's counted attempt too.
    public func release(_ reservation: Reservation) {
        state.withLock { state in
            state.failures[reservation.account] = nil
            if var dates = state.failures[reservation.client], let index = dates.lastIndex(of: reservation.date) {
                dates.remove(at: index)
                state.failures[reservation.client] = dates.isEmpty ? nil : dates
            }
        }
    }

    /// Takes a password check for `account`, waiting up to ``Limits/checkWait`` while the account's or the
    /// process's checks are all running; false when none freed in time. Every true must be matched by one
    /// ``leaveCheck(account:)``.
    public func enterCheck(account: String) async -> Bool {
        let key = Self.accountKey(account)
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limits.checkWait)
        while !Task.isCancelled {
            let taken = state.withLock { state in
                guard state.checks[key, default: 0] < limits.checksPerAccount,
                    state.checksOverall < limits.checksOverall
                else { return false }
                state.checks[key, default: 0] += 1
                state.checksOverall += 1
                return true
            }
            if taken { return true }
            guard clock.now < end else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Gives back a check taken with ``enterCheck(account:)``.
    public func leaveCheck(account: String) {
        let key = Self.accountKey(account)
        state.withLock { state in
            let left = state.checks[key, default: 1] - 1
            state.checks[key] = left > 0 ? left : nil
            state.checksOverall = max(0, state.checksOverall - 1)
        }
    }

    /// Failures remembered now, all keys together (for tests).
    var rememberedFailures: Int { state.withLock { $0.failures.values.reduce(0) { $0 + $1.count } } }

    /// Checks running now, for `account` and overall (for tests).
    func runningChecks(account: String) -> (account: Int, overall: Int) {
        state.withLock { ($0.checks[Self.accountKey(account), default: 0], $0.checksOverall) }
    }

    private static func accountKey(_ account: String) -> String { "a:" + account.lowercased() }
    private static func clientKey(_ client: String) -> String { "c:" + client }

    private func lock(in failures: [String: [Date]], account: String, client: String) -> Date? {
        [unlock(failures[account], limit: limits.perAccount), unlock(failures[client], limit: limits.perClient)]
            .compactMap { $0 }.max()
    }

    private func unlock(_ dates: [Date]?, limit: Int) -> Date? {
        guard let dates, dates.count >= limit else { return nil }
        return dates[dates.count - limit].addingTimeInterval(limits.window)
    }
}
