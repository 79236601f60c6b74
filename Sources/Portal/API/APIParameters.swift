import Foundation
import Hummingbird
import ODSQL
import Web

/// The query parameters of an Explore API request, validated with Opendatasoft's messages.
struct APIParameters {
    let query: ODSQL.QueryText
    let language: String
    let timeZone: TimeZone
    private let values: [(String, String)]

    init(_ request: Request) throws {
        try Self.checkEncoding(of: request)
        let values = request.queryForm.pairs.map { ($0.name, $0.value) }
        self.values = values
        let all = { (name: String) -> [String] in values.filter { $0.0 == name }.map(\.1) }
        query = ODSQL.QueryText(
            select: all("select").last ?? "",
            where: all("where").filter { !$0.isEmpty } + all("q").filter { !$0.isEmpty }.map(Self.searchClause),
            groupBy: all("group_by").last ?? "",
            orderBy: all("order_by").last ?? "",
            refines: all("refine"),
            excludes: all("exclude")
        )
        let language = all("lang").last ?? "fr"
        guard ["fr", "en", "nl", "pt", "it", "ar", "de", "es", "ca", "eu", "sv"].contains(language) else {
            throw Self.invalid("lang", language, expected: "one of fr, en, nl, pt, it, ar, de, es, ca, eu, sv")
        }
        self.language = language
        let zone = all("timezone").last ?? "UTC"
        guard let timeZone = TimeZone(identifier: zone) else {
            throw Self.invalid("timezone", zone, expected: "a valid time zone")
        }
        self.timeZone = timeZone
    }

    /// The value of `name`, if given.
    func value(_ name: String) -> String? { values.last { $0.0 == name }?.1 }

    /// A boolean parameter (`true`/`false`), with its default.
    func flag(_ name: String, default fallback: Bool) throws -> Bool {
        guard let text = value(name) else { return fallback }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw Self.invalid(name, text, expected: "true or false")
        }
    }

    /// `limit` and `offset`, within the Explore API's bounds.
    func page(defaultLimit: Int, maxLimit: Int, window: Int = 10_000) throws -> (limit: Int, offset: Int) {
        var limit = defaultLimit
        if let text = value("limit") {
            guard let number = Int(text), (-1...maxLimit).contains(number) else {
                throw Self.invalid("limit", text, expected: "-1 <= limit <= \(maxLimit)")
            }
            limit = number == -1 ? maxLimit : number
        }
        var offset = 0
        if let text = value("offset") {
            guard let number = Int(text), (0...window).contains(number) else {
                throw Self.invalid("offset", text, expected: "0 <= offset <= \(window)")
            }
            offset = number
        }
        guard offset + limit <= window else {
            throw APIError(
                status: .badRequest, code: "InvalidRESTParameterError",
                message:
                    "Invalid value for sum of offset + limit API parameter: \(offset + limit) was found but <= \(window) is expected."
            )
        }
        return (limit, offset)
    }

    static func invalid(_ name: String, _ value: String, expected: String) -> APIError {
        APIError(
            status: .badRequest, code: "InvalidRESTParameterError",
            message: "Invalid value for \(name) API parameter: \(value.prefix(200)) was found but \(expected) is expected."
        )
    }

    /// `q=words` is a full-text search: a `search("…")` clause with the words as a string literal.
    private static func searchClause(_ text: String) -> String {
        "search(\"" + SQLQuoting.backslashing(["\\", "\""], in: String(text.prefix(1000))) + "\")"
    }
}
