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
    /// An async producer waiting for room (see ``put(_:until:)-async``).
    private var producerWaiter: CheckedContinuation<Void, Never>?

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

    /// Producer side, from an async task (the PostgreSQL engine's): as the blocking ``put(_:until:)``, but suspends
    /// instead of holding a thread while the queue is full.
    func put(_ batch: [[SQLValue]], until deadline: Date) async -> Bool {
        // Wakes the producer at the deadline, should the consumer read nothing until then.
        let alarm = Task { [weak self] in
            try? await Task.sleep(for: .seconds(max(0, deadline.timeIntervalSinceNow)))
            self?.wakeProducer()
        }
        defer { alarm.cancel() }
        while true {
            switch offer(batch, until: deadline) {
            case .accepted: return true
            case .refused: return false
            case .full:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    if !parkProducer(continuation, until: deadline) { continuation.resume() }
                }
            }
        }
    }

    private enum Offer {
        case accepted, refused, full
    }

    /// Queues `batch` if there is room; refused once cancelled, or full past the deadline.
    private func offer(_ batch: [[SQLValue]], until deadline: Date) -> Offer {
        condition.lock()
        if cancelled || (batches.count >= capacity && Date() >= deadline) {
            condition.unlock()
            return .refused
        }
        guard batches.count < capacity else {
            condition.unlock()
            return .full
        }
        batches.append(batch)
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
        return .accepted
    }

    /// Keeps `continuation` for the consumer (or the deadline) to resume, unless there is room already.
    private func parkProducer(_ continuation: CheckedContinuation<Void, Never>, until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard batches.count >= capacity && !cancelled && Date() < deadline else { return false }
        producerWaiter = continuation
        return true
    }

    /// Resumes an async producer waiting for room, if any.
    private func wakeProducer() {
        condition.lock()
        let waiting = producerWaiter
        producerWaiter = nil
        condition.unlock()
        waiting?.resume()
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
        let producer = producerWaiter
        producerWaiter = nil
        condition.unlock()
        waiting?.resume()
        producer?.resume()
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
        if cancelled {
            condition.unlock()
            return .end(CancellationError())
        }
        if !batches.isEmpty {
            condition.broadcast()
            let batch = batches.removeFirst()
            let producer = producerWaiter
            producerWaiter = nil
            condition.unlock()
            producer?.resume()
            return .batch(batch)
        }
        let poll: Poll = finished ? .end(failure) : .empty
        condition.unlock()
        return poll
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
