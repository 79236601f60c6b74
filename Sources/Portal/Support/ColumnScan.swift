import Foundation
import ODSQL

/// Computes one ``AggregateShape`` over columns in memory, as SQLite would answer it: the filter narrows a list of
/// row numbers condition by condition, then the rows left are counted, summed or compared per group. Returns nil
/// whenever SQLite's answer could differ: a comparison between a text and a number (SQLite's affinities), an
/// ordered comparison of texts, a sum of reals, an integer sum past 2^53 (SQLite adds integers as reals in `avg`),
/// a grouping key that is a real, or an integer key of more than ``largestIntegerGrouping`` values.
struct ColumnScan {
    /// The most distinct values of an integer grouping key.
    static let largestIntegerGrouping = 10_000

    let shape: AggregateShape
    let columns: [String: ColumnData]
    /// The only rows to consider (the matches of a full-text search), in row order; every row when nil.
    var candidates: [Int32]?
    /// The integer columns' rows in the order of their values (``SortedIndex``).
    var sorted: [String: SortedIndex] = [:]
    /// The dataset's records, for a scan that reads no column: set on PostgreSQL only (see ``answer()``).
    var recordsCount: Int?

    /// The rows of the table: its columns' length, else, under a search, ``recordsCount``; nil when neither is
    /// known (a query that reads no column and searches nothing is left to the engine).
    var rowCount: Int? { columns.values.first?.count ?? (candidates == nil ? nil : recordsCount) }

    init(shape: AggregateShape, columns: [String: ColumnData]) {
        self.shape = shape
        self.columns = columns
    }

    mutating func answer() -> [[SQLValue]]? {
        // A query that reads no column (a total without a filter, or of a search's matches alone) is left to
        // SQLite, which counts them without handing them over. PostgreSQL tests each match's field vector on its
        // row to count it, as to list it: the matches, read once, then give the total and every page.
        guard let rowCount, columns.values.allSatisfy({ $0.count == rowCount }) else { return nil }
        guard var selected = select(rowCount) else { return nil }
        guard let key = shape.key else {
            guard shape.aggregates == [.countAll], shape.limit != 0, shape.offset == 0 else { return nil }
            return [[.int(Int64(selected.count))]]
        }
        guard let keyColumn = columns[key] else { return nil }
        let groups: [(SQLValue, [Int32])]
        switch keyColumn {
        case .text(let codes, let dictionary) where shape.aggregates.allSatisfy({ $0 == .countAll }):
            // Facet counts: no list of members, a count per code.
            var counts = [Int](repeating: 0, count: dictionary.count + 1)
            codes.withUnsafeBufferPointer { codes in
                counts.withUnsafeMutableBufferPointer { counts in
                    for row in selected { counts[Int(codes[Int(row)])] += 1 }
                }
            }
            var rows: [[SQLValue]] = []
            for (code, count) in counts.enumerated() where count > 0 {
                let key: SQLValue = code == 0 ? .null : .text(dictionary[code - 1])
                rows.append([key] + Array(repeating: .int(Int64(count)), count: shape.aggregates.count))
            }
            return page(rows)
        case .text(let codes, let dictionary):
            var members = [[Int32]](repeating: [], count: dictionary.count + 1)
            codes.withUnsafeBufferPointer { codes in
                for row in selected { members[Int(codes[Int(row)])].append(row) }
            }
            groups = members.enumerated().compactMap { code, rows in
                rows.isEmpty ? nil : (code == 0 ? .null : .text(dictionary[code - 1]), rows)
            }
        case .int(let values, let valid):
            // Booleans (0 and 1) and other integer keys with few values.
            var members: [Int64: [Int32]] = [:]
            var nulls: [Int32] = []
            for row in selected {
                if let valid, !valid[Int(row)] {
                    nulls.append(row)
                } else {
                    members[values[Int(row)], default: []].append(row)
                    if members.count > Self.largestIntegerGrouping { return nil }
                }
            }
            groups = members.map { (SQLValue.int($0.key), $0.value) } + (nulls.isEmpty ? [] : [(.null, nulls)])
        case .null:
            groups = selected.isEmpty ? [] : [(.null, selected)]
        case .double: return nil
        }
        selected = []
        var rows: [[SQLValue]] = []
        for (value, members) in groups {
            var row = [value]
            for aggregate in shape.aggregates {
                guard let result = Self.aggregate(aggregate, over: members, columns: columns) else { return nil }
                row.append(result)
            }
            rows.append(row)
        }
        return page(rows)
    }

    /// The rows in the query's order, from its offset, at most its limit; nil when the order is not total.
    private func page(_ rows: [[SQLValue]]) -> [[SQLValue]]? {
        guard let sorted = sort(rows) else { return nil }
        let start = min(Int(clamping: shape.offset), sorted.count)
        let end = shape.limit.map { min(sorted.count, start + Int(clamping: $0)) } ?? sorted.count
        return Array(sorted[start..<max(start, end)])
    }

    /// The rows that pass every condition, in rowid order.
    func select(_ rowCount: Int) -> [Int32]? {
        guard rowCount < Int(Int32.max) else { return nil }
        var selected: [Int32]? = candidates
        var conditions = shape.conditions
        if selected == nil, let (slice, rest) = rangeSlice() {
            // The rows of a range of an integer column, in the order of its values: the other conditions narrow
            // them (no aggregate here depends on the order of the rows).
            selected = slice
            conditions = rest
        }
        for condition in conditions {
            guard let test = rowTest(condition) else { return nil }
            guard let filter = test else { continue }
            selected = Self.narrow(selected, rowCount: rowCount, filter, compare: condition, columns: columns)
        }
        return selected ?? Array(0..<Int32(rowCount))
    }

    /// The test of a row for `condition`: nil when it cannot be read here, `.some(nil)` when every row passes
    /// (the search, whose matches are the candidates, or a number column without NULL under `IS NOT NULL`).
    func rowTest(_ condition: AggregateShape.Condition) -> ((Int32) -> Bool)?? {
        switch condition {
        case .fullText: return .some(nil)
        case .notNull(let name):
            guard let column = columns[name] else { return nil }
            switch column {
            case .int(_, let valid?), .double(_, let valid?): return { valid[Int($0)] }
            case .int, .double: return .some(nil)
            case .text(let codes, _): return { codes[Int($0)] != 0 }
            case .null: return { _ in false }
            }
        case .compare(let name, let op, let value):
            guard let column = columns[name], let test = Self.test(column, op, value) else { return nil }
            return test
        }
    }

    /// The rows that the comparisons of one integer column with integers select, from its ``SortedIndex``, and the
    /// conditions left; nil when no condition can use an index.
    func rangeSlice() -> ([Int32], [AggregateShape.Condition])? {
        var column: String?
        for case .compare(let name, let op, .int) in shape.conditions where op != .notEqual && sorted[name] != nil {
            column = name
            break
        }
        guard let column, let index = sorted[column] else { return nil }
        var (low, high) = (0, index.values.count)
        var rest: [AggregateShape.Condition] = []
        for condition in shape.conditions {
            guard case .compare(column, let op, .int(let bound)) = condition, op != .notEqual else {
                rest.append(condition)
                continue
            }
            switch op {
            case .greaterOrEqual: low = max(low, index.position(after: bound, strictly: false))
            case .greater: low = max(low, index.position(after: bound, strictly: true))
            case .lessOrEqual: high = min(high, index.position(after: bound, strictly: true))
            case .less: high = min(high, index.position(after: bound, strictly: false))
            case .equal:
                low = max(low, index.position(after: bound, strictly: false))
                high = min(high, index.position(after: bound, strictly: true))
            case .notEqual: break
            }
        }
        return (low < high ? Array(index.rows[low..<high]) : [], rest)
    }

    /// The rows of `selected` (every row when nil) that pass: a comparison of numbers by a typed loop, anything
    /// else by `filter`.
    static func narrow(
        _ selected: [Int32]?, rowCount: Int, _ filter: (Int32) -> Bool, compare condition: AggregateShape.Condition,
        columns: [String: ColumnData]
    ) -> [Int32] {
        if case .compare(let name, let op, let value) = condition, let column = columns[name] {
            switch (column, value) {
            case (.int(let values, nil), .int(let bound)):
                return values.withUnsafeBufferPointer { compared($0, op, bound, selected) }
            case (.double(let values, nil), .double(let bound)):
                return values.withUnsafeBufferPointer { compared($0, op, bound, selected) }
            case (.text(let codes, let dictionary), .text(let text)) where op == .equal:
                // Codes equal to the value's code (none when the value is absent: code 0 is NULL, never equal).
                guard let index = dictionary.firstIndex(of: text) else { return [] }
                return codes.withUnsafeBufferPointer { compared($0, .equal, UInt16(index + 1), selected) }
            default: break
            }
        }
        if case .notNull(let name) = condition, case .text(let codes, _)? = columns[name] {
            return codes.withUnsafeBufferPointer { compared($0, .notEqual, 0, selected) }
        }
        if let selected { return selected.filter(filter) }
        var rows: [Int32] = []
        rows.reserveCapacity(rowCount / 4)
        for row in 0..<Int32(rowCount) where filter(row) { rows.append(row) }
        return rows
    }

    /// The rows whose value compares with `bound` as `op` says, among `selected` (every row when nil).
    private static func compared<T: Comparable>(
        _ values: UnsafeBufferPointer<T>, _ op: AggregateShape.Operator, _ bound: T, _ selected: [Int32]?
    ) -> [Int32] {
        var rows: [Int32] = []
        rows.reserveCapacity((selected?.count ?? values.count) / 2)
        func keep(_ passes: (T) -> Bool) {
            if let selected {
                for row in selected where passes(values[Int(row)]) { rows.append(row) }
            } else {
                for index in 0..<values.count where passes(values[index]) { rows.append(Int32(truncatingIfNeeded: index)) }
            }
        }
        switch op {
        case .equal: keep { $0 == bound }
        case .notEqual: keep { $0 != bound }
        case .less: keep { $0 < bound }
        case .greater: keep { $0 > bound }
        case .lessOrEqual: keep { $0 <= bound }
        case .greaterOrEqual: keep { $0 >= bound }
        }
        return rows
    }

    /// The test of one comparison on one column, or nil when SQLite might compare otherwise.
    static func test(_ column: ColumnData, _ op: AggregateShape.Operator, _ value: SQLValue) -> ((Int32) -> Bool)? {
        switch (column, value) {
        case (.int(let values, let valid), .int(let bound)):
            let compare = comparison(op, Int64.self)
            guard let valid else { return { compare(values[Int($0)], bound) } }
            return { valid[Int($0)] && compare(values[Int($0)], bound) }
        case (.double(let values, let valid), .double(let bound)):
            let compare = comparison(op, Double.self)
            guard let valid else { return { compare(values[Int($0)], bound) } }
            return { valid[Int($0)] && compare(values[Int($0)], bound) }
        case (.double(let values, let valid), .int(let whole)):
            guard whole.magnitude <= 1 << 53 else { return nil }
            let bound = Double(whole)
            let compare = comparison(op, Double.self)
            guard let valid else { return { compare(values[Int($0)], bound) } }
            return { valid[Int($0)] && compare(values[Int($0)], bound) }
        case (.text(let codes, let dictionary), .text(let text)):
            guard op == .equal || op == .notEqual else { return nil }
            let code = dictionary.firstIndex(of: text).map { UInt16($0 + 1) } ?? 0
            if op == .equal { return code == 0 ? { _ in false } : { codes[Int($0)] == code } }
            return { codes[Int($0)] != 0 && codes[Int($0)] != code }
        case (.null, .int), (.null, .double), (.null, .text): return { _ in false }
        default: return nil
        }
    }

    private static func comparison<T: Comparable>(_ op: AggregateShape.Operator, _: T.Type) -> (T, T) -> Bool {
        switch op {
        case .equal: { $0 == $1 }
        case .notEqual: { $0 != $1 }
        case .less: { $0 < $1 }
        case .greater: { $0 > $1 }
        case .lessOrEqual: { $0 <= $1 }
        case .greaterOrEqual: { $0 >= $1 }
        }
    }

    /// One aggregate over the rows of a group, as SQLite gives it.
    static func aggregate(_ aggregate: AggregateShape.Aggregate, over rows: [Int32], columns: [String: ColumnData])
        -> SQLValue?
    {
        switch aggregate {
        case .countAll: return .int(Int64(rows.count))
        case .count(let name):
            guard let column = columns[name] else { return nil }
            return .int(Int64(rows.count { Self.isValid(column, $0) }))
        case .sum(let name), .avg(let name):
            guard let column = columns[name] else { return nil }
            let isAverage = if case .avg = aggregate { true } else { false }
            switch column {
            case .int(let values, let valid):
                var sum: Int64 = 0
                var magnitude: UInt64 = 0
                var count: Int64 = 0
                for row in rows where valid?[Int(row)] ?? true {
                    let value = values[Int(row)]
                    let (total, overflow) = magnitude.addingReportingOverflow(value.magnitude)
                    guard !overflow, total <= 1 << 53 else { return nil }
                    magnitude = total
                    sum += value
                    count += 1
                }
                guard count > 0 else { return .null }
                return isAverage ? .double(Double(sum) / Double(count)) : .int(sum)
            case .null: return .null
            default: return nil
            }
        case .min(let name), .max(let name):
            guard let column = columns[name] else { return nil }
            let isMin = if case .min = aggregate { true } else { false }
            switch column {
            case .int(let values, let valid):
                let kept = rows.lazy.filter { valid?[Int($0)] ?? true }.map { values[Int($0)] }
                guard let found = isMin ? kept.min() : kept.max() else { return .null }
                return .int(found)
            case .double(let values, let valid):
                let kept = rows.lazy.filter { valid?[Int($0)] ?? true }.map { values[Int($0)] }
                if kept.contains(where: \.isNaN) { return nil }
                guard let found = isMin ? kept.min() : kept.max() else { return .null }
                return .double(found)
            case .null: return .null
            case .text: return nil
            }
        }
    }

    private static func isValid(_ column: ColumnData, _ row: Int32) -> Bool {
        switch column {
        case .int(_, let valid), .double(_, let valid): valid?[Int(row)] ?? true
        case .text(let codes, _): codes[Int(row)] != 0
        case .null: false
        }
    }

    /// The rows in the query's order; nil when that order leaves ties (the engine's order would then be its own):
    /// the grouping key, unique per row, must be one of the terms.
    private func sort(_ rows: [[SQLValue]]) -> [[SQLValue]]? {
        guard shape.order.contains(where: { $0.ordinal == 1 }) else { return nil }
        return rows.sorted { left, right in
            for term in shape.order {
                let (a, b) = (left[term.ordinal - 1], right[term.ordinal - 1])
                if a == .null || b == .null {
                    if a == b { continue }
                    return term.nullsLast ? b == .null : a == .null
                }
                let order = Self.compare(a, b)
                if order == 0 { continue }
                return term.descending ? order > 0 : order < 0
            }
            return false
        }
    }

    /// SQLite's order of two values that are not NULL: numbers before texts, texts bytewise (the BINARY collation).
    static func compare(_ left: SQLValue, _ right: SQLValue) -> Int {
        switch (left, right) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.text(let a), .text(let b)):
            if a == b { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        case (.text, _): return 1
        case (_, .text): return -1
        default:
            let (a, b) = (number(left), number(right))
            return a < b ? -1 : (a > b ? 1 : 0)
        }
    }

    private static func number(_ value: SQLValue) -> Double {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        case .bool(let flag): flag ? 1 : 0
        case .null, .text: 0
        }
    }
}
