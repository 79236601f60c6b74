import Foundation
import Ingest
import NIOCore

/// Hands encoded COPY data from an import thread (which parses, hashes and encodes) to the async task that writes
/// it to PostgreSQL, a few buffers at a time: the import thread blocks while the writer is behind, so memory stays
/// flat whatever the file size, and stops as soon as the writer gives up.
final class CopyFeed: @unchecked Sendable {
    // @unchecked: every mutable property is guarded by `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var buffers: [ByteBuffer] = []
    private var finished = false
    private var closed = false
    private var failure: (any Error)?
    private var ending: (tally: DistinctTally, records: Int)?
    private var waiter: CheckedContinuation<Void, Never>?

    /// A feed holding at most `capacity` buffers.
    init(capacity: Int = 4) {
        self.capacity = capacity
    }

    /// Import thread: queues a buffer, waiting while the queue is full. False once the writer gave up.
    func put(_ buffer: ByteBuffer) -> Bool {
        condition.lock()
        while buffers.count >= capacity && !closed { condition.wait() }
        guard !closed else {
            condition.unlock()
            return false
        }
        buffers.append(buffer)
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
        return true
    }

    /// Import thread: the file is read (`tally` of its text values, `records` written), or reading failed.
    func finish(_ result: Result<(tally: DistinctTally, records: Int), any Error>) {
        condition.lock()
        finished = true
        switch result {
        case .success(let end): ending = end
        case .failure(let error): failure = error
        }
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
    }

    /// Writer: gives up (the COPY failed); the import thread stops at its next buffer.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Writer: the next buffer, or nil once the file is read. Throws the import thread's failure.
    func next() async throws -> ByteBuffer? {
        while true {
            switch try poll() {
            case .buffer(let buffer): return buffer
            case .end: return nil
            case .empty: break
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                condition.lock()
                if buffers.isEmpty && !finished {
                    waiter = continuation
                    condition.unlock()
                } else {
                    condition.unlock()
                    continuation.resume()
                }
            }
        }
    }

    /// Writer, after the last buffer: what the import thread reported at the end.
    var end: (tally: DistinctTally, records: Int)? {
        condition.lock()
        defer { condition.unlock() }
        return ending
    }

    private enum Poll {
        case buffer(ByteBuffer)
        case end
        case empty
    }

    /// The next buffer, the end, or nothing yet.
    private func poll() throws -> Poll {
        condition.lock()
        defer { condition.unlock() }
        if !buffers.isEmpty {
            condition.broadcast()
            return .buffer(buffers.removeFirst())
        }
        guard finished else { return .empty }
        if let failure { throw failure }
        return .end
    }
}

/// Waits, on the calling thread (an import thread, never one of Swift's cooperative pool), for an async operation
/// started on the pool: the bridge from the synchronous ``DatasetPublisher`` methods to postgres-nio.
enum BlockingWait {
    /// Runs `operation` in a task and blocks until it returns or throws.
    static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome<T>()
        Task {
            outcome.set(await Result { try await operation() })
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }

    /// The result, written by the task before it signals and read after the wait.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        // @unchecked: written once before the semaphore is signalled, read after waiting on it.
        private var result: Result<T, any Error>?

        func set(_ result: Result<T, any Error>) { self.result = result }

        func get() throws -> T {
            guard let result else { throw CancellationError() }
            return try result.get()
        }
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    init(_ body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
