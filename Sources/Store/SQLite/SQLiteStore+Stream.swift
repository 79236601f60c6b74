import GRDB
import GRDBSQLite
import ODSQL

extension SQLiteStore {
    /// Runs a compiled, read-only ODSQL query and hands its rows to `consume` in batches, as they
    /// are read: one statement and one read transaction for the whole result, so that an export
    /// of any size costs one pass over the table and constant memory. Values are bound, never
    /// spliced into the SQL. When `consume` throws (the client went away), reading stops.
    public func streamRows(
        _ query: CompiledQuery, batchSize: Int = 1_000, _ consume: ([[SQLValue]]) async throws -> Void
    ) async throws {
        let channel = RowChannel()
        pool.asyncRead { database in
            do {
                let db = try database.get()
                let statement = try db.makeStatement(sql: query.sql)
                statement.setUncheckedArguments(StatementArguments(query.bindings.map(Self.databaseValue)))
                let raw = statement.sqliteStatement
                let width = sqlite3_column_count(raw)
                var batch: [[SQLValue]] = []
                batch.reserveCapacity(batchSize)
                while true {
                    let status = sqlite3_step(raw)
                    guard status == SQLITE_ROW else {
                        guard status == SQLITE_DONE else {
                            throw DatabaseError(resultCode: ResultCode(rawValue: status), message: db.lastErrorMessage)
                        }
                        break
                    }
                    batch.append((0..<width).map { Self.columnValue(raw, $0) })
                    if batch.count == batchSize {
                        guard channel.put(batch) else { return }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { _ = channel.put(batch) }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        do {
            while let batch = try await channel.next() { try await consume(batch) }
        } catch {
            channel.cancel()
            throw error
        }
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
