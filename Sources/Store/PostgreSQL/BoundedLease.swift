import PostgresNIO
import Synchronization

extension PostgresClient {
    /// Runs `body` with a connection of the pool, waiting at most `wait` for one.
    ///
    /// The pool itself waits for a connection as long as it takes: while the server refuses connections, a request
    /// stays queued until the pool's circuit breaker trips, 60 s after the first failed attempt, and every request
    /// of a visitor would hold its task that long. Here the wait is bounded: when no connection was lent within
    /// `wait` (the server is down, or every connection stays busy), the lease is given up and
    /// ``StoreError/unavailable(_:)`` thrown, which the portal answers with 503. So is a lease the pool refuses
    /// (its circuit breaker open). Once `body` has its connection, it runs to its end: the query's own budget
    /// bounds it.
    func withConnection<T: Sendable>(
        waitingAtMost wait: Duration, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let lent = LeaseFlag()
        return try await withoutActuallyEscaping(body) { body in
            // The group's children end before this scope does: the closure does not outlive the call.
            let borrowed = BorrowedBody(body)
            return try await withThrowingTaskGroup(of: LeaseOutcome<T>.self) { group in
                group.addTask {
                    do {
                        return .done(
                            try await self.withConnection { connection in
                                // A connection lent after the wait gave up goes back unused: nothing runs that the
                                // caller was told did not.
                                guard lent.lend() else { throw CancellationError() }
                                return try await borrowed.body(connection)
                            })
                    } catch  where !lent.isLent {
                        throw StoreError.unavailable("no database connection: \(PostgreSQLStore.describe(error))")
                    }
                }
                // Not a `Task.sleep`: cancelled once the connection is lent, its timer would still fire at the
                // deadline, one per query, long after the query.
                let expiry = LeaseExpiry()
                let deadline = ContinuousClock.now + wait
                group.addTask {
                    await withTaskCancellationHandler {
                        await expiry.wait(until: deadline)
                    } onCancel: {
                        expiry.end()
                    }
                    return .waited
                }
                while let outcome = try await group.next() {
                    switch outcome {
                    case .done(let value):
                        group.cancelAll()
                        return value
                    case .waited where lent.abandon():
                        group.cancelAll()
                        throw StoreError.unavailable("no database connection within \(wait)")
                    case .waited:
                        continue
                    }
                }
                throw CancellationError()
            }
        }
    }
}

/// What finished first: the body on its connection, or the wait for a connection.
private enum LeaseOutcome<T: Sendable>: Sendable {
    case done(T)
    case waited
}

/// Whether the pool lent the connection in time, or the wait gave up first: whichever comes first decides.
private final class LeaseFlag: Sendable {
    private enum State { case waiting, lent, abandoned }
    private let state = Mutex(State.waiting)

    var isLent: Bool { state.withLock { $0 == .lent } }

    /// The connection is here: true when the wait has not given up.
    func lend() -> Bool { settle(.lent) }

    /// The wait is over: true when no connection was lent.
    func abandon() -> Bool { settle(.abandoned) }

    private func settle(_ outcome: State) -> Bool {
        state.withLock { current in
            guard current == .waiting else { return current == outcome }
            current = outcome
            return true
        }
    }
}

/// The end of one lease's wait: at its deadline (``LeaseDeadlines``), or sooner when the lease is served.
final class LeaseExpiry: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case ended
    }
    private let state = Mutex(State.idle)

    /// Returns at `deadline`, or when ``end()`` is called, whichever comes first.
    func wait(until deadline: ContinuousClock.Instant) async {
        // Registered first: whichever of this wait and ``end()`` comes second takes it off the list.
        LeaseDeadlines.shared.add(self, deadline: deadline)
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> Bool in
                if case .ended = state { return true }
                state = .waiting(continuation)
                return false
            }
            if ended {
                LeaseDeadlines.shared.remove(self)
                continuation.resume()
            }
        }
    }

    /// Ends the wait now (once; later calls do nothing).
    func end() {
        let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state = .ended }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiting?.resume()
        LeaseDeadlines.shared.remove(self)
    }
}

/// The deadlines of the leases still waiting, in the whole process: one task, running while there are any, ends
/// those past their deadline every tenth of a second.
final class LeaseDeadlines: Sendable {
    static let shared = LeaseDeadlines()

    private struct State {
        var waits: [ObjectIdentifier: (expiry: LeaseExpiry, deadline: ContinuousClock.Instant)] = [:]
        var ticking = false
    }
    private let state = Mutex(State())

    func add(_ expiry: LeaseExpiry, deadline: ContinuousClock.Instant) {
        let start = state.withLock { state -> Bool in
            state.waits[ObjectIdentifier(expiry)] = (expiry, deadline)
            defer { state.ticking = true }
            return !state.ticking
        }
        if start { Task { await tick() } }
    }

    func remove(_ expiry: LeaseExpiry) {
        _ = state.withLock { $0.waits.removeValue(forKey: ObjectIdentifier(expiry)) }
    }

    /// How many leases are waiting.
    var count: Int { state.withLock { $0.waits.count } }

    private func tick() async {
        while true {
            try? await Task.sleep(for: .milliseconds(100))
            let now = ContinuousClock.now
            let (expired, more) = state.withLock { state -> ([LeaseExpiry], Bool) in
                let expired = state.waits.values.filter { $0.deadline <= now }.map(\.expiry)
                for expiry in expired { state.waits.removeValue(forKey: ObjectIdentifier(expiry)) }
                state.ticking = !state.waits.isEmpty
                return (expired, state.ticking)
            }
            for expiry in expired { expiry.end() }
            guard more else { return }
        }
    }
}

/// The caller's body, run by a child task of the group that ends before the caller returns.
private struct BorrowedBody<T: Sendable>: @unchecked Sendable {
    let body: (PostgresConnection) async throws -> T
    init(_ body: @escaping (PostgresConnection) async throws -> T) { self.body = body }
}
