import Foundation
import ODSQL
import Store

/// ODSQL over the published records of `dataset` in the engine's `dialect`, for the API and the pages; nil before its
/// first import. `now` is the time the query's relative dates are read against.
func recordsCompiler(for dataset: Dataset, dialect: any SQLDialect, now: Date, language: String) -> ODSQL.Compiler? {
    guard let table = dataset.recordsTable else { return nil }
    let schema = ODSQL.Schema(
        fields: dataset.fields.map { ODSQL.Field(name: $0.name, type: $0.type, isMultivalued: $0.separator != nil) })
    let options = ODSQL.CompileOptions(now: now, language: language)
    return ODSQL.Compiler(schema: schema, layout: TableLayout(recordsTable: table), dialect: dialect, options: options)
}
