import Foundation
import ODSQL
import Testing

@testable import Store

/// The write-ahead log is truncated once it passes its limit, and a reader of older pages only postpones that.
@Suite struct WriteAheadLogTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// Writes `count` sessions of about 8 KB each, one transaction each, as a busy portal does.
    func writeSessions(_ store: SQLiteStore, from first: Int, count: Int) async throws {
        let payload = String(repeating: "x", count: 8_000)
        for number in first..<first + count {
            try await store.saveSession(
                SessionRecord(key: "session\(number)", data: ["p": payload], expiresAt: now.addingTimeInterval(3_600)))
        }
    }

    @Test func aLogPastItsLimitIsTruncatedAndNothingIsLost() async throws {
        try await withTemporaryStore { store, _ in
            try await writeSessions(store, from: 0, count: 200)
            let before = store.writeAheadLogSize()
            #expect(before > 1 << 20)
            #expect(try await store.compactWriteAheadLog(over: before + 1) == nil)
            #expect(try await store.compactWriteAheadLog(over: 1 << 20) == before)
            #expect(store.writeAheadLogSize() == 0)
            #expect(try await store.session(key: "session199", now: now)?.data["p"]?.count == 8_000)
            try await writeSessions(store, from: 200, count: 1)
            #expect(try await store.session(key: "session200", now: now) != nil)
        }
    }

    @Test func aReaderOfOlderPagesPostponesTheTruncationWithoutStoppingWrites() async throws {
        try await withTemporaryStore { store, _ in
            try await writeSessions(store, from: 0, count: 20)
            // An export that reads one row at a time keeps its snapshot of the log while its client is slow.
            let stream = store.rowStream(
                CompiledQuery(sql: "SELECT key FROM sessions", bindings: []), milliseconds: 60_000, batchSize: 1)
            #expect(try await stream.next()?.count == 1)
            try await writeSessions(store, from: 20, count: 20)
            #expect(try await store.compactWriteAheadLog(over: 1_024) == nil)
            try await writeSessions(store, from: 40, count: 1)
            stream.cancel()
            #expect(try await store.compactWriteAheadLog(over: 1_024) != nil)
            #expect(store.writeAheadLogSize() == 0)
            #expect(try await store.session(key: "session40", now: now) != nil)
        }
    }
}
