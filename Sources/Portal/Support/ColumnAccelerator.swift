import Foundation
import ODSQL
import Store
import Synchronization

/// Answers totals, facet counts and `group_by` aggregates of a published version from its columns held in memory,
/// scanned in tight loops, instead of asking the engine to walk an index and fetch each row.
///
/// A published version never changes, so a column read once serves until the next publication, with no
/// invalidation: columns are keyed by the records table and its publication time, as ``AggregateMemo`` keys its
/// answers. A column is read on first use, in the order of its row numbers, in pages of ``pageSize`` rows through the
/// engine itself (nothing but SQL, so the page queries work on either engine's compiled SQL path); numbers as 64-bit
/// arrays, text as codes into a dictionary of its distinct values. A total under a full-text search reads the matches from the
/// full-text index, then tests them on the columns. Only what gives exactly the SQL answer is answered here (see
/// ``AggregateShape`` and ``ColumnScan``): anything else, a column of mixed types, or an answer that could differ in
/// the last digit (the sum of reals, whose value depends on the order of addition), returns nil and the engine
/// answers. The columns held stay under ``budget`` bytes: past it, the accelerator starts again empty.
///
/// It reads the SQL of either engine (``AcceleratedEngine``). `GARONA_FAST_AGGREGATES=0` turns it off, for
/// comparison.
final class ColumnAccelerator: Sendable {
    /// Rows per page when a column is read.
    static let pageSize: Int64 = 50_000
    /// The most distinct values of a text column kept as codes.
    static let largestDictionary = 65_535

    /// The most rows of full-text matches kept (4 bytes each), all searches together: 8 MB on SQLite, where they
    /// serve the pages that also filter or sort, and 32 MB on PostgreSQL, where they also give a search's total and
    /// its pages in row order (the matches of 159 words of the benchmark's 1,000,000 records are 7.7 million rows).
    static func keptMatches(_ engine: AcceleratedEngine) -> Int {
        engine == .postgres ? 8_000_000 : 2_000_000
    }

    private let budget: Int
    /// The engine whose SQL is read and asked.
    let engine: AcceleratedEngine
    private let state = Mutex<State>(State())
    /// Recent full-text matches, by version, index and query.
    private let matchSets: Mutex<KeptMatches>

    private struct State {
        var columns: [String: Task<LoadedColumn?, Never>] = [:]
        var bytes = 0
    }

    init(budget: Int = 96 << 20, engine: AcceleratedEngine = .sqlite) {
        self.budget = budget
        self.engine = engine
        matchSets = Mutex(KeptMatches(limit: Self.keptMatches(engine)))
    }

    /// Whether the environment leaves the accelerator on (`GARONA_FAST_AGGREGATES` other than `0`, `off`, `false`).
    static var isEnabled: Bool {
        let value = ProcessInfo.processInfo.environment["GARONA_FAST_AGGREGATES"]?.lowercased() ?? ""
        return !["0", "off", "false", "no"].contains(value)
    }

    /// The rows of `query` on `dataset`, computed from its columns, or nil when the engine must answer.
    func rows(
        of dataset: Dataset, _ query: CompiledQuery, load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> [[SQLValue]]? {
        guard let shape = AggregateShape(query, engine: engine), var scan = try await scan(shape, of: dataset, load: load) else {
            return nil
        }
        return scan.answer()
    }

    /// A scan of `shape` over the columns it reads and `more`, its candidates narrowed to the full-text matches;
    /// nil when a column cannot be held or the shape reads another table.
    func scan(
        _ shape: AggregateShape, of dataset: Dataset, more: [String] = [],
        load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> ColumnScan? {
        guard let table = dataset.recordsTable, shape.table == table else { return nil }
        let version = table + "\u{1E}" + String(dataset.dataProcessed?.timeIntervalSince1970 ?? 0)
        var columns: [String: ColumnData] = [:]
        var sorted: [String: SortedIndex] = [:]
        for name in shape.columns + more where columns[name] == nil {
            guard let column = try await column(name, table: table, version: version, load: load) else { return nil }
            columns[name] = column.data
            sorted[name] = column.sorted
        }
        var scan = ColumnScan(shape: shape, columns: columns)
        scan.sorted = sorted
        // On PostgreSQL, a search alone reads no column: its rows are its matches (see ``ColumnScan/answer()``).
        if engine == .postgres { scan.recordsCount = dataset.recordsCount }
        let rowCount = columns.values.first?.count ?? scan.recordsCount
        for case .fullText(let index, let search) in shape.conditions
        where !isImpliedSearch(index, search, by: shape.conditions, table: table) {
            guard let rowCount,
                let matches = try await matches(
                    index, search, table: table, version: version, rowCount: rowCount, load: load)
            else { return nil }
            scan.candidates = scan.candidates.map { Self.intersection($0, matches) } ?? matches
        }
        return scan
    }

    /// Whether the search `query` in the record's vector `index` is implied by the same search in one field's vector
    /// (PostgreSQL asks both, and ``AcceleratedEngine/matches(_:table:)`` reads the field's through the record's).
    private func isImpliedSearch(
        _ index: String, _ query: SQLValue, by conditions: [AggregateShape.Condition], table: String
    ) -> Bool {
        guard engine == .postgres, index == TableLayout(recordsTable: table).searchVectorColumn else { return false }
        return conditions.contains { condition in
            if case .fullText(let other, let same) = condition { other != index && same == query } else { false }
        }
    }

    /// The matches of a full-text query on a version, kept for the next queries of the same page or search (its
    /// total, each facet, its page): the most recently used sets, at most ``keptMatches(_:)`` rows in all.
    private func matches(
        _ index: String, _ query: SQLValue, table: String, version: String, rowCount: Int,
        load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> [Int32]? {
        let sql = engine.matches(index, table: table)
        let key = AggregateMemo.key(version, CompiledQuery(sql: sql, bindings: [query]))
        if let found = matchSets.withLock({ $0.set(key) }) { return found }
        guard let found = try await Self.matches(sql, query, engine: engine, rowCount: rowCount, load: load) else { return nil }
        matchSets.withLock { $0.keep(found, as: key) }
        return found
    }

    private func column(
        _ name: String, table: String, version: String, load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> LoadedColumn? {
        let key = version + "\u{1E}" + name
        if let task = state.withLock({ $0.columns[key] }) { return await task.value }
        // The first request reads the column; the others wait for it. `load` is not Sendable, so the reading runs
        // here and its result is handed to the waiting task through a continuation.
        let (stream, continuation) = AsyncStream.makeStream(of: LoadedColumn?.self)
        let task = Task<LoadedColumn?, Never> {
            for await column in stream { return column }
            return nil
        }
        let isFirst = state.withLock { state -> Bool in
            if state.columns[key] != nil { return false }
            state.columns[key] = task
            return true
        }
        guard isFirst else {
            continuation.finish()
            return await state.withLock({ $0.columns[key] })?.value
        }
        var column: LoadedColumn?
        do {
            column = try await Self.read(engine.columnPage(name, table: table), load: load).map(LoadedColumn.init)
        } catch {
            state.withLock { _ = $0.columns.removeValue(forKey: key) }
            continuation.yield(nil)
            continuation.finish()
            throw error
        }
        continuation.yield(column)
        continuation.finish()
        let size = column?.bytes ?? 0
        state.withLock { state in
            if state.bytes + size > budget {
                state.columns = state.columns.filter { $0.key == key }
                state.bytes = 0
            }
            state.bytes += size
        }
        return column
    }

    /// The rows a full-text query matches, asked with `sql` (``AcceleratedEngine/matches(_:table:)``), in row order;
    /// row number n is row n - 1 (see ``read``). Nil when the answer is not of that query's shape or a number is out
    /// of the table's range.
    static func matches(
        _ sql: String, _ query: SQLValue, engine: AcceleratedEngine, rowCount: Int,
        load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> [Int32]? {
        guard let numbers = engine.rowNumbers(ofMatches: try await load(CompiledQuery(sql: sql, bindings: [query])))
        else { return nil }
        var rows: [Int32] = []
        rows.reserveCapacity(numbers.count)
        for rowid in numbers {
            guard rowid >= 1, rowid <= rowCount else { return nil }
            rows.append(Int32(rowid - 1))
        }
        rows.sort()
        return rows
    }

    /// The rows in both sorted lists.
    static func intersection(_ first: [Int32], _ second: [Int32]) -> [Int32] {
        var rows: [Int32] = []
        var (i, j) = (0, 0)
        while i < first.count && j < second.count {
            if first[i] == second[j] {
                rows.append(first[i])
                i += 1
                j += 1
            } else if first[i] < second[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return rows
    }

    /// Reads a whole column in row order, page by page, with `sql` (``AcceleratedEngine/columnPage(_:table:)``).
    /// The records table of a published version is written once, row after row, so its rows are numbered from 1
    /// without a gap: any other table is left to the engine (nil), and row `i` of every column is the record
    /// numbered `i + 1`.
    static func read(_ sql: String, load: (CompiledQuery) async throws -> [[SQLValue]]) async throws -> ColumnData? {
        var builder = ColumnBuilder()
        var last = Int64.min
        while true {
            let page = try await load(CompiledQuery(sql: sql, bindings: [.int(last), .int(pageSize)]))
            for row in page {
                guard row.count == 2, case .int(let rowid) = row[0], rowid == Int64(builder.count) + 1 else { return nil }
                last = rowid
                guard builder.append(row[1]) else { return nil }
            }
            if page.count < pageSize { break }
        }
        return builder.finish()
    }
}

/// A column as the accelerator keeps it: its values, and for integers the rows in the order of their values.
struct LoadedColumn: Sendable {
    let data: ColumnData
    let sorted: SortedIndex?

    init(_ data: ColumnData) {
        self.data = data
        if case .int(let values, let valid) = data { sorted = SortedIndex(values, valid: valid) } else { sorted = nil }
    }

    var bytes: Int { data.bytes + (sorted?.bytes ?? 0) }
}

/// The rows of an integer column that are not NULL, in the order of their values (then of the rows): the rows
/// between two bounds are a slice, found by binary search, so a range is neither scanned nor compared row by row.
struct SortedIndex: Sendable {
    /// Row numbers, by value.
    let rows: [Int32]
    /// The value of each of `rows`.
    let values: [Int64]

    init(_ all: [Int64], valid: [Bool]?) {
        var rows = (0..<Int32(clamping: all.count)).filter { valid?[Int($0)] ?? true }
        all.withUnsafeBufferPointer { all in
            rows.sort { all[Int($0)] != all[Int($1)] ? all[Int($0)] < all[Int($1)] : $0 < $1 }
        }
        self.rows = rows
        values = rows.map { all[Int($0)] }
    }

    var bytes: Int { rows.count * 12 }

    /// The first position whose value is at least `bound` (`strictly`: greater than `bound`).
    func position(after bound: Int64, strictly: Bool) -> Int {
        var (low, high) = (0, values.count)
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < bound || (strictly && values[middle] == bound) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A column of a published version in memory: one value per row, in rowid order.
enum ColumnData: Sendable {
    /// Integers; `valid[i]` false for NULL (nil when no value is NULL).
    case int([Int64], valid: [Bool]?)
    case double([Double], valid: [Bool]?)
    /// Codes into `dictionary`, 0 for NULL (value `c` is `dictionary[c - 1]`).
    case text([UInt16], dictionary: [String])
    /// Every value is NULL.
    case null(count: Int)

    var count: Int {
        switch self {
        case .int(let values, _): values.count
        case .double(let values, _): values.count
        case .text(let codes, _): codes.count
        case .null(let count): count
        }
    }

    /// About the memory it holds.
    var bytes: Int {
        switch self {
        case .int(let values, let valid): values.count * 8 + (valid?.count ?? 0)
        case .double(let values, let valid): values.count * 8 + (valid?.count ?? 0)
        case .text(let codes, let dictionary): codes.count * 2 + dictionary.reduce(0) { $0 + $1.utf8.count + 16 }
        case .null: 0
        }
    }
}

/// Builds a ``ColumnData`` value by value; refuses a column whose values are of more than one kind.
struct ColumnBuilder {
    private enum Kind { case unknown, int, double, text }
    private var kind = Kind.unknown
    private var integers: [Int64] = []
    private var reals: [Double] = []
    private var codes: [UInt16] = []
    private var valid: [Bool] = []
    private var hasNull = false
    private var dictionary: [String] = []
    private var codeOf: [String: UInt16] = [:]
    /// The values appended so far.
    private(set) var count = 0

    /// Adds a value; false when the column cannot be held (mixed kinds, too many distinct texts).
    mutating func append(_ value: SQLValue) -> Bool {
        switch value {
        case .null:
            hasNull = true
            switch kind {
            case .unknown: break
            case .int: integers.append(0)
            case .double: reals.append(0)
            case .text: codes.append(0)
            }
            valid.append(false)
        case .int(let number):
            guard start(.int) else { return false }
            integers.append(number)
            valid.append(true)
        case .double(let number):
            guard start(.double) else { return false }
            reals.append(number)
            valid.append(true)
        case .text(let text):
            guard start(.text) else { return false }
            if let code = codeOf[text] {
                codes.append(code)
            } else {
                guard dictionary.count < ColumnAccelerator.largestDictionary else { return false }
                dictionary.append(text)
                let code = UInt16(dictionary.count)
                codeOf[text] = code
                codes.append(code)
            }
            valid.append(true)
        case .bool: return false
        }
        count += 1
        return true
    }

    /// Sets the kind at the first value; the NULLs read before it become zeros of that kind.
    private mutating func start(_ next: Kind) -> Bool {
        if kind == next { return true }
        guard kind == .unknown else { return false }
        kind = next
        switch next {
        case .int: integers = Array(repeating: 0, count: count)
        case .double: reals = Array(repeating: 0, count: count)
        case .text: codes = Array(repeating: 0, count: count)
        case .unknown: break
        }
        return true
    }

    func finish() -> ColumnData {
        switch kind {
        case .unknown: .null(count: count)
        case .int: .int(integers, valid: hasNull ? valid : nil)
        case .double: .double(reals, valid: hasNull ? valid : nil)
        case .text: .text(codes, dictionary: dictionary)
        }
    }
}
