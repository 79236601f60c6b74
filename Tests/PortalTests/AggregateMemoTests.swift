import Foundation
import ODSQL
import Synchronization
import Testing

@testable import Portal
@testable import Store

/// The memo of aggregate answers: kept per published version and per query, bounded, and never mixing two queries.
@Suite struct AggregateMemoTests {
    static func dataset(table: String?, published: Double) -> Dataset {
        Dataset(
            metadata: DatasetMetadata(id: "gares"), fields: [], recordsCount: 0, created: Date(timeIntervalSince1970: 0),
            modified: Date(timeIntervalSince1970: 0), dataProcessed: Date(timeIntervalSince1970: published), version: 1,
            recordsTable: table)
    }

    static func query(_ sql: String, _ bindings: [SQLValue] = []) -> CompiledQuery {
        CompiledQuery(sql: sql, bindings: bindings, columns: [])
    }

    /// Counts the loads, and answers with the number of the load.
    final class Loader: Sendable {
        let loads = Mutex(0)
        func load(_ query: CompiledQuery) -> [[SQLValue]] {
            let number = loads.withLock { count in
                count += 1
                return count
            }
            return [[.int(Int64(number))]]
        }
    }

    @Test func aSecondAskingIsAnsweredWithoutTheDatabase() async throws {
        let memo = AggregateMemo()
        let loader = Loader()
        let version = Self.dataset(table: "records_gares_v1", published: 10)
        let count = Self.query("SELECT COUNT(*) FROM t WHERE a = ?", [.text("x")])
        #expect(try await memo.rows(of: version, count, load: loader.load) == [[.int(1)]])
        #expect(try await memo.rows(of: version, count, load: loader.load) == [[.int(1)]])
        #expect(loader.loads.withLock { $0 } == 1)
    }

    @Test func aNewVersionOrAnotherQueryIsNeverAnsweredFromAnOldEntry() async throws {
        let memo = AggregateMemo()
        let loader = Loader()
        let count = Self.query("SELECT COUNT(*) FROM t WHERE a = ?", [.text("x")])
        _ = try await memo.rows(of: Self.dataset(table: "records_gares_v1", published: 10), count, load: loader.load)
        // The same table name published again (a dataset deleted, then created and imported again).
        _ = try await memo.rows(of: Self.dataset(table: "records_gares_v1", published: 20), count, load: loader.load)
        _ = try await memo.rows(of: Self.dataset(table: "records_gares_v2", published: 20), count, load: loader.load)
        let version = Self.dataset(table: "records_gares_v2", published: 20)
        _ = try await memo.rows(of: version, Self.query(count.sql, [.text("y")]), load: loader.load)
        _ = try await memo.rows(of: version, Self.query(count.sql, [.int(1)]), load: loader.load)
        _ = try await memo.rows(of: version, Self.query(count.sql, [.double(1)]), load: loader.load)
        #expect(loader.loads.withLock { $0 } == 6)
    }

    @Test func textBindingsCannotPassForTwo() {
        let version = Self.dataset(table: "t", published: 1)
        let first = AggregateMemo.key(version, Self.query("? ?", [.text("a\u{1E}t1:b"), .text("c")]))
        let second = AggregateMemo.key(version, Self.query("? ?", [.text("a"), .text("b\u{1E}t1:c")]))
        #expect(first != second)
    }

    @Test func largeAnswersAreNotKeptAndAFullMemoStartsAgain() async throws {
        let memo = AggregateMemo(capacity: 2)
        let loader = Loader()
        let version = Self.dataset(table: "t", published: 1)
        let large = [[SQLValue]](repeating: [.int(0)], count: AggregateMemo.largestKeptAnswer + 1)
        _ = try await memo.rows(of: version, Self.query("big")) { _ in
            _ = loader.load(Self.query("big"))
            return large
        }
        _ = try await memo.rows(of: version, Self.query("big")) { _ in
            _ = loader.load(Self.query("big"))
            return large
        }
        #expect(loader.loads.withLock { $0 } == 2)
        for sql in ["a", "b", "c"] { _ = try await memo.rows(of: version, Self.query(sql), load: loader.load) }
        _ = try await memo.rows(of: version, Self.query("a"), load: loader.load)  // emptied when "c" came in
        #expect(loader.loads.withLock { $0 } == 6)
    }
}
