import Foundation
import ODSQL
import Store

/// A page of records sorted by a numeric field, from the columns: the table tab's search, refines, sort and page
/// without asking the engine to collect and sort every match. The rows that the filter selects come from the same
/// scan as the page's total and facet counts (the full-text matches read once, see ``ColumnAccelerator``), their
/// order from the column of the sort, and only the rows of the page are then read, by rowid.
extension ColumnAccelerator {
    /// The rowids of the records that `filter` selects (a total, `SELECT COUNT(*) …`, as ``AggregateShape`` reads
    /// it) in the order of the compiler's `ORDER BY column ASC NULLS LAST` or `DESC` (NULLs last both ways), equal
    /// values in rowid order, from `offset`, at most `limit`; nil when the engine must answer (a text column, whose
    /// order is a collation's, a filter not read, a column not held). SQL leaves the order of equal values to the
    /// plan (an index walked backwards gives them in descending rowid order): only the rows of one value that a
    /// page boundary splits can differ from the engine's page.
    ///
    /// Without `column`, the page has no `ORDER BY` and its rows come in row number order, the first `offset +
    /// limit` that pass (``ColumnScan/firstSelected(_:wanted:)``):
    /// - on SQLite, under a full-text search and other conditions, where its plan reads the search's matches first,
    ///   in rowid order, and tests the conditions on each. A search alone is left to SQLite, which skips to the
    ///   page's matches without reading a row, and so is a page without a search, which its indexes give in rowid
    ///   order.
    /// - on PostgreSQL, under any filter read here. A search's page is otherwise a bitmap of the word's rows in the
    ///   record's vector, with the field's vector tested on each row up to the page, and a filter's a walk of the
    ///   table or of an index up to the page: here the matches are read once per word, and a filter's rows are
    ///   tested in memory, and only the page's rows are read, by `_row`. The order is SQLite's, and the order of
    ///   the table's pages, but for the rows whose vectors the server filled after the `COPY` (text its encoder
    ///   leaves to the server), which it reads last.
    func pageRowids(
        of dataset: Dataset, filter: CompiledQuery, column: String?, descending: Bool, offset: Int, limit: Int,
        load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> [Int64]? {
        guard let shape = AggregateShape(filter, engine: engine), shape.key == nil, shape.aggregates == [.countAll],
            !shape.conditions.isEmpty, offset >= 0, limit > 0, offset <= Self.largestPageEnd - limit
        else { return nil }
        guard let column else {
            let searches = shape.conditions.contains { if case .fullText = $0 { true } else { false } }
            guard engine == .postgres || searches, let scan = try await scan(shape, of: dataset, load: load),
                let rowCount = scan.rowCount,
                let selected = scan.firstSelected(rowCount, wanted: offset + limit)
            else { return nil }
            return Self.rowids(selected, offset: offset, limit: limit)
        }
        guard let scan = try await scan(shape, of: dataset, more: [column], load: load),
            let sortColumn = scan.columns[column], let selected = scan.select(sortColumn.count)
        else { return nil }
        let order = PageOrder(descending: descending, wanted: offset + limit)
        let ordered: [Int32]
        switch sortColumn {
        case .int(let values, let valid):
            if let index = scan.sorted[column], selected.count * 16 >= values.count {
                ordered = order.walk(index, selected: selected, rowCount: values.count, valid: valid)
            } else {
                ordered = order.sort(selected, values: values, valid: valid)
            }
        case .double(let values, let valid):
            guard !values.contains(where: \.isNaN) else { return nil }
            ordered = order.sort(selected, values: values, valid: valid)
        case .null(let count): ordered = order.sort(selected, values: [Int64](repeating: 0, count: count), valid: nil)
        case .text: return nil
        }
        return Self.rowids(ordered, offset: offset, limit: limit)
    }

    /// Whether SQLite's plan of `page` reads a search's matches first, in rowid order, then their records (`FROM
    /// (SELECT rowid FROM "t__fts" WHERE … MATCH ?) AS "fts" CROSS JOIN "t" …`): the pages in row order that
    /// ``pageRowids`` gives without a column. An aggregate (`count(*)` without `group_by`) is read otherwise.
    static func readsMatchesFirst(_ page: CompiledQuery) -> Bool {
        page.sql.contains(" FROM (SELECT rowid FROM ") && page.sql.contains(" MATCH ?) AS \"fts\" CROSS JOIN ")
    }

    /// The rowids of rows `offset..<offset + limit` of `ordered` (row numbers from 0).
    private static func rowids(_ ordered: [Int32], offset: Int, limit: Int) -> [Int64] {
        guard offset < ordered.count else { return [] }
        return ordered[offset..<min(ordered.count, offset + limit)].map { Int64($0) + 1 }
    }

    /// The most rows a page reads up to (its offset and its limit).
    static let largestPageEnd = 1 << 24

    /// The rows of `rowids`, in that order, as `select` reads them: `select` is the records query of the page's
    /// columns without filter (`SELECT … FROM "table" LIMIT ?`, limit 1), which ``pageRowids`` narrows to the
    /// page's row numbers, read in one query with their numbers last. Nil when `select` is not of that form, `page`
    /// does not read the same columns, or a row is missing.
    func rows(
        _ rowids: [Int64], of dataset: Dataset, select: CompiledQuery, page: CompiledQuery,
        load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> [[SQLValue]]? {
        guard let table = dataset.recordsTable else { return nil }
        let from = " FROM " + RecordLayout.quote(table)
        let limit = " LIMIT " + engine.placeholder(select.bindings.count)
        guard select.sql.hasSuffix(from + limit), select.bindings.last == .int(1) else { return nil }
        let list = select.sql.dropLast((from + limit).count)
        guard page.sql.hasPrefix(list + " FROM "), page.columns == select.columns,
            page.bindings.starts(with: select.bindings.dropLast())
        else { return nil }
        guard !rowids.isEmpty else { return [] }
        let bindings = Array(select.bindings.dropLast())
        let numbers = rowids.indices.map { engine.placeholder(bindings.count + 1 + $0) }
        let query = CompiledQuery(
            sql: list + ", " + engine.rowNumber + from + " WHERE \(engine.rowNumber) IN ("
                + numbers.joined(separator: ", ") + ")",
            bindings: bindings + rowids.map { .int($0) }, columns: select.columns)
        var found: [Int64: [SQLValue]] = [:]
        for row in try await load(query) {
            guard case .int(let rowid)? = row.last else { return nil }
            found[rowid] = Array(row.dropLast())
        }
        var rows: [[SQLValue]] = []
        for rowid in rowids {
            guard let row = found[rowid] else { return nil }
            rows.append(row)
        }
        return rows
    }
}

/// The order of a page: the first `wanted` rows of a selection, by the value of one column.
struct PageOrder {
    let descending: Bool
    let wanted: Int

    /// The rows of `selected` in the order, by sorting them.
    func sort<T: Comparable>(_ selected: [Int32], values: [T], valid: [Bool]?) -> [Int32] {
        var nulls: [Int32] = []
        var rows: [Int32] = []
        rows.reserveCapacity(selected.count)
        for row in selected {
            if let valid, !valid[Int(row)] { nulls.append(row) } else { rows.append(row) }
        }
        nulls.sort()
        values.withUnsafeBufferPointer { values in
            rows.sort { left, right in
                let (a, b) = (values[Int(left)], values[Int(right)])
                if a != b { return descending ? a > b : a < b }
                return left < right
            }
        }
        return Array((rows + nulls).prefix(wanted))
    }

    /// The rows of `selected` in the order, by walking an integer column's ``SortedIndex`` (values, then rows, in
    /// ascending order) from the start of the order and keeping the selected rows until `wanted` are found.
    func walk(_ index: SortedIndex, selected: [Int32], rowCount: Int, valid: [Bool]?) -> [Int32] {
        var isSelected = [Bool](repeating: false, count: rowCount)
        for row in selected { isSelected[Int(row)] = true }
        let nulls = valid.map { valid in selected.filter { !valid[Int($0)] }.sorted() } ?? []
        var rows: [Int32] = []
        if descending {
            // From the largest value down; within a value, rows in ascending order.
            var end = index.values.count
            while end > 0 && rows.count < wanted {
                let value = index.values[end - 1]
                var start = end - 1
                while start > 0 && index.values[start - 1] == value { start -= 1 }
                for position in start..<end where isSelected[Int(index.rows[position])] { rows.append(index.rows[position]) }
                end = start
            }
        } else {
            var position = 0
            while position < index.rows.count && rows.count < wanted {
                if isSelected[Int(index.rows[position])] { rows.append(index.rows[position]) }
                position += 1
            }
        }
        return Array((rows + nulls).prefix(wanted))
    }
}
