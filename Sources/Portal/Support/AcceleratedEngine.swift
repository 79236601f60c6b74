import ODSQL
import Store

/// What ``ColumnAccelerator`` must know of an engine's SQL: how the compiler writes for it (read back by
/// ``AggregateShape``), and the few queries the accelerator asks itself (a page of a column, the matches of a
/// full-text search, one row by its number).
///
/// Both engines number the rows of a records table 1, 2, … in file order, without a gap: SQLite's rowid, and
/// PostgreSQL's ``PostgreSQLDialect/rowNumberColumn`` (indexed). Both compare and sort text byte-wise (SQLite's
/// BINARY collation, PostgreSQL's `COLLATE "C"`), so one scan of the columns gives either engine's answer.
enum AcceleratedEngine: Sendable, Equatable {
    case sqlite
    case postgres

    /// The engine of `dialect`; nil for a dialect the accelerator does not read.
    init?(_ dialect: any SQLDialect) {
        switch dialect {
        case is SQLiteDialect: self = .sqlite
        case is PostgreSQLDialect: self = .postgres
        default: return nil
        }
    }

    /// Whether `ORDER BY … ASC` or `DESC` without `NULLS FIRST|LAST` puts NULLs last: SQLite takes NULL as the
    /// smallest value, PostgreSQL as the largest.
    func sortsNullsLast(descending: Bool) -> Bool {
        self == .sqlite ? descending : !descending
    }

    /// The column numbering the rows.
    var rowNumber: String {
        self == .sqlite ? "rowid" : RecordLayout.quote(PostgreSQLDialect.rowNumberColumn)
    }

    /// The placeholder of the `number`th binding (from 1).
    func placeholder(_ number: Int) -> String {
        self == .sqlite ? "?" : "$" + String(number)
    }

    /// Rows `(number, value)` of a column after a row number (first binding), in order, at most a count (second).
    func columnPage(_ column: String, table: String) -> String {
        "SELECT \(rowNumber), \(RecordLayout.quote(column)) FROM \(RecordLayout.quote(table)) WHERE \(rowNumber) > \(placeholder(1)) "
            + "ORDER BY \(rowNumber) LIMIT \(placeholder(2))"
    }

    /// The row numbers that a full-text query (the one binding) matches, for the condition
    /// ``AggregateShape/Condition/fullText(index:query:)`` on `table`: one per row on SQLite, in process; on
    /// PostgreSQL, all in one text, `1,5,9`, NULL for none (tens of thousands of rows decoded one by one cost Garona
    /// more than the query costs the server).
    func matches(_ index: String, table: String) -> String {
        switch self {
        case .sqlite:
            return "SELECT rowid FROM \(RecordLayout.quote(index)) WHERE \(RecordLayout.quote(index)) MATCH ?"
        case .postgres:
            // The record's vector is indexed and holds every field's words: a field's own vector is only tested
            // on its matches.
            let record = TableLayout(recordsTable: table).searchVectorColumn
            var condition = "\(RecordLayout.quote(record)) @@ garona_search_query($1)"
            if index != record { condition += " AND \(RecordLayout.quote(index)) @@ garona_search_query($1)" }
            return "SELECT string_agg(\(rowNumber)::text, ',') FROM \(RecordLayout.quote(table)) WHERE \(condition)"
        }
    }

    /// The row numbers of an answer to ``matches(_:table:)``: SQLite's rows, or PostgreSQL's one text (NULL for
    /// none); nil when the answer is not of that shape.
    func rowNumbers(ofMatches found: [[SQLValue]]) -> [Int64]? {
        switch self {
        case .sqlite:
            var numbers: [Int64] = []
            numbers.reserveCapacity(found.count)
            for row in found {
                guard case .int(let number)? = row.first else { return nil }
                numbers.append(number)
            }
            return numbers
        case .postgres:
            guard found.count == 1 else { return nil }
            switch found[0].first {
            case .null?: return []
            case .text(let list)?:
                var numbers: [Int64] = []
                for piece in list.utf8.split(separator: UInt8(ascii: ",")) {
                    guard let number = Int64(Substring(piece)) else { return nil }
                    numbers.append(number)
                }
                return numbers
            default: return nil
            }
        }
    }
}
