import Foundation
import Hummingbird
import ODSQL
import Store
import Web

/// The formats of `catalog/exports/{format}`.
enum CatalogExportFormat: String, CaseIterable {
    case csv, json, jsonl, dcat
}

extension ExploreAPIController {
    /// The catalog as CSV, JSON or JSON Lines (one flat object per dataset, filtered and shaped by the same
    /// ODSQL parameters as `catalog/datasets`), or as DCAT-AP RDF/XML.
    func catalogExport(_ format: CatalogExportFormat, request: Request, context: PortalRequestContext) async throws
        -> Response
    {
        let parameters = try APIParameters(request)
        let table = try await catalogTable(language: parameters.language)
        let compiler = CatalogTable.compiler(now: clock(), language: parameters.language)
        let exportFormat: ExportFormat
        switch format {
        case .csv: exportFormat = .csv
        case .json: exportFormat = .json
        case .jsonl: exportFormat = .jsonl
        case .dcat: return try dcatExport(parameters: parameters, table: table, compiler: compiler, context: context)
        }
        var offset = 0
        if let text = parameters.value("offset") {
            guard let number = Int(text), number >= 0 else {
                throw APIParameters.invalid("offset", text, expected: "offset >= 0")
            }
            offset = number
        }
        let plan = try exportPlan(exportFormat, compiler: compiler, parameters: parameters, labels: [:], startOffset: offset)
        return try streamExport(plan, name: "catalog", parameters: parameters) { query, consume in
            try await consume(try table.rows(query))
        }
    }

    private func dcatExport(
        parameters: APIParameters, table: CatalogTable, compiler: ODSQL.Compiler, context: PortalRequestContext
    ) throws -> Response {
        // A format Garona lacks is left out of the distributions, never a 400 for the whole catalog (harvesters
        // such as data.gouv.fr's ask for a fixed list).
        var formats: [ExportFormat] = []
        for name in (parameters.value("include_exports") ?? "csv,json,jsonl,geojson,xlsx").split(separator: ",") {
            let format = ExportFormat(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased())
            if let format, !formats.contains(format) { formats.append(format) }
        }
        let useLabels = try parameters.flag("use_labels_in_exports", default: true)
        var query = parameters.query
        query.select = ""
        query.groupBy = ""
        let ids: [String]
        do {
            ids = try table.rows(compiler.records(query, limit: nil, includeRecordID: true)).compactMap { row in
                if case .text(let id) = row.first { return id }
                return nil
            }
        } catch let error as ODSQLError {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        let writer = DCATWriter(
            origin: requestOrigin(context), apiBase: Self.base, formats: formats, useLabels: useLabels,
            language: parameters.language)
        let xml = writer.document(ids.compactMap { table.datasets[$0] })
        var bytes = Array(xml.utf8)
        var filename = "catalog.rdf"
        var contentType = "application/rdf+xml; charset=utf-8"
        if try parameters.flag("compressed", default: false) {
            let gzip = Deflater(.gzip)
            bytes = gzip.compress(bytes) + gzip.finish()
            filename += ".gzip"
            contentType = "application/gzip"
        }
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
