import PostgresNIO
import Testing

@testable import Store

/// The bounded wait for a pooled connection (``PostgresClient/withConnection(waitingAtMost:_:)``): a lease that
/// gets no connection in time is refused, and a served one leaves nothing waiting behind it.
@Suite(.enabled(if: PostgreSQLTestDatabase.serverURL != nil, PostgreSQLTestDatabase.skipReason), .timeLimit(.minutes(1)))
struct PostgreSQLBoundedLeaseTests {
    @Test func aLeaseWithoutAConnectionInTimeIsRefusedAndServedOnesLeaveNoWait() async throws {
        try await PostgreSQLTestDatabase.withStore { _, url in
            let store = try await PostgreSQLStore.open(url: url, poolSize: 1, waitSeconds: 5)
            defer { store.shutdown() }
            for _ in 0..<200 {
                _ = try await store.client.withConnection(waitingAtMost: .seconds(15)) { connection in
                    try await connection.query("SELECT 1", logger: store.logger)
                }
            }
            // A served lease's wait is over at once. (The list is the process's: other suites' leases in flight
            // may be on it, a few at a time, not two hundred.)
            #expect(LeaseDeadlines.shared.count < 100)
            let (held, release) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                try await store.client.withConnection(waitingAtMost: .seconds(15)) { _ in
                    for await _ in held { break }
                }
            }
            // The pool's only connection is held: the next lease waits, then is refused.
            let refused = await #expect(throws: StoreError.self) {
                while true {
                    try await store.client.withConnection(waitingAtMost: .milliseconds(300)) { _ in }
                    try await Task.sleep(for: .milliseconds(20))  // the holder has not leased yet
                }
            }
            guard case .unavailable? = refused else {
                Issue.record("not unavailable: \(String(describing: refused))")
                return
            }
            release.yield()
            try await holder.value
            try await store.client.withConnection(waitingAtMost: .seconds(15)) { _ in }
        }
    }
}
