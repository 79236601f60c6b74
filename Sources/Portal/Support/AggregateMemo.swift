import Foundation
import ODSQL
import Store
import Synchronization

/// Remembers the answers of aggregate queries (totals, facet counts, `group_by` results) per published version of a
/// dataset, for the API and the dataset pages alike.
///
/// A published version never changes: a new import writes a new records table, and deleting a dataset drops its
/// table. An entry is keyed by the records table *and* the time its records were published, so that neither a new
/// version nor a dataset deleted and created again under the same id can be answered from an old entry. Only
/// small answers are kept, and the memo starts again empty when it is full, which bounds its memory.
///
/// An answer not remembered comes from the ``ColumnAccelerator`` when it can give it (unless turned off), else from
/// the engine. ``AggregateStatistics`` counts which of the three answered.
final class AggregateMemo: Sendable {
    /// Answers with more rows than this are not kept (a `group_by` may return up to 20,000).
    static let largestKeptAnswer = 1_000

    private let entries = Mutex<[String: [[SQLValue]]]>([:])
    private let capacity: Int
    let accelerator: ColumnAccelerator?
    /// How many answers came from the memo, the accelerator and the engine.
    let statistics = AggregateStatistics()

    init(capacity: Int = 512, accelerator: ColumnAccelerator? = ColumnAccelerator.isEnabled ? ColumnAccelerator() : nil) {
        self.capacity = capacity
        self.accelerator = accelerator
    }

    /// The memo for an engine whose queries are compiled for `dialect`: with the accelerator unless it is turned off
    /// (or the dialect is not one it reads, see ``AcceleratedEngine``).
    static func forEngine(_ dialect: any SQLDialect) -> AggregateMemo {
        let engine = ColumnAccelerator.isEnabled ? AcceleratedEngine(dialect) : nil
        return AggregateMemo(accelerator: engine.map { ColumnAccelerator(engine: $0) })
    }

    /// The rows of `query` on the current version of `dataset`: remembered ones, or those `load` returns.
    func rows(
        of dataset: Dataset, _ query: CompiledQuery, load: (CompiledQuery) async throws -> [[SQLValue]]
    ) async throws -> [[SQLValue]] {
        let key = Self.key(dataset, query)
        if let found = entries.withLock({ $0[key] }) {
            statistics.record(.memo)
            return found
        }
        let rows: [[SQLValue]]
        if let fast = try await accelerator?.rows(of: dataset, query, load: load) {
            statistics.record(.accelerator)
            rows = fast
        } else {
            statistics.record(.engine)
            rows = try await load(query)
        }
        guard rows.count <= Self.largestKeptAnswer else { return rows }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = rows
        }
        return rows
    }

    /// The version of `dataset` and the query, unambiguously: SQL text, then each binding with its type (and its
    /// length for text, so that no value can pass for two).
    static func key(_ dataset: Dataset, _ query: CompiledQuery) -> String {
        key((dataset.recordsTable ?? "") + "\u{1E}" + String(dataset.dataProcessed?.timeIntervalSince1970 ?? 0), query)
    }

    /// `version` (the records table and its publication time) and the query, unambiguously.
    static func key(_ version: String, _ query: CompiledQuery) -> String {
        var key = version + "\u{1E}" + query.sql
        for binding in query.bindings {
            key += "\u{1E}"
            switch binding {
            case .null: key += "n"
            case .int(let number): key += "i" + String(number)
            case .double(let number): key += "d" + String(number)
            case .text(let text): key += "t" + String(text.utf8.count) + ":" + text
            case .bool(let flag): key += flag ? "b1" : "b0"
            }
        }
        return key
    }
}
