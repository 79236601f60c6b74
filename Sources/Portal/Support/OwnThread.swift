import Foundation

/// Runs blocking `work` (a publication, which waits on the database for as long as it takes) on a thread of its
/// own, and waits for it without holding one of the few threads of Swift's cooperative pool: on two cores, a
/// blocked pool thread is half of the server, and a PostgreSQL publication blocked there waits for tasks that need
/// the same pool.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
