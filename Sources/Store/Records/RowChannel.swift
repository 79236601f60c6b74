import Foundation
import ODSQL

/// Hands batches of rows from a database thread to an async consumer, a few at a time: the
/// producer blocks while the consumer is behind, so a long export holds a bounded number of rows
/// in memory whatever the table size, and stops as soon as the consumer gives up, or when its
/// deadline passes while the consumer reads nothing (so a stalled client never holds a database
/// reader past the export's budget).
final class RowChannel: @unchecked Sendable {
    // @unchecked: every mutable property is guarded by `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var batches: [[[SQLValue]]] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiter: CheckedContinuation<Void, Never>?

    init(capacity: Int = 4) {
        self.capacity = capacity
    }

    /// Producer side: queues a batch, waiting while the queue is full, at most until `deadline`. False once
    /// the consumer cancelled or the deadline passed, which tells the producer to stop.
    func put(_ batch: [[SQLValue]], until deadline: Date = .distantFuture) -> Bool {
        condition.lock()
        while batches.count >= capacity && !cancelled {
            if !condition.wait(until: deadline) && batches.count >= capacity { break }
        }
        guard !cancelled, batches.count < capacity else {
            condition.unlock()
            return false
        }
        batches.append(batch)
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
        return true
    }

    /// Producer side: no more batches; `error` if reading failed.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
    }

    /// Consumer side: the producer must stop at its next batch, and a consumer waiting in ``next()``
    /// wakes up with a `CancellationError`.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
    }

    /// Consumer side: the next batch, or nil at the end.
    func next() async throws -> [[SQLValue]]? {
        while true {
            switch poll() {
            case .batch(let batch): return batch
            case .end(let failure):
                if let failure { throw failure }
                return nil
            case .empty:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    if !park(continuation) { continuation.resume() }
                }
            }
        }
    }

    private enum Poll {
        case batch([[SQLValue]])
        case end((any Error)?)
        case empty
    }

    private func poll() -> Poll {
        condition.lock()
        defer { condition.unlock() }
        if cancelled { return .end(CancellationError()) }
        if !batches.isEmpty {
            condition.broadcast()
            return .batch(batches.removeFirst())
        }
        return finished ? .end(failure) : .empty
    }

    /// Keeps `continuation` for the producer to resume, unless there is already something to read.
    private func park(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard batches.isEmpty && !finished && !cancelled else { return false }
        waiter = continuation
        return true
    }
}
