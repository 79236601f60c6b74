import Foundation
import FuzzDriver
import FuzzSupport
import ODSQL
import Store

/// The fixture store and the compilers over it, made on the first input.
///
/// The input is up to six lines: `where`, `select`, `group_by`, `order_by`, `refine`, `exclude` (one line is a
/// `where` clause alone). Each query is parsed, analyzed, compiled for SQLite and run on the real records table
/// under the store's query budget; it is also compiled for PostgreSQL. Errors (ODSQL's, SQLite's, the budget's)
/// are expected; a trap, a sanitizer report or a hang is a finding.
final class ODSQLTarget: Sendable {
    static let shared = ODSQLTarget()

    let store: SQLiteStore
    let sqlite: ODSQL.Compiler
    let postgres: ODSQL.Compiler

    init() {
        do {
            let directory = try ScratchDirectory.make("odsql")
            store = try FixtureDataset.publish(into: directory.appendingPathComponent("garona.sqlite").path)
            store.queryBudget.milliseconds = 250
            let store = self.store
            let dataset = try Blocking.run { try await store.dataset(id: FixtureDataset.id) }.get()
            // 2021-05-06T12:34:55Z, the now() of the reference's examples.
            let now = Date(timeIntervalSince1970: 1_620_304_495)
            guard let dataset, let compiler = FixtureDataset.compiler(for: dataset, now: now) else {
                fatalError("the fixture dataset was not published")
            }
            sqlite = compiler
            postgres = ODSQL.Compiler(
                schema: compiler.schema, layout: compiler.layout, dialect: PostgreSQLDialect(), options: compiler.options)
        } catch {
            fatalError("cannot set up the fixture store: \(error)")
        }
    }

    func run(_ lines: [String]) {
        let query = ODSQL.QueryText(
            select: lines[1], where: lines[0].isEmpty ? [] : [lines[0]], groupBy: lines[2], orderBy: lines[3],
            refines: lines[4].isEmpty ? [] : [lines[4]], excludes: lines[5].isEmpty ? [] : [lines[5]])
        var queries: [CompiledQuery] = []
        queries.append(
            contentsOf: [try? sqlite.records(query, limit: 100, offset: 0), try? sqlite.count(query)].compactMap { $0 })
        if query.groupBy.isEmpty {
            queries.append(contentsOf: [try? sqlite.aggregate(query)].compactMap { $0 })
            for (field, level) in [("commune", ODSQL.FacetLevel.value), ("date", .year), ("updated", .day)] {
                if let facet = try? sqlite.facet(query, field: field, level: level, sort: .countDescending, limit: 10) {
                    queries.append(facet)
                }
            }
        }
        _ = try? postgres.records(query, limit: 100, offset: 0)
        guard !queries.isEmpty else { return }
        let store = self.store
        let compiled = queries
        _ = Blocking.run {
            for query in compiled { _ = try? await store.rows(query) }
        }
    }
}

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzODSQL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ODSQLTarget.shared.run(InputLines.split(data, size, into: 6))
    return 0
}

/// The entry point SwiftPM links this executable with (see FuzzDriver.h): libFuzzer's driver, with this target's test.
@_cdecl("FuzzODSQL_main")
public func fuzzODSQLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    garona_run_fuzzer(argc, argv) { data, size in data.map { fuzzODSQL($0, size) } ?? 0 }
}
