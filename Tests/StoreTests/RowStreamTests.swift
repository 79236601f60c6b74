import Foundation
import ODSQL
import Testing

@testable import Store

/// The row stream of exports: cut by its budget, stopped by its consumer, and never keeping a reader once it ended.
@Suite struct RowStreamTests {
    /// Counts forever: only the budget or a stop ends it.
    let endless = CompiledQuery(
        sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", bindings: [])
    /// Rows forever, one per step.
    let endlessRows = CompiledQuery(
        sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c", bindings: [])

    /// Every reader of the pool answers at once: none is still held by a stream.
    func expectEveryReaderFree(_ store: SQLiteStore) async throws {
        try await withThrowingTaskGroup(of: [[SQLValue]].self) { group in
            for number in 0..<store.readerCount {
                group.addTask { try await store.rows(CompiledQuery(sql: "SELECT ?", bindings: [.int(Int64(number))])) }
            }
            var answered = 0
            for try await rows in group where rows.count == 1 { answered += 1 }
            #expect(answered == store.readerCount)
        }
    }

    @Test func anExpensiveQueryIsCutByTheExportBudget() async throws {
        try await withTemporaryStore { store, _ in
            let stream = store.rowStream(endless, milliseconds: 50)
            await #expect(throws: QueryTimeoutError(milliseconds: 50)) { _ = try await stream.next() }
            try await expectEveryReaderFree(store)
        }
    }

    @Test func theExportBudgetDefaultsToFiveMinutesAndIsConfigurable() async throws {
        try await withTemporaryStore { store, _ in
            #expect(store.queryBudget.exportMilliseconds == 300_000)
            store.queryBudget.exportMilliseconds = 40
            let stream = store.rowStream(endless)
            await #expect(throws: QueryTimeoutError(milliseconds: 40)) { _ = try await stream.next() }
            store.queryBudget.exportMilliseconds = 0
            #expect(store.queryBudget.exportMilliseconds == 1)
        }
    }

    @Test func aConsumerThatReadsNothingLosesItsReaderAtTheDeadline() async throws {
        try await withTemporaryStore { store, _ in
            // The producer fills its few batches, then waits for a reader that never comes, until the deadline.
            let stream = store.rowStream(endlessRows, milliseconds: 300, batchSize: 10)
            try await Task.sleep(for: .milliseconds(600))
            var rows = 0
            await #expect(throws: QueryTimeoutError(milliseconds: 300)) {
                while let batch = try await stream.next() { rows += batch.count }
            }
            #expect(rows > 0 && rows <= 40)
            try await expectEveryReaderFree(store)
        }
    }

    @Test func cancellingStopsTheQueryAndWakesTheConsumer() async throws {
        try await withTemporaryStore { store, _ in
            let streams = (0..<store.readerCount).map { _ in store.rowStream(endless, milliseconds: 86_400_000) }
            let waiting = Task {
                try await streams[0].next()
            }
            for stream in streams { stream.cancel() }
            await #expect(throws: CancellationError.self) { _ = try await waiting.value }
            try await expectEveryReaderFree(store)
        }
    }

    @Test func aCancelledTaskStopsItsStream() async throws {
        try await withTemporaryStore { store, _ in
            let stream = store.rowStream(endless, milliseconds: 86_400_000)
            let reading = Task { try await stream.next() }
            reading.cancel()
            await #expect(throws: CancellationError.self) { _ = try await reading.value }
            try await expectEveryReaderFree(store)
        }
    }

    @Test func aWholeResultArrivesInBatches() async throws {
        try await withTemporaryStore { store, _ in
            let query = CompiledQuery(
                sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2500) SELECT x FROM c",
                bindings: [])
            var values: [SQLValue] = []
            try await store.streamRows(query, batchSize: 1_000) { batch in values += batch.map { $0[0] } }
            #expect(values == (1...2500).map { SQLValue.int(Int64($0)) })
        }
    }
}
