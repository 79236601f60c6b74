import ODSQL
import Store
import Testing

/// SQLite's "integer overflow" (an integer `sum()` past Int64) is the client's query, reported as
/// ``QueryOverflowError`` on both read paths, and the connection stays usable.
@Suite struct QueryOverflowTests {
    /// Two rows of Int64.max: their integer sum overflows inside SQLite.
    let overflowingSum = CompiledQuery(
        sql: "SELECT sum(x) FROM (SELECT ? AS x UNION ALL SELECT ?)",
        bindings: [.int(Int64.max), .int(Int64.max)])

    @Test func anIntegerSumPastInt64IsAnOverflowError() async throws {
        try await withTemporaryStore { store, _ in
            await #expect(throws: QueryOverflowError()) { _ = try await store.rows(overflowingSum) }
            let decimal = CompiledQuery(
                sql: "SELECT sum(x * 1.0) FROM (SELECT ? AS x UNION ALL SELECT ?)",
                bindings: [.int(Int64.max), .int(Int64.max)])
            let sum = try await store.rows(decimal)
            #expect(sum == [[.double(Double(Int64.max) * 2)]])
        }
    }

    @Test func aStreamedIntegerSumPastInt64IsAnOverflowError() async throws {
        try await withTemporaryStore { store, _ in
            let stream = store.rowStream(overflowingSum)
            await #expect(throws: QueryOverflowError()) { _ = try await stream.next() }
            let after = try await store.rows(CompiledQuery(sql: "SELECT 1", bindings: []))
            #expect(after == [[.int(1)]])
        }
    }

    @Test func theCatalogsScratchTableReportsTheOverflowToo() throws {
        let table = try ScratchTable(
            name: "catalog", columns: [("records_count", "INTEGER")], fullText: [],
            rows: [[.int(Int64.max)], [.int(Int64.max)]])
        #expect(throws: QueryOverflowError()) {
            _ = try table.rows(CompiledQuery(sql: "SELECT sum(records_count) FROM catalog", bindings: []))
        }
        #expect(try table.rows(CompiledQuery(sql: "SELECT count(*) FROM catalog", bindings: [])) == [[.int(2)]])
    }
}
