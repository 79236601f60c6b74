import Foundation
import Hummingbird
import ODSQL
import Vocabulary
import Web

/// One `facet` parameter: a field name, or `facet(name="f", sort="-count", limit=10, disjunctive=true,
/// hierarchical=true, separator="/")`.
struct FacetSpec: Equatable {
    /// The longest `separator` accepted, in characters.
    static let longestSeparator = 5

    let name: String
    var sort: ODSQL.FacetSort?
    var limit: Int?
    /// Whether the facet's values are counted without the refines on its own field, which combine with OR.
    var disjunctive = false
    /// The separator of a hierarchical facet's paths; nil for a flat facet.
    var separator: String?

    init(
        name: String, sort: ODSQL.FacetSort? = nil, limit: Int? = nil, disjunctive: Bool = false,
        separator: String? = nil
    ) {
        self.name = name
        self.sort = sort
        self.limit = limit
        self.disjunctive = disjunctive
        self.separator = separator
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
        var disjunctive = false
        var hierarchical = false
        var separator: String?
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
            case "disjunctive": disjunctive = try Self.flag(value, key: key, text: text)
            case "hierarchical": hierarchical = try Self.flag(value, key: key, text: text)
            case "separator":
                guard (1...Self.longestSeparator).contains(value.count) else {
                    throw APIParameters.invalid(
                        "facet", text, expected: "a separator of 1 to \(Self.longestSeparator) characters")
                }
                separator = value
            default: throw Self.invalid(text)
            }
        }
        guard let name, !name.isEmpty else { throw Self.invalid(text) }
        if hierarchical, separator == nil {
            throw APIParameters.invalid("facet", text, expected: "a separator with hierarchical=true")
        }
        self.init(
            name: name, sort: sort, limit: limit, disjunctive: disjunctive, separator: hierarchical ? separator : nil)
    }

    /// `true` or `false` (any case), else the API's 400.
    private static func flag(_ value: String, key: String, text: String) throws -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw APIParameters.invalid("facet", text, expected: "\(key)=true or \(key)=false")
        }
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
/// refined period nested under it, and hierarchical facets by their paths' first level, with the next level of a
/// refined path nested under it; refined values are `refined`, excluded ones are listed as `excluded` without
/// a count. A disjunctive facet is counted without the refines on its own field; every facet counts the refines of
/// a disjunctive field as one OR, and matches the paths below a refined path of a hierarchical field.
struct FacetEnumeration {
    let compiler: ODSQL.Compiler
    let query: ODSQL.QueryText
    let fetch: @Sendable (CompiledQuery) async throws -> [[SQLValue]]

    func document(_ specs: [FacetSpec]) async throws -> JSONWriter {
        var query = self.query
        for spec in specs {
            if spec.disjunctive { query.disjunctiveFields.insert(spec.name) }
            if let separator = spec.separator { query.hierarchySeparators[spec.name] = separator }
        }
        var writer = JSONWriter()
        writer.raw("{\"links\":[],\"facets\":[")
        for (index, spec) in specs.enumerated() {
            if index > 0 { writer.raw(",") }
            var counted = query
            if spec.disjunctive {
                counted.refines.removeAll { ODSQL.facetFilterField($0) == spec.name }
            }
            try await write(spec, counting: counted, to: &writer)
        }
        writer.raw("]}")
        return writer
    }

    private func write(_ spec: FacetSpec, counting query: ODSQL.QueryText, to writer: inout JSONWriter) async throws {
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
        if spec.separator != nil, field.type != .text, !temporal {
            throw APIParameters.invalid(
                "facet", spec.name, expected: "a text field with hierarchical=true (not \(field.type.rawValue))")
        }
        let refined = values(of: field.name, in: self.query.refines, temporal: temporal)
        let excluded = values(of: field.name, in: self.query.excludes, temporal: temporal)
        writer.raw("{\"name\":")
        writer.string(field.name)
        writer.raw(",\"facets\":[")
        let nesting: Nesting =
            temporal ? .dates([.year, .month, .day]) : spec.separator.map { .paths(separator: $0) } ?? .flat
        var count = try await writeLevel(
            field, query: query, nesting: nesting, parent: nil, sort: sort, limit: spec.limit, refined: refined,
            to: &writer)
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

    /// How a facet's values nest: not at all, dates by year then month then day, or paths level by level.
    private enum Nesting {
        case flat
        case dates(ArraySlice<ODSQL.FacetLevel>)
        case paths(separator: String)

        /// The levels' separator in values.
        var separator: String {
            if case .paths(let separator) = self { return separator }
            return "/"
        }
    }

    /// Writes the values of one level (under `parent` for nested levels); returns how many.
    private func writeLevel(
        _ field: ODSQL.Field, query: ODSQL.QueryText, nesting: Nesting, parent: String?, sort: ODSQL.FacetSort,
        limit: Int?, refined: [String], to writer: inout JSONWriter
    ) async throws -> Int {
        let level: ODSQL.FacetLevel
        var hierarchy: ODSQL.FacetHierarchy?
        var deeper: Nesting?
        switch nesting {
        case .flat: level = .value
        case .dates(let levels):
            guard let first = levels.first else { return 0 }
            level = first
            if levels.count > 1 { deeper = .dates(levels.dropFirst()) }
        case .paths(let separator):
            level = .value
            hierarchy = ODSQL.FacetHierarchy(separator: separator, parent: parent)
            deeper = nesting
        }
        let separator = nesting.separator
        let compiled: CompiledQuery
        do {
            compiled = try compiler.facet(
                query, field: field.name, level: level, sort: sort, limit: parent == nil ? limit : nil,
                hierarchy: hierarchy)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        var written = 0
        for row in try await fetch(compiled) {
            guard row.count >= 2, let value = Self.text(row[0], field: field) else { continue }
            if let parent, !value.hasPrefix(parent + separator) { continue }
            if written > 0 { writer.raw(",") }
            written += 1
            let isRefined = refined.contains { $0 == value || $0.hasPrefix(value + separator) }
            writer.raw("{\"name\":")
            writer.string(parent.map { String(value.dropFirst($0.count + separator.count)) } ?? value)
            writer.raw(",\"count\":")
            writer.raw(Self.text(row[1], field: ODSQL.Field(name: "count", type: .int)) ?? "0")
            writer.raw(isRefined ? ",\"state\":\"refined\"" : ",\"state\":\"displayed\"")
            writer.raw(",\"value\":")
            writer.string(value)
            if isRefined, let deeper {
                var children = JSONWriter()
                let count = try await writeLevel(
                    field, query: query, nesting: deeper, parent: value, sort: sort, limit: nil, refined: refined,
                    to: &children)
                if count > 0 {
                    writer.raw(",\"facets\":[")
                    writer.bytes += children.bytes
                    writer.raw("]")
                }
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
