import Foundation
import Ingest

/// Reads record batches on a thread of its own while the caller writes them to SQLite, so that
/// parsing and writing use both cores. The reading thread also hashes the record ids and tallies
/// distinct text values, which leaves the writing thread nothing but binding. At most a few
/// batches wait in between, which keeps memory flat whatever the file size.
final class BatchPipeline: @unchecked Sendable {
    // @unchecked: every mutable property is guarded by `condition`, and the reader, hasher and
    // tally are used by the producer thread only, from the moment they are handed over.
    enum Item {
        /// Rows with their record ids, and how far the reader is.
        case rows([[Value]], ids: [String], IngestProgress)
        /// The file is read; the tally of distinct text values is final.
        case end(DistinctTally)
        case failed(any Error)
    }

    private let condition = NSCondition()
    private var items: [Item] = []
    private var stopped = false
    private let capacity: Int
    private let reader: RecordBatchReader
    private var hasher: RecordHasher
    private var tally: DistinctTally

    /// Takes ownership of `reader`: nothing else may use it afterwards.
    init(reader: RecordBatchReader, hasher: RecordHasher, tally: DistinctTally, capacity: Int = 4) {
        self.reader = reader
        self.hasher = hasher
        self.tally = tally
        self.capacity = capacity
    }

    func start() {
        Thread.detachNewThread { [self] in
            do {
                while let batch = try reader.next() {
                    var ids: [String] = []
                    ids.reserveCapacity(batch.rows.count)
                    for row in batch.rows {
                        ids.append(hasher.id(of: row))
                        tally.add(row)
                    }
                    guard put(.rows(batch.rows, ids: ids, reader.progress)) else { return }
                }
                _ = put(.end(tally))
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
