import Foundation
import Ingest
import ODSQL
import Store
import Vocabulary

/// The state of a dataset page, read from its URL: `q`, `refine.field=value`, `sort`, `page` and the analyze
/// tab's choices. What cannot be used is dropped and named in ``ignored``, so the page still renders.
struct DatasetPageQuery {
    static let pageSize = 20
    /// Paging stops here, as the API's `offset + limit <= 10000`; sorting or filtering reaches the rest.
    static let maxOffset = 10_000
    static let maxSearchLength = 500
    /// Parameters another tab reads; they are kept in links and not reported.
    static let analyzeNames: Set<String> = ["agg", "y", "x", "period"]

    var search = ""
    var refines: [(field: String, value: String)] = []
    var sort: (field: String, descending: Bool)?
    var page = 1
    /// Analyze tab parameters, validated by that tab.
    var extra: [String: String] = [:]
    /// Human-readable descriptions of what was ignored (`page=-3`, `refine.nope`).
    var ignored: [String] = []

    init(pairs: [(name: String, value: String)], dataset: Dataset, compiler: ODSQL.Compiler?) {
        for (name, value) in pairs {
            switch name {
            case "q":
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.count > Self.maxSearchLength || trimmed.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                    ignored.append("q")
                } else {
                    search = trimmed
                }
            case "sort":
                let descending = value.hasPrefix("-")
                let fieldName = descending ? String(value.dropFirst()) : value
                if dataset.fields.contains(where: { $0.name == fieldName && $0.sortable }) {
                    sort = (fieldName, descending)
                } else if !value.isEmpty {
                    ignored.append("sort=" + Self.short(value))
                }
            case "page":
                if let number = Self.pageNumber(value) {
                    page = number
                } else {
                    ignored.append("page=" + Self.short(value))
                }
            case _ where name.hasPrefix("refine."):
                let fieldName = String(name.dropFirst("refine.".count))
                if Self.isRefinable(fieldName, value: value, dataset: dataset, compiler: compiler),
                    !refines.contains(where: { $0.field == fieldName && $0.value == value })
                {
                    refines.append((fieldName, value))
                } else {
                    ignored.append(Self.short(name) + "=" + Self.short(value))
                }
            case _ where Self.analyzeNames.contains(name):
                extra[name] = value
            default:
                ignored.append(Self.short(name))
            }
        }
        if !search.isEmpty, let compiler, (try? compiler.count(odsql)) == nil {
            ignored.append("q")
            search = ""
        }
    }

    /// The query for ODSQL: the search as a `search()` clause and the refines as `field:value`.
    var odsql: ODSQL.QueryText {
        var text = ODSQL.QueryText()
        if !search.isEmpty { text.wheres = [Self.searchClause(search)] }
        text.refines = refines.map { "\($0.field):\($0.value)" }
        return text
    }

    /// The first row of ``page``; pages past the paging window (which the table tab refuses or clamps first) stop at
    /// its end rather than overflow.
    var offset: Int { min(page - 1, Self.maxOffset / Self.pageSize) * Self.pageSize }

    /// A page number: decimal digits worth at least 1. Digits too many for an `Int` read as `Int.max`, a page past
    /// any last page, like every other page number there is no page for; anything else is nil.
    static func pageNumber(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        let number = Int(text) ?? .max
        return number >= 1 ? number : nil
    }

    /// The filter parameters (`q`, `refine.*`) as URL query pairs.
    var filterPairs: [(String, String)] {
        (search.isEmpty ? [] : [("q", search)]) + refines.map { ("refine.\($0.field)", $0.value) }
    }

    /// The filters as the API spells them (`q`, `refine=field:value`).
    var apiPairs: [(String, String)] {
        (search.isEmpty ? [] : [("q", search)]) + refines.map { ("refine", "\($0.field):\($0.value)") }
    }

    /// `?a=b&c=d` (or "") with the filters, then `more`.
    func link(_ more: [(String, String)] = [], filters: [(String, String)]? = nil) -> String {
        Self.queryString((filters ?? filterPairs) + more)
    }

    static func queryString(_ pairs: [(String, String)]) -> String {
        pairs.isEmpty ? "" : "?" + pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~:")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `` `name` `` for ODSQL, escaping backticks.
    static func identifier(_ name: String) -> String {
        "`" + SQLQuoting.backslashing(["\\", "`"], in: name) + "`"
    }

    static func searchClause(_ text: String) -> String {
        "search(\"" + SQLQuoting.backslashing(["\\", "\""], in: text) + "\")"
    }

    private static func isRefinable(_ name: String, value: String, dataset: Dataset, compiler: ODSQL.Compiler?) -> Bool {
        guard let field = dataset.fields.first(where: { $0.name == name }), value.count <= 500,
            ![.geoPoint2D, .geoShape, .jsonBlob].contains(field.type), let compiler
        else { return false }
        return (try? compiler.count(ODSQL.QueryText(refines: ["\(name):\(value)"]))) != nil
    }

    private static func short(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
