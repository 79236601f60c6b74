import Foundation
import Testing
import Vocabulary

@testable import ODSQL

/// A dataset like the gares of Occitanie, with every field type.
enum Fixtures {
    static let schema = ODSQL.Schema(fields: [
        .init(name: "nom", type: .text),
        .init(name: "commune", type: .text),
        .init(name: "code", type: .text),
        .init(name: "population", type: .int),
        .init(name: "capacity", type: .int),
        .init(name: "price", type: .double),
        .init(name: "open", type: .boolean),
        .init(name: "date", type: .date),
        .init(name: "updated", type: .datetime),
        .init(name: "geo", type: .geoPoint2D),
        .init(name: "shape", type: .geoShape),
        .init(name: "extra", type: .jsonBlob),
        .init(name: "tags", type: .text, isMultivalued: true),
        .init(name: "and", type: .int),
        .init(name: "12", type: .int),
    ])

    static let layout = TableLayout(recordsTable: "gares")
    /// 2021-05-06T12:34:55Z, a Thursday (the reference's now() examples).
    static let now = Date(timeIntervalSince1970: 1_620_304_495)
    static let options = ODSQL.CompileOptions(now: now, language: "fr")
    static let sqlite = ODSQL.Compiler(schema: schema, layout: layout, dialect: SQLiteDialect(), options: options)
    static let postgres = ODSQL.Compiler(
        schema: schema, layout: layout, dialect: PostgreSQLDialect(), options: options)

    static func records(
        select: String = "", where wheres: [String] = [], groupBy: String = "", orderBy: String = "",
        refine: [String] = [], exclude: [String] = [], limit: Int? = 10, offset: Int = 0,
        compiler: ODSQL.Compiler = sqlite
    ) throws -> CompiledQuery {
        try compiler.records(
            ODSQL.QueryText(
                select: select, where: wheres, groupBy: groupBy, orderBy: orderBy, refines: refine, excludes: exclude),
            limit: limit, offset: offset)
    }

    static func whereSQL(_ text: String, compiler: ODSQL.Compiler = sqlite) throws -> String {
        let query = try compiler.records(ODSQL.QueryText(select: "nom", where: [text]), limit: nil)
        return query.sql
    }

    static func error(_ body: () throws -> Void) -> ODSQLError? {
        do {
            try body()
            return nil
        } catch let error as ODSQLError {
            return error
        } catch {
            return nil
        }
    }
}
