extension ColumnScan {
    /// The first `wanted` rows in row order that pass every condition, for a page without `order_by`: the scan
    /// stops as soon as it has them, so a page near the start of a common value reads few rows. Candidates (a
    /// search's matches) are walked in order; without them, a range of an integer column that selects at most
    /// ``smallRange`` rows is taken from its ``SortedIndex`` and put in row order, else every row is walked. Nil when
    /// a condition cannot be read here.
    func firstSelected(_ rowCount: Int, wanted: Int) -> [Int32]? {
        guard rowCount < Int(Int32.max), wanted > 0 else { return nil }
        var rows = candidates
        var conditions = shape.conditions
        if rows == nil, let (slice, rest) = rangeSlice(), slice.count <= Self.smallRange {
            rows = slice.sorted()
            conditions = rest
        }
        var tests: [(Int32) -> Bool] = []
        for condition in conditions {
            guard let test = rowTest(condition) else { return nil }
            if let test { tests.append(test) }
        }
        var found: [Int32] = []
        found.reserveCapacity(min(wanted, 1 << 16))
        func keep(_ row: Int32) -> Bool {
            for test in tests where !test(row) { return false }
            found.append(row)
            return found.count == wanted
        }
        if let rows {
            for row in rows {
                if keep(row) { break }
            }
        } else {
            for row in 0..<Int32(rowCount) {
                if keep(row) { break }
            }
        }
        return found
    }

    /// The most rows of a range read from a column's index to be put in row order.
    static let smallRange = 65_536
}
