import CookieCharter
import Foundation
import Ingest
import ODSQL
import Store
import Vocabulary
import Web

/// The table tab: records 20 by 20, sortable columns, facet filters and a text search, all in the URL.
extension DatasetPageController {
    static let facetValuesShown = 10

    func tableValues(
        _ dataset: Dataset, compiler: ODSQL.Compiler?, query: inout DatasetPageQuery, language: Language
    ) async throws -> [String: Any] {
        guard let compiler else { throw PageError.notFound }
        let total = try await matchingCount(dataset, compiler: compiler, query: query)
        let lastPage = max(1, (total + DatasetPageQuery.pageSize - 1) / DatasetPageQuery.pageSize)
        let windowPages = DatasetPageQuery.maxOffset / DatasetPageQuery.pageSize
        if query.page > lastPage { throw PageError.notFound }
        if query.page > windowPages {
            query.ignored.append("page=\(query.page)")
            query.page = windowPages
        }
        let fields = DatasetCells.shownFields(dataset)
        var text = query.odsql
        text.select = fields.map { DatasetPageQuery.identifier($0.name) }.joined(separator: ", ")
        if let sort = query.sort {
            text.orderBy = DatasetPageQuery.identifier(sort.field) + (sort.descending ? " DESC" : " ASC")
        }
        let compiled = try compiler.records(text, limit: DatasetPageQuery.pageSize, offset: query.offset)
        var rows = try await fastPage(dataset, compiler: compiler, query: query, select: text.select, page: compiled)
        if rows == nil { rows = try await store.rows(compiled) }
        let base = "/explore/dataset/\(dataset.id)/table/"
        let sortPair: [(String, String)] = query.sort.map { [("sort", ($0.descending ? "-" : "") + $0.field)] } ?? []
        let headers: [[String: Any]] = fields.map { field in
            var header: [String: Any] = ["label": field.label, "name": field.name]
            if field.sortable {
                let current = query.sort?.field == field.name ? query.sort : nil
                let next = current.map { $0.descending ? field.name : "-" + field.name } ?? field.name
                header["sortable"] = [
                    "href": base + query.link([("sort", next)]),
                    "hint": catalog.text(
                        next.hasPrefix("-") ? "dataset_sort_descending" : "dataset_sort_ascending", in: language,
                        ["field": field.label]),
                ]
                if let current {
                    header["sorted"] = [
                        "aria": current.descending ? "descending" : "ascending", "arrow": current.descending ? "▼" : "▲",
                    ]
                }
            }
            return header
        }
        let records: [[String: Any]] = (rows ?? []).map { row in
            ["cells": compiled.columns.map { ["value": DatasetCells.text(row, $0, language: language)] }]
        }
        var values: [String: Any] = [
            "headers": headers,
            "records": records,
            "has_records": !records.isEmpty,
            "caption": catalog.text(
                "dataset_table_caption", in: language,
                [
                    "count": NumberFormat.integer(total, language: language),
                    "page": NumberFormat.integer(query.page, language: language),
                    "pages": NumberFormat.integer(lastPage, language: language),
                ]),
            "search": query.search,
            "hidden": (query.refines.map { ("refine." + $0.field, $0.value) } + sortPair).map { ["name": $0.0, "value": $0.1] },
            "facets": try await facetValues(
                dataset, compiler: compiler, query: query, base: base, language: language),
            "active": query.refines.map { refine in
                [
                    "label": (dataset.fields.first { $0.name == refine.field }?.label ?? refine.field) + " : " + refine.value,
                    "href": base
                        + query.link(
                            sortPair,
                            filters: query.filterPairs.filter { !($0.0 == "refine." + refine.field && $0.1 == refine.value) }),
                ]
            },
        ]
        values["has_active"] = !query.refines.isEmpty || !query.search.isEmpty
        values["clear_href"] = base + DatasetPageQuery.queryString(sortPair)
        var pager: [String: Any] = [:]
        if query.page > 1 { pager["previous"] = ["href": base + query.link(sortPair + [("page", String(query.page - 1))])] }
        if query.page < min(lastPage, windowPages) {
            pager["next"] = ["href": base + query.link(sortPair + [("page", String(query.page + 1))])]
        }
        if !pager.isEmpty { values["pager"] = pager }
        return values
    }

    /// Records matching the filters: the stored count when there is no filter, else one COUNT query (remembered).
    func matchingCount(_ dataset: Dataset, compiler: ODSQL.Compiler, query: DatasetPageQuery) async throws -> Int {
        if query.search.isEmpty && query.refines.isEmpty { return dataset.recordsCount }
        let rows = try await memo.rows(of: dataset, try compiler.count(query.odsql), load: store.rows)
        return Int(rows.first?.first?.double ?? 0)
    }

    /// The page sorted by a numeric field under a search or refines, from the column accelerator (which shares the
    /// matches of the search with the total and the facets); nil when the engine must answer it.
    private func fastPage(
        _ dataset: Dataset, compiler: ODSQL.Compiler, query: DatasetPageQuery, select: String, page: CompiledQuery
    ) async throws -> [[SQLValue]]? {
        guard let accelerator = memo.accelerator, let sort = query.sort, !query.search.isEmpty || !query.refines.isEmpty,
            let field = dataset.fields.first(where: { $0.name == sort.field }), [.int, .double].contains(field.type),
            Self.sortsAsTheColumns(page, descending: sort.descending)
        else { return nil }
        guard
            let rowids = try await accelerator.pageRowids(
                of: dataset, filter: try compiler.count(query.odsql), column: field.name, descending: sort.descending,
                offset: query.offset, limit: DatasetPageQuery.pageSize, load: store.rows)
        else { return nil }
        let unfiltered = try compiler.records(ODSQL.QueryText(select: select), limit: 1)
        return try await accelerator.rows(rowids, of: dataset, select: unfiltered, page: page, load: store.rows)
    }

    /// Whether the compiled page ends with the one sort term that ``ColumnAccelerator/pageRowids`` follows: the
    /// field, NULLs last, then the page's `LIMIT`.
    static func sortsAsTheColumns(_ page: CompiledQuery, descending: Bool) -> Bool {
        page.sql.contains(descending ? " DESC NULLS LAST LIMIT " : " ASC NULLS LAST LIMIT ")
    }

    private func facetValues(
        _ dataset: Dataset, compiler: ODSQL.Compiler, query: DatasetPageQuery, base: String, language: Language
    ) async throws -> [[String: Any]] {
        var facets: [[String: Any]] = []
        let sortPair: [(String, String)] = query.sort.map { [("sort", ($0.descending ? "-" : "") + $0.field)] } ?? []
        for field in dataset.fields where field.facet && ![.geoPoint2D, .geoShape, .jsonBlob].contains(field.type) {
            let compiled = try compiler.facet(query.odsql, field: field.name, limit: Self.facetValuesShown)
            let rows = try await memo.rows(of: dataset, compiled, load: store.rows)
            guard !rows.isEmpty else { continue }
            let key = "refine." + field.name
            let entries: [[String: Any]] = rows.map { row in
                let value = DatasetCells.raw(row.first ?? .null)
                let count = Int(row.count > 1 ? row[1].double ?? 0 : 0)
                let active = query.refines.contains { $0.field == field.name && $0.value == value }
                let filters =
                    active
                    ? query.filterPairs.filter { !($0.0 == key && $0.1 == value) } : query.filterPairs + [(key, value)]
                return [
                    "value": field.type == .boolean ? DatasetCells.boolean(value, language: language) : value,
                    "count": NumberFormat.integer(count, language: language),
                    "href": base + query.link(sortPair, filters: filters),
                    "active": active,
                ]
            }
            facets.append(["label": field.label, "name": field.name, "values": entries])
        }
        return facets
    }
}

/// Cell values written for people, from the ODSQL result columns.
enum DatasetCells {
    /// Fields shown in the table: everything but shapes and JSON blobs, which do not fit a cell.
    static func shownFields(_ dataset: Dataset) -> [DatasetField] {
        dataset.fields.filter { $0.type != .geoShape && $0.type != .jsonBlob }
    }

    static func text(_ row: [SQLValue], _ column: ResultColumn, language: Language) -> String {
        let first = column.firstSQLColumn
        guard first < row.count else { return "" }
        let value = row[first]
        switch column.type {
        case .geoPoint:
            guard first + 1 < row.count, let lat = value.double, let lon = row[first + 1].double else { return "" }
            return "\(lat), \(lon)"
        case .boolean:
            switch value {
            case .int(let number): return boolean(number != 0 ? "true" : "false", language: language)
            case .bool(let flag): return boolean(flag ? "true" : "false", language: language)
            default: return raw(value)
            }
        case .double:
            guard let number = value.double else { return raw(value) }
            return decimal(number, language: language)
        case .datetime:
            guard case .text(let stored) = value else { return raw(value) }
            return DateTimeRendering.render(stored, in: TimeZone(identifier: "Europe/Paris") ?? .gmt)
        default:
            return raw(value)
        }
    }

    static func raw(_ value: SQLValue) -> String {
        switch value {
        case .null: ""
        case .int(let number): String(number)
        case .double(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .text(let text): text
        case .bool(let flag): flag ? "true" : "false"
        }
    }

    static func boolean(_ value: String, language: Language) -> String {
        switch value {
        case "true", "1": language == .fr ? "oui" : "yes"
        case "false", "0": language == .fr ? "non" : "no"
        default: value
        }
    }

    /// `1 234,5` in French, `1,234.5` in English; at most six decimals, without trailing zeros.
    static func decimal(_ number: Double, language: Language) -> String {
        guard number.isFinite, abs(number) < 1e15 else { return String(number) }
        var text = String(format: "%.6f", abs(number))
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = NumberFormat.integer(Int(parts[0]) ?? 0, language: language)
        let sign = number < 0 && text != "0" ? "-" : ""
        guard parts.count == 2 else { return sign + whole }
        return sign + whole + (language == .fr ? "," : ".") + parts[1]
    }
}
