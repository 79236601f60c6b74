import Foundation
import NIOCore
import ODSQL
import PostgresNIO

/// How ODSQL's bound values go to PostgreSQL and how result cells come back, so that a query answers with the
/// values SQLite gives for the same data: integers as ``SQLValue/int(_:)``, reals as ``SQLValue/double(_:)``,
/// text (dates are ISO text on both engines), NULL.
enum PostgreSQLRecordValues {
    /// The bindings of a compiled query. An integer that fits 32 bits is sent as `integer`, so that functions taking
    /// one (`substr(text, int, int)`) accept it, and compares with `bigint` columns as well; a larger one as `bigint`.
    /// Booleans are 1 and 0, as stored; text stops before a NUL character, as on SQLite.
    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .int(let number):
                if let small = Int32(exactly: number) { bindings.append(small) } else { bindings.append(number) }
            case .double(let number): bindings.append(number)
            case .text(let text): bindings.append(untilNUL(text))
            case .bool(let flag): bindings.append(Int32(flag ? 1 : 0))
            }
        }
        return bindings
    }

    /// `text` up to its first NUL character: what SQLite binds (GRDB passes C strings), and PostgreSQL's `text`
    /// cannot hold one.
    static func untilNUL(_ text: String) -> String {
        guard let end = text.utf8.firstIndex(of: 0) else { return text }
        return String(text[..<end])
    }

    /// The query with its bindings.
    static func query(_ compiled: CompiledQuery) -> PostgresQuery {
        PostgresQuery(unsafeSQL: compiled.sql, binds: bindings(compiled.bindings))
    }

    /// The values of one result row.
    static func values(_ row: PostgresRow) throws -> [SQLValue] {
        var values: [SQLValue] = []
        for cell in row { values.append(try value(cell)) }
        return values
    }

    /// One cell: integers (`boolean` as 1 or 0, as SQLite answers a comparison), reals, `numeric` (what
    /// `avg(bigint)` returns: see ``numeric(_:)``), and anything else as its text.
    /// - Throws: ``QueryOverflowError`` for a whole `numeric` beyond 64 bits, which SQLite could not have computed.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        guard cell.format == .binary else { return .text(String(buffer: bytes)) }
        switch cell.dataType {
        case .int2: return bytes.readInteger(as: Int16.self).map { .int(Int64($0)) } ?? .null
        case .int4: return bytes.readInteger(as: Int32.self).map { .int(Int64($0)) } ?? .null
        case .int8: return bytes.readInteger(as: Int64.self).map { .int($0) } ?? .null
        case .float4: return bytes.readInteger(as: UInt32.self).map { .double(Double(Float(bitPattern: $0))) } ?? .null
        case .float8: return bytes.readInteger(as: UInt64.self).map { .double(Double(bitPattern: $0)) } ?? .null
        case .bool: return bytes.readInteger(as: UInt8.self).map { .int($0 == 0 ? 0 : 1) } ?? .null
        case .numeric: return try numeric(&bytes)
        case .jsonb:
            // Binary jsonb is a version byte, then the text.
            bytes.moveReaderIndex(forwardBy: min(1, bytes.readableBytes))
            return .text(String(buffer: bytes))
        default: return .text(String(buffer: bytes))
        }
    }

    /// A binary `numeric`: a whole number (scale 0, as `sum(bigint)` gives) is an integer, as SQLite's `sum()`;
    /// one with decimals (`avg(bigint)`) is a real, read from its decimal digits.
    /// - Throws: ``QueryOverflowError`` for a whole number beyond ±9,223,372,036,854,775,807: SQLite's `sum()`
    ///   stops with "integer overflow" there, so both engines answer the same 400.
    static func numeric(_ bytes: inout ByteBuffer) throws -> SQLValue {
        guard let count = bytes.readInteger(as: Int16.self), let weight = bytes.readInteger(as: Int16.self),
            let sign = bytes.readInteger(as: UInt16.self), let scale = bytes.readInteger(as: Int16.self)
        else { return .null }
        switch sign {
        case 0xC000: return .double(.nan)
        case 0xD000: return .double(.infinity)
        case 0xF000: return .double(-.infinity)
        default: break
        }
        var groups: [Int16] = []
        for _ in 0..<max(0, Int(count)) {
            guard let group = bytes.readInteger(as: Int16.self) else { return .null }
            groups.append(group)
        }
        let negative = sign == 0x4000
        if scale == 0 {
            // Base-10000 groups, the first one times 10000^weight.
            var total: Int64 = 0
            for position in 0...max(0, Int(weight)) {
                let group = position < groups.count ? Int64(groups[position]) : 0
                let (shifted, overflow) = total.multipliedReportingOverflow(by: 10_000)
                let (sum, carry) = shifted.addingReportingOverflow(negative ? -group : group)
                guard !overflow, !carry else { throw QueryOverflowError() }
                total = sum
            }
            return .int(groups.isEmpty ? 0 : total)
        }
        var digits = ""
        for (position, group) in groups.enumerated() {
            let text = String(group)
            digits += position == 0 ? text : String(repeating: "0", count: 4 - text.count) + text
        }
        // The decimal point sits after the group of weight 0.
        let exponent = (Int(weight) + 1 - groups.count) * 4
        let text = (negative ? "-" : "") + (digits.isEmpty ? "0" : digits) + "e" + String(exponent)
        return .double(Double(text) ?? .nan)
    }
}
