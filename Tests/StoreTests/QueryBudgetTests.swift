import Foundation
import ODSQL
import Store
import Testing

/// The per-query time budget and the shape predicates registered on every connection.
@Suite struct QueryBudgetTests {
    /// Counts forever: only the budget stops it.
    let endless = CompiledQuery(
        sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", bindings: [])

    @Test func aQueryOverBudgetIsInterruptedAndTheConnectionsStayUsable() async throws {
        try await withTemporaryStore { store, _ in
            store.queryBudget.milliseconds = 1
            for _ in 0..<3 {
                await #expect(throws: QueryTimeoutError(milliseconds: 1)) { _ = try await store.rows(endless) }
            }
            store.queryBudget.milliseconds = 5_000
            for number in 0..<8 {
                let rows = try await store.rows(CompiledQuery(sql: "SELECT ? + 1", bindings: [.int(Int64(number))]))
                #expect(rows == [[.int(Int64(number) + 1)]])
            }
            #expect(try await store.userCount() == 0)
        }
    }

    @Test func queriesRunningAtTheSameTimeEachGetTheirOwnDeadline() async throws {
        try await withTemporaryStore { store, _ in
            store.queryBudget.milliseconds = 1
            let endless = self.endless
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        await #expect(throws: QueryTimeoutError(milliseconds: 1)) { _ = try await store.rows(endless) }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func theBudgetIsAtLeastOneMillisecond() async throws {
        try await withTemporaryStore { store, _ in
            #expect(store.queryBudget.milliseconds == 5_000)
            store.queryBudget.milliseconds = 0
            #expect(store.queryBudget.milliseconds == 1)
        }
    }

    // MARK: Shape predicates

    static let square = #"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]]]}"#
    static let squareWithHole =
        #"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[3,1],[3,3],[1,3],[1,1]]]}"#

    func predicate(_ name: String, _ shape: String?, _ other: String?, in store: SQLiteStore) async throws -> SQLValue {
        let bindings: [SQLValue] = [shape.map(SQLValue.text) ?? .null, other.map(SQLValue.text) ?? .null]
        return try await store.rows(CompiledQuery(sql: "SELECT \(name)(?, ?)", bindings: bindings)).first?.first ?? .null
    }

    @Test(arguments: [
        (#"{"type":"Point","coordinates":[2,2]}"#, square, 1),
        (#"{"type":"Point","coordinates":[4,2]}"#, square, 1),
        (#"{"type":"Point","coordinates":[5,2]}"#, square, 0),
        (#"{"type":"Point","coordinates":[2,2]}"#, squareWithHole, 0),
        (#"{"type":"LineString","coordinates":[[-1,2],[5,2]]}"#, square, 1),
        (#"{"type":"LineString","coordinates":[[5,5],[6,6]]}"#, square, 0),
        (#"{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}"#, square, 1),
        (#"{"type":"Polygon","coordinates":[[[-2,-2],[9,-2],[9,9],[-2,-2]]]}"#, square, 1),
        (#"{"type":"MultiPoint","coordinates":[[9,9],[3,3]]}"#, square, 1),
        (#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,1]},"properties":{}}"#, square, 1),
        (#"{"type":"Point","coordinates":[1,1]}"#, #"{"type":"Point","coordinates":[1,1]}"#, 1),
    ])
    func intersects(shape: String, other: String, expected: Int) async throws {
        try await withTemporaryStore { store, _ in
            let value = try await predicate("garona_intersects", shape, other, in: store)
            #expect(value == .int(Int64(expected)))
        }
    }

    @Test(arguments: [
        (#"{"type":"Point","coordinates":[2,2]}"#, square, 1),
        (#"{"type":"Point","coordinates":[5,2]}"#, square, 0),
        (#"{"type":"Point","coordinates":[2,2]}"#, squareWithHole, 0),
        (#"{"type":"Point","coordinates":[0.5,2]}"#, squareWithHole, 1),
        (#"{"type":"LineString","coordinates":[[1,1],[3,3]]}"#, square, 1),
        (#"{"type":"LineString","coordinates":[[1,1],[5,3]]}"#, square, 0),
        (#"{"type":"LineString","coordinates":[[0.5,0.5],[3.5,3.5]]}"#, squareWithHole, 0),
        (#"{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}"#, square, 1),
        (square, #"{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}"#, 0),
    ])
    func within(shape: String, other: String, expected: Int) async throws {
        try await withTemporaryStore { store, _ in
            let value = try await predicate("garona_within", shape, other, in: store)
            #expect(value == .int(Int64(expected)))
        }
    }

    @Test func shapePredicatesAreNullOnNullOrMalformedGeoJSON() async throws {
        try await withTemporaryStore { store, _ in
            for bad in [nil, "", "not json", #"{"type":"Polygon","coordinates":[[["a"]]]}"#, #"{"type":"Circle"}"#, "[1,2]"] {
                let intersects = try await predicate("garona_intersects", bad, Self.square, in: store)
                let within = try await predicate("garona_within", Self.square, bad, in: store)
                #expect(intersects == .null && within == .null)
            }
        }
    }
}
