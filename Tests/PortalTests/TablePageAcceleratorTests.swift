import Foundation
import ODSQL
import Testing
import Vocabulary

@testable import Portal
@testable import Store

/// The table tab's page sorted by a numeric field, from the columns (``ColumnAccelerator/pageRowids``): the same
/// records, in the same order, equal values included, as the engine's `ORDER BY … LIMIT … OFFSET …` on a real import
/// (SQLite, and PostgreSQL when `GARONA_TEST_POSTGRES_URL` is set).
@Suite struct TablePageAcceleratorTests {
    /// Searches, refines and filters of the table tab; some select more than a sixteenth of the rows (the page walks
    /// the sorted column), others fewer (the selected rows are sorted).
    static let filters: [(wheres: [String], refines: [String])] = [
        ([#"search("ligne")"#], ["groupe:École"]),
        ([#"search("ligne")"#], []),
        ([], ["groupe:arbre"]),
        ([#"search("ligne")"#, "n = 7"], ["groupe:Zèbre"]),
        (["n >= 10"], []),
        ([#"search("12")"#], []),
        ([], ["groupe:absent"]),
    ]

    /// Every page of every filter and sort: the same values of the sorted field in the same order, and the same
    /// records over all the pages. SQL leaves the order of equal values to its plan, the columns give them in rowid
    /// order: a page boundary that splits the records of one value may split them otherwise.
    @Test func pagesAreThoseOfSQLite() async throws {
        try await ColumnAcceleratorTests.withDataset(Self.checkPages)
    }

    /// Every page of every filter and sort, against the engine of `store` (PostgreSQL's run in
    /// ``ColumnAcceleratorTests/everyAnswerIsPostgreSQLs()``).
    static func checkPages(_ store: any StoreEngine, _ dataset: Dataset, _ compiler: ODSQL.Compiler) async throws {
        let accelerator = try ColumnAcceleratorTests.accelerator(for: store)
        let select = "`nom`, `groupe`, `n`, `x`"
        let unfiltered = try compiler.records(ODSQL.QueryText(select: select), limit: 1)
        var pages = 0
        for filter in Self.filters {
            var text = ODSQL.QueryText(where: filter.wheres)
            text.refines = filter.refines
            let count = try compiler.count(text)
            text.select = select
            for (field, position, descending) in [("n", 2, true), ("n", 2, false), ("x", 3, true), ("x", 3, false)] {
                text.orderBy = "`\(field)`" + (descending ? " DESC" : " ASC")
                var (fastRows, sqlRows): ([[SQLValue]], [[SQLValue]]) = ([], [])
                for offset in stride(from: 0, through: 1_500, by: 20) {
                    let page = try compiler.records(text, limit: 20, offset: offset)
                    let rowids = try await accelerator.pageRowids(
                        of: dataset, filter: count, column: field, descending: descending, offset: offset, limit: 20,
                        load: store.rows)
                    let fast = try await rowids.asyncMap {
                        try await accelerator.rows($0, of: dataset, select: unfiltered, page: page, load: store.rows)
                    }
                    let sql = try await store.rows(page)
                    #expect(fast != nil, "not answered: \(filter) \(text.orderBy) \(offset)")
                    #expect(fast?.map { $0[position] } == sql.map { $0[position] }, "\(filter) \(text.orderBy) \(offset)")
                    fastRows += fast ?? []
                    sqlRows += sql
                    pages += 1
                    if sql.count < 20 { break }
                }
                // Over all the pages, every selected record once. (PostgreSQL can order equal values otherwise
                // from one page to the next, so its pages can repeat one and miss another: all the records are
                // asked in one query.)
                let all = try await store.rows(try compiler.records(text, limit: nil))
                let byName = { (rows: [[SQLValue]]) in rows.map { "\($0)" }.sorted() }
                #expect(byName(fastRows) == byName(all), "\(filter) \(text.orderBy)")
                #expect(fastRows.count == sqlRows.count)
            }
        }
        #expect(pages > Self.filters.count * 4 * 2)
        try await checkPagesInRowOrder(store, dataset, compiler)
    }

    /// Pages without a sort: SQLite's plan reads a search's matches in rowid order, and so do the columns, page for
    /// page, under a search and other conditions (a search alone, or no search, is SQLite's). On PostgreSQL, every
    /// filtered page comes from the columns, in `_row` order, which is the order of the table's pages here (no
    /// vector was filled after the `COPY`).
    static func checkPagesInRowOrder(_ store: any StoreEngine, _ dataset: Dataset, _ compiler: ODSQL.Compiler)
        async throws
    {
        let accelerator = try ColumnAcceleratorTests.accelerator(for: store)
        let select = "`nom`, `groupe`, `n`, `x`"
        let unfiltered = try compiler.records(ODSQL.QueryText(select: select), limit: 1)
        let isSQLite = store.dialect is SQLiteDialect
        for filter in Self.filters {
            var text = ODSQL.QueryText(select: select, where: filter.wheres)
            text.refines = filter.refines
            let count = try compiler.count(text)
            let search = filter.wheres.contains { $0.hasPrefix("search") }
            let answered = !isSQLite || (search && (filter.wheres.count > 1 || !filter.refines.isEmpty))
            // An aggregate of the same records is not read in row order.
            var aggregate = text
            aggregate.select = "count(*) as c"
            #expect(!ColumnAccelerator.readsMatchesFirst(try compiler.records(aggregate, limit: 10)))
            #expect(try !compiler.listsRecordsUnordered(aggregate) && compiler.listsRecordsUnordered(text))
            for (offset, limit) in [(0, 10), (0, 1), (7, 20), (40, 100), (5_000, 10)] {
                let page = try compiler.records(text, limit: limit, offset: offset)
                let rowids = try await accelerator.pageRowids(
                    of: dataset, filter: count, column: nil, descending: false, offset: offset, limit: limit,
                    load: store.rows)
                #expect(ColumnAccelerator.readsMatchesFirst(page) == (isSQLite && search), "\(page.sql)")
                guard answered else {
                    #expect(rowids == nil, "\(filter)")
                    continue
                }
                let fast = try await rowids.asyncMap {
                    try await accelerator.rows($0, of: dataset, select: unfiltered, page: page, load: store.rows)
                }
                #expect(fast == (try await store.rows(page)), "\(filter) \(offset) \(limit)")
            }
        }
    }

    /// The table tab asks the columns for its page in both directions, on both engines' SQL.
    @Test func theTableTabRecognisesItsSortInBothDirections() throws {
        let schema = ODSQL.Schema(fields: [.init(name: "nom", type: .text), .init(name: "n", type: .int)])
        let layout = TableLayout(recordsTable: "t")
        for dialect in [SQLiteDialect(), PostgreSQLDialect()] as [any SQLDialect] {
            let compiler = ODSQL.Compiler(schema: schema, layout: layout, dialect: dialect, options: .init(now: Date()))
            for descending in [true, false] {
                let text = ODSQL.QueryText(select: "nom, n", where: [#"search("a")"#], orderBy: descending ? "n DESC" : "n ASC")
                let page = try compiler.records(text, limit: 20, offset: 40)
                #expect(DatasetPageController.sortsAsTheColumns(page, descending: descending), "\(page.sql)")
                #expect(!DatasetPageController.sortsAsTheColumns(page, descending: !descending), "\(page.sql)")
            }
        }
    }

    @Test func aTextSortIsLeftToTheEngine() async throws {
        try await ColumnAcceleratorTests.withDataset { store, dataset, compiler in
            let count = try compiler.count(ODSQL.QueryText(refines: ["groupe:arbre"]))
            let rowids = try await ColumnAcceleratorTests.accelerator(for: store).pageRowids(
                of: dataset, filter: count, column: "nom", descending: false, offset: 0, limit: 20, load: store.rows)
            #expect(rowids == nil)
        }
    }

    @Test func theMatchesOfASearchAreReadOnce() async throws {
        try await ColumnAcceleratorTests.withDataset(Self.checkMatchesAreReadOnce)
    }

    static func checkMatchesAreReadOnce(_ store: any StoreEngine, _ dataset: Dataset, _ compiler: ODSQL.Compiler)
        async throws
    {
        let accelerator = try ColumnAcceleratorTests.accelerator(for: store)
        let reads = Counter()
        let load: (CompiledQuery) async throws -> [[SQLValue]] = { query in
            // The accelerator's own queries: columns, and the matches of a search (SQLite's or PostgreSQL's).
            if query.sql.contains("MATCH") || query.sql.contains("@@") { reads.add() }
            return try await store.rows(query)
        }
        var text = ODSQL.QueryText(where: [#"search("ligne")"#])
        text.refines = ["groupe:École"]
        _ = try await accelerator.rows(of: dataset, try compiler.count(text), load: load)
        _ = try await accelerator.rows(of: dataset, try compiler.facet(text, field: "groupe"), load: load)
        _ = try await accelerator.pageRowids(
            of: dataset, filter: try compiler.count(text), column: "n", descending: true, offset: 0, limit: 20,
            load: load)
        #expect(reads.value == 1)
    }
}

/// Counts calls from a closure.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

extension Optional {
    /// The wrapped value transformed by an async function, or nil.
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
