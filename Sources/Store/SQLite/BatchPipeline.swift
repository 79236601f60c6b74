import Foundation
import Ingest

/// Reads record batches on a thread of its own while the caller writes them to SQLite, so that
/// parsing and writing use both cores. At most a few batches wait in between, which keeps
/// memory flat whatever the file size.
final class BatchPipeline: @unchecked Sendable {
    // @unchecked: every mutable property is guarded by `condition`, and the reader is used by
    // the producer thread only, from the moment it is handed over.
    enum Item {
        case rows([[Value]], IngestProgress)
        case end
        case failed(any Error)
    }

    private let condition = NSCondition()
    private var items: [Item] = []
    private var stopped = false
    private let capacity: Int
    private let reader: RecordBatchReader

    /// Takes ownership of `reader`: nothing else may use it afterwards.
    init(reader: RecordBatchReader, capacity: Int = 4) {
        self.reader = reader
        self.capacity = capacity
    }

    func start() {
        Thread.detachNewThread { [self] in
            do {
                while let batch = try reader.next() {
                    guard put(.rows(batch.rows, reader.progress)) else { return }
                }
                _ = put(.end)
            } catch {
                _ = put(.failed(error))
            }
        }
    }

    /// The next item, waiting for the reader if needed.
    func take() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Stops the reader at its next batch (after a write failed).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !stopped { condition.wait() }
        guard !stopped else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }
}
