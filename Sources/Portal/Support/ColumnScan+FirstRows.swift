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
        var tests: [(condition: AggregateShape.Condition, test: (Int32) -> Bool)] = []
        for condition in conditions {
            guard let test = rowTest(condition) else { return nil }
            if let test { tests.append((condition, test)) }
        }
        // Blocks of rows in order, each narrowed by the typed loops of ``narrow``, the next one twice as long.
        var found: [Int32] = []
        let total = rows?.count ?? rowCount
        var (start, length) = (0, 4_096)
        while start < total && found.count < wanted {
            let end = min(total, start + length)
            var block = rows.map { Array($0[start..<end]) } ?? Array(Int32(start)..<Int32(end))
            for (condition, test) in tests {
                block = Self.narrow(block, rowCount: rowCount, test, compare: condition, columns: columns)
            }
            found.append(contentsOf: block.prefix(wanted - found.count))
            (start, length) = (end, min(length * 2, 1 << 20))
        }
        return found
    }

    /// The most rows of a range read from a column's index to be put in row order.
    static let smallRange = 65_536
}
