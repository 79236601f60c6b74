import Foundation
import Hummingbird
import ODSQL
import Vocabulary
import Web

/// One `facet` parameter: a field name, or `facet(name="f", sort="-count", limit=10, ...)` (the `disjunctive`,
/// `hierarchical` and `separator` arguments are accepted and ignored).
struct FacetSpec: Equatable {
    let name: String
    var sort: ODSQL.FacetSort?
    var limit: Int?

    init(name: String, sort: ODSQL.FacetSort? = nil, limit: Int? = nil) {
        self.name = name
        self.sort = sort
        self.limit = limit
    }

    init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("facet(") else {
            self.init(name: trimmed)
            return
        }
        guard trimmed.hasSuffix(")") else { throw Self.invalid(text) }
        var name: String?
        var sort: ODSQL.FacetSort?
        var limit: Int?
        for argument in Self.arguments(String(trimmed.dropFirst(6).dropLast())) {
            guard let equals = argument.firstIndex(of: "=") else { throw Self.invalid(text) }
            let key = argument[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = argument[argument.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            switch key {
            case "name": name = value
            case "sort":
                guard let parsed = ODSQL.FacetSort(rawValue: value) else {
                    throw APIParameters.invalid(
                        "facet", text, expected: "a sort among count, -count, alphanum, -alphanum, num, -num")
                }
                sort = parsed
            case "limit":
                guard let number = Int(value), number > 0 else {
                    throw APIParameters.invalid("facet", text, expected: "limit > 0")
                }
                limit = number
            case "disjunctive", "hierarchical", "separator": break
            default: throw Self.invalid(text)
            }
        }
        guard let name, !name.isEmpty else { throw Self.invalid(text) }
        self.init(name: name, sort: sort, limit: limit)
    }

    /// Splits `a="x, y", b=2` on the commas outside quotes.
    private static func arguments(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "," {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(current) }
        return parts
    }

    private static func invalid(_ text: String) -> APIError {
        APIParameters.invalid("facet", text, expected: #"a field name or facet(name="field", ...)"#)
    }
}

/// Lists facet values and counts in the Explore API shape, `{"links":[],"facets":[{"name","facets":[{"name",
/// "count","state","value"}]}]}`, for records or for the catalog: dates by year, with the months (then days) of a
/// refined period nested under it; refined values are `refined`, excluded ones are listed as `excluded` without
/// a count.
struct FacetEnumeration {
    let compiler: ODSQL.Compiler
    let query: ODSQL.QueryText
    let fetch: @Sendable (CompiledQuery) async throws -> [[SQLValue]]

    func document(_ specs: [FacetSpec]) async throws -> JSONWriter {
        var writer = JSONWriter()
        writer.raw("{\"links\":[],\"facets\":[")
        for (index, spec) in specs.enumerated() {
            if index > 0 { writer.raw(",") }
            try await write(spec, to: &writer)
        }
        writer.raw("]}")
        return writer
    }

    private func write(_ spec: FacetSpec, to writer: inout JSONWriter) async throws {
        guard let field = compiler.schema.field(named: spec.name) else {
            throw APIError(
                status: .badRequest, code: "InvalidRESTParameterError", message: "Unknown facet field: \(spec.name.prefix(100))")
        }
        let temporal = field.type == .date || field.type == .datetime
        let sort = spec.sort ?? (temporal ? .alphanumAscending : .countDescending)
        let alphanumeric = field.type == .text || temporal
        let numeric = field.type == .int || field.type == .double
        if [.alphanumAscending, .alphanumDescending].contains(sort), !alphanumeric {
            throw APIParameters.invalid("facet", spec.name, expected: "a count or num sort for a \(field.type.rawValue) field")
        }
        if [.numAscending, .numDescending].contains(sort), !numeric {
            throw APIParameters.invalid(
                "facet", spec.name, expected: "a count or alphanum sort for a \(field.type.rawValue) field")
        }
        let refined = values(of: field.name, in: query.refines, temporal: temporal)
        let excluded = values(of: field.name, in: query.excludes, temporal: temporal)
        writer.raw("{\"name\":")
        writer.string(field.name)
        writer.raw(",\"facets\":[")
        let levels: [ODSQL.FacetLevel] = temporal ? [.year, .month, .day] : [.value]
        var count = try await writeLevel(
            field, levels: levels[...], parent: nil, sort: sort, limit: spec.limit, refined: refined, to: &writer)
        for value in excluded {
            if count > 0 { writer.raw(",") }
            writer.raw("{\"name\":")
            writer.string(value)
            writer.raw(",\"state\":\"excluded\",\"value\":")
            writer.string(value)
            writer.raw("}")
            count += 1
        }
        writer.raw("]}")
    }

    /// Writes the values of one level (under `parent` for nested date levels); returns how many.
    private func writeLevel(
        _ field: ODSQL.Field, levels: ArraySlice<ODSQL.FacetLevel>, parent: String?, sort: ODSQL.FacetSort, limit: Int?,
        refined: [String], to writer: inout JSONWriter
    ) async throws -> Int {
        guard let level = levels.first else { return 0 }
        let compiled: CompiledQuery
        do {
            compiled = try compiler.facet(query, field: field.name, level: level, sort: sort, limit: parent == nil ? limit : nil)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        var written = 0
        for row in try await fetch(compiled) {
            guard row.count >= 2, let value = Self.text(row[0], field: field) else { continue }
            if let parent, !value.hasPrefix(parent + "/") { continue }
            if written > 0 { writer.raw(",") }
            written += 1
            let isRefined = refined.contains { $0 == value || $0.hasPrefix(value + "/") }
            writer.raw("{\"name\":")
            writer.string(parent.map { String(value.dropFirst($0.count + 1)) } ?? value)
            writer.raw(",\"count\":")
            writer.raw(Self.text(row[1], field: ODSQL.Field(name: "count", type: .int)) ?? "0")
            writer.raw(isRefined ? ",\"state\":\"refined\"" : ",\"state\":\"displayed\"")
            writer.raw(",\"value\":")
            writer.string(value)
            if isRefined, levels.count > 1, refined.contains(where: { $0.hasPrefix(value) }) {
                writer.raw(",\"facets\":[")
                _ = try await writeLevel(
                    field, levels: levels.dropFirst(), parent: value, sort: sort, limit: nil, refined: refined, to: &writer)
                writer.raw("]")
            }
            writer.raw("}")
        }
        return written
    }

    /// The values given for `field` in `refine`/`exclude` (`field:value`); dates as `2020/11/05`.
    private func values(of field: String, in filters: [String], temporal: Bool) -> [String] {
        filters.compactMap { filter in
            guard let colon = filter.firstIndex(of: ":"), filter[..<colon].trimmingCharacters(in: .whitespaces) == field else {
                return nil
            }
            let value = String(filter[filter.index(after: colon)...])
            return temporal ? value.trimmingCharacters(in: .whitespaces).replacing("-", with: "/") : value
        }
    }

    /// A facet value as the API shows it: always a string.
    static func text(_ value: SQLValue, field: ODSQL.Field) -> String? {
        switch value {
        case .null: return nil
        case .text(let text): return text
        case .int(let number):
            if field.type == .boolean { return number != 0 ? "true" : "false" }
            return String(number)
        case .double(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        }
    }
}
