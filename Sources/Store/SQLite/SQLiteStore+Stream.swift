import Foundation
import GRDB
import GRDBSQLite
import ODSQL

extension SQLiteStore {
    /// The most database readers that may run at once (GRDB's pool size); exports are kept below it.
    public var readerCount: Int { pool.configuration.maximumReaderCount }

    /// Starts a compiled, read-only ODSQL query and returns its rows as a stream of batches: one statement and
    /// one read transaction for the whole result, so that an export of any size costs one pass over the table
    /// and constant memory. Values are bound, never spliced into the SQL.
    ///
    /// The whole read runs under `milliseconds` (the export budget, ``QueryBudget/exportMilliseconds``, unless
    /// given): an expensive statement is interrupted like an API query, and a producer whose consumer reads
    /// nothing stops at the deadline, so that the reader never stays taken longer.
    public func rowStream(_ query: CompiledQuery, milliseconds: Int? = nil, batchSize: Int = 1_000) -> RowStream {
        let interruption = QueryInterruption(milliseconds: milliseconds ?? queryBudget.exportMilliseconds)
        let channel = RowChannel()
        pool.asyncRead { database in
            guard !interruption.isStopped else { return }
            do {
                let db = try database.get()
                let complete = try QueryBudget.run(db, interruption) {
                    try Self.produce(query, in: db, batchSize: batchSize, into: channel, until: interruption.wallDeadline)
                }
                guard complete else {
                    if interruption.isExpired { channel.finish(QueryTimeoutError(milliseconds: interruption.milliseconds)) }
                    return
                }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        return RowStream(channel: channel, stop: interruption.stop)
    }

    /// Steps `query` and queues its rows in `channel`; false when the consumer gave up or stalled past `deadline`.
    private static func produce(
        _ query: CompiledQuery, in db: GRDB.Database, batchSize: Int, into channel: RowChannel, until deadline: Date
    ) throws -> Bool {
        let statement = try db.makeStatement(sql: query.sql)
        statement.setUncheckedArguments(StatementArguments(query.bindings.map(Self.databaseValue)))
        let raw = statement.sqliteStatement
        let width = sqlite3_column_count(raw)
        let size = max(1, batchSize)
        var batch: [[SQLValue]] = []
        batch.reserveCapacity(size)
        while true {
            let status = sqlite3_step(raw)
            guard status == SQLITE_ROW else {
                guard status == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: status), message: db.lastErrorMessage)
                }
                break
            }
            batch.append((0..<width).map { Self.columnValue(raw, $0) })
            if batch.count == size {
                guard channel.put(batch, until: deadline) else { return false }
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { return channel.put(batch, until: deadline) }
        return true
    }

    /// One column of the current row, read straight from SQLite.
    static func columnValue(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, column))
        default:
            guard let text = sqlite3_column_text(statement, column) else { return .null }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        }
    }
}
