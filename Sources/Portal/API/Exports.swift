import Foundation
import Hummingbird
import ODSQL
import Store
import Web

/// The export formats of a dataset.
enum ExportFormat: String, CaseIterable {
    case csv, json, jsonl, geojson

    var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .jsonl: "application/jsonl; charset=utf-8"
        case .geojson: "application/geo+json; charset=utf-8"
        }
    }
}

/// How an export writes its rows, and where its constant-size pages come from.
struct ExportPlan: Sendable {
    let format: ExportFormat
    let columns: [ResultColumn]
    let timeZone: TimeZone
    let delimiter: String
    let withBOM: Bool
    let quoteAll: Bool
    let headers: [String]
    /// Compiles page `index` of the query.
    let page: @Sendable (_ limit: Int, _ offset: Int) throws -> CompiledQuery
    let total: Int?
}

extension PortalServices {
    static let exportPageSize = 5_000

    func export(_ format: ExportFormat, request: Request, context: PortalRequestContext) async throws -> Response {
        let dataset = try await visibleDataset(context)
        let parameters = try APIParameters(request)
        if try parameters.flag("compressed", default: false) {
            throw APIError(
                status: .badRequest, code: "InvalidRESTParameterError", message: "compressed=true is not supported yet."
            )
        }
        let (compiler, _) = try compiler(for: dataset, parameters: parameters)
        var limit: Int?
        if let text = parameters.value("limit") {
            guard let number = Int(text), number >= -1 else {
                throw APIParameters.invalid("limit", text, expected: "limit >= -1")
            }
            limit = number == -1 ? nil : number
        }
        let query = parameters.query
        let columns: [ResultColumn]
        do {
            columns = try compiler.records(query, limit: 0).columns
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        let useLabels = try parameters.flag("use_labels", default: false)
        let labels = Dictionary(dataset.fields.map { ($0.name, $0.label) }, uniquingKeysWith: { first, _ in first })
        let delimiter = parameters.value("delimiter") ?? ";"
        guard delimiter.count == 1 else { throw APIParameters.invalid("delimiter", delimiter, expected: "one character") }
        let plan = ExportPlan(
            format: format, columns: columns, timeZone: parameters.timeZone, delimiter: delimiter,
            withBOM: try parameters.flag("with_bom", default: true), quoteAll: try parameters.flag("quote_all", default: false),
            headers: columns.map { useLabels ? labels[$0.key] ?? $0.key : $0.key },
            page: { pageLimit, offset in try compiler.records(query, limit: pageLimit, offset: offset) }, total: limit
        )
        let store = self.store
        let body = ResponseBody { writer in
            var written = 0
            var offset = 0
            var first = true
            try await writer.write(ByteBuffer(bytes: ExportEncoder.prologue(plan)))
            while true {
                let size = plan.total.map { min(Self.exportPageSize, $0 - written) } ?? Self.exportPageSize
                guard size > 0 else { break }
                let rows = try await store.rows(try plan.page(size, offset))
                try await writer.write(ByteBuffer(bytes: ExportEncoder.rows(rows, plan: plan, first: first)))
                first = first && rows.isEmpty
                written += rows.count
                offset += rows.count
                if rows.count < size { break }
            }
            try await writer.write(ByteBuffer(bytes: ExportEncoder.epilogue(plan)))
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: format.contentType,
                .contentDisposition: "attachment; filename=\"\(dataset.id).\(format.rawValue)\"",
            ],
            body: body
        )
    }

    /// `/explore/dataset/{id}/download/?format=csv|json&csv_separator=;&use_labels_for_header=true`,
    /// the link older clients use.
    func legacyDownload(request: Request, context: PortalRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let dataset = try await store.dataset(id: id), dataset.metadata.visibility == .public else {
            let body =
                #"{"errorcode": 10001, "error": "Unknown dataset: "# + (id.prefix(100).filter { $0 != "\"" && $0 != "\\" })
                + "\"}"
            return Response(
                status: .notFound, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body))
            )
        }
        let form = request.queryForm
        let format = form["format"] ?? "csv"
        var query = ["use_labels=" + (form["use_labels_for_header"] ?? "false").urlQueryEncoded]
        if let separator = form["csv_separator"] { query.append("delimiter=" + separator.urlQueryEncoded) }
        guard ["csv", "json", "jsonl", "geojson"].contains(format) else {
            throw APIParameters.invalid("format", format, expected: "csv, json, jsonl or geojson")
        }
        return Self.redirect(
            to: "\(Self.apiBase)/catalog/datasets/\(dataset.id)/exports/\(format)?" + query.joined(separator: "&"))
    }
}
