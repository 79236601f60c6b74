import ExportFormats
import Foundation
import Hummingbird
import Logging
import ODSQL
import Store
import Web

/// The export formats of a dataset: the text ones ``ExportEncoder`` writes, and the file formats of
/// ``ExportFileFormat``.
enum ExportFormat: String, CaseIterable {
    case csv, json, jsonl, geojson, xlsx, parquet, shp, kml, gpx, fgb
    /// One RDF resource per record (``RDFRecords``).
    case jsonld, turtle, rdfxml

    /// The file format ExportFormats writes, nil for the formats of ``ExportEncoder``.
    var file: ExportFileFormat? { ExportFileFormat(rawValue: rawValue) }

    /// The extension of the downloaded file (`zip` for a shapefile).
    var fileExtension: String { file?.fileExtension ?? rdfSyntax?.fileExtension ?? rawValue }

    var contentType: String {
        switch self {
        case .parquet, .shp, .kml, .gpx, .fgb: file?.contentType ?? "application/octet-stream"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .jsonl: "application/jsonl; charset=utf-8"
        case .geojson: "application/geo+json; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .jsonld, .turtle, .rdfxml: rdfSyntax?.contentType ?? "application/octet-stream"
        }
    }
}

/// How an export writes its rows, and the one query that reads them.
struct ExportPlan: Sendable {
    let format: ExportFormat
    var columns: [ResultColumn]
    let timeZone: TimeZone
    let delimiter: String
    let listSeparator: String
    let withBOM: Bool
    let quoteAll: Bool
    let headers: [String]
    /// The whole export: `limit` rows from `offset` on, or every row.
    let query: CompiledQuery
    /// The writer of a file format, begun before the answer starts.
    var file: FileExport?
    /// The dataset's URL in the API, under which the RDF exports name records and fields (``RDFRecords``).
    var resourceBase = ""
}

/// Reads the rows of a compiled query and hands them, batch by batch, to its consumer.
typealias RowStreamer = @Sendable (CompiledQuery, ([[SQLValue]]) async throws -> Void) async throws -> Void

/// The byte stream of an export after encoding: XLSX worksheets are zipped with the package parts, and
/// `compressed=true` gzips everything. Lives inside one response body.
final class ExportOutput {
    private let zip: ZipStream?
    private let gzip: Deflater?

    init(format: ExportFormat, compressed: Bool) {
        zip = format == .xlsx ? ZipStream() : nil
        gzip = compressed ? Deflater(.gzip) : nil
    }

    func open(sheetName: String) -> [UInt8] {
        guard let zip else { return [] }
        var bytes: [UInt8] = []
        for (path, text) in XLSXWriter.packageParts(sheetName: sheetName) { bytes += zip.add(path, Array(text.utf8)) }
        return compress(bytes + zip.begin(XLSXWriter.worksheetPath))
    }

    func write(_ bytes: [UInt8]) -> [UInt8] { compress(zip?.write(bytes) ?? bytes) }

    func close() -> [UInt8] {
        let last = compress(zip?.finish() ?? [])
        return last + (gzip?.finish() ?? [])
    }

    private func compress(_ bytes: [UInt8]) -> [UInt8] { gzip?.compress(bytes) ?? bytes }
}

/// The response body writer of an export, handed to the task that sends the rows while the handler's task keeps
/// the time: the writer is used by that one task only.
final class ExportSink: @unchecked Sendable {
    // @unchecked: `writer` is used by one task at a time, the one that sends the export.
    private var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) { self.writer = writer }

    func write(_ bytes: [UInt8]) async throws { try await writer.write(ByteBuffer(bytes: bytes)) }

    func finish() async throws {
        let last = writer
        try await last.finish(nil)
    }
}

extension ExploreAPIController {
    /// A dataset export: one slot of ``exportSlots`` (or a 503 when they stay taken), one query under the export
    /// budget. The first batch is read before the answer starts, so that a query cut by the budget before its
    /// first row (a `group_by` sorted on a `percentile`, say) gets the API's usual 400, like any query.
    func export(_ format: ExportFormat, request: Request, context: PortalRequestContext) async throws -> Response {
        let dataset = try await visibleDataset(context)
        let parameters = try APIParameters(request)
        let compiler = try await searchCompiler(for: dataset, parameters: parameters)
        let labels = Dictionary(dataset.fields.map { ($0.name, $0.label) }, uniquingKeysWith: { first, _ in first })
        var plan = try exportPlan(format, compiler: compiler, parameters: parameters, labels: labels)
        plan.resourceBase = requestOrigin(context) + Self.base + "/catalog/datasets/" + dataset.id
        if let file = format.file {
            plan.file = try FileExport(file, plan: plan, name: dataset.id, parameters: parameters, uploads: uploadsDirectory)
        }
        guard let slot = await exportSlots.enter() else {
            logger.warning("export refused: every export slot is taken", metadata: ["slots": "\(exportSlots.capacity)"])
            return exportSlots.busyResponse()
        }
        let stream = store.rowStream(plan.query)
        let first = try await stream.next()
        return try streamExport(plan, name: dataset.id, parameters: parameters, slot: slot) { _, consume in
            defer { stream.cancel() }
            guard let first else { return }
            try await consume(first)
            while let batch = try await stream.next() { try await consume(batch) }
        }
    }

    /// Validates the export parameters (`limit`, CSV options, `use_labels`) and compiles the query.
    func exportPlan(
        _ format: ExportFormat, compiler: ODSQL.Compiler, parameters: APIParameters, labels: [String: String],
        startOffset: Int = 0
    ) throws -> ExportPlan {
        var limit: Int?
        if let text = parameters.value("limit") {
            guard let number = Int(text), number >= -1 else {
                throw APIParameters.invalid("limit", text, expected: "limit >= -1")
            }
            limit = number == -1 ? nil : number
        }
        let query: CompiledQuery
        do {
            query = try compiler.records(
                parameters.query, limit: limit, offset: startOffset, includeRecordID: format.rdfSyntax != nil)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        let useLabels = try parameters.flag("use_labels", default: false)
        let delimiter = parameters.value("delimiter") ?? ";"
        guard delimiter.count == 1 else { throw APIParameters.invalid("delimiter", delimiter, expected: "one character") }
        let listSeparator = parameters.value("list_separator") ?? ","
        guard listSeparator.count == 1 else {
            throw APIParameters.invalid("list_separator", listSeparator, expected: "one character")
        }
        let columns = query.columns
        return ExportPlan(
            format: format, columns: columns, timeZone: parameters.timeZone, delimiter: delimiter,
            listSeparator: listSeparator, withBOM: try parameters.flag("with_bom", default: true),
            quoteAll: try parameters.flag("quote_all", default: false),
            headers: columns.map { useLabels ? labels[$0.key] ?? $0.key : $0.key },
            query: query
        )
    }

    /// Streams an export as one query read batch by batch (constant memory, no 10,000-row window), gzipped with `compressed=true`
    /// as `NAME.FORMAT.gzip` (the reference's naming) in `application/gzip`, without a `Content-Encoding`.
    ///
    /// The whole body is sent within the export budget (``QueryBudget/exportMilliseconds``). Past it, or when the
    /// client goes away, sending stops and the connection is closed without the final chunk: the status is sent
    /// already, and a client sees an incomplete body rather than a short file that looks whole. `slot` is given
    /// back when the body ends, however it ends.
    func streamExport(
        _ plan: ExportPlan, name: String, parameters: APIParameters, slot: ExportSlot? = nil,
        rows: @escaping RowStreamer
    ) throws -> Response {
        let compressed = try parameters.flag("compressed", default: false)
        let budget = store.queryBudget.exportMilliseconds
        let logger = self.logger
        let body = ResponseBody { writer in
            defer {
                slot?.release()
                plan.file?.close()
            }
            let sink = ExportSink(writer)
            let sent = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    let output = ExportOutput(format: plan.format, compressed: compressed)
                    if let file = plan.file {
                        try await sink.write(output.write(file.head))
                        try await file.stream(rows: rows, query: plan.query) { try await sink.write(output.write($0)) }
                        try await sink.write(output.close())
                        try await sink.finish()
                        return true
                    }
                    var first = true
                    try await sink.write(output.open(sheetName: name) + output.write(ExportEncoder.prologue(plan)))
                    try await rows(plan.query) { batch in
                        let bytes = output.write(ExportEncoder.rows(batch, plan: plan, first: first))
                        if !bytes.isEmpty { try await sink.write(bytes) }
                        first = first && batch.isEmpty
                    }
                    try await sink.write(output.write(ExportEncoder.epilogue(plan)) + output.close())
                    try await sink.finish()
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(budget))
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            guard sent else {
                logger.warning("export cut: over its time budget", metadata: ["dataset": "\(name)", "budget_ms": "\(budget)"])
                throw QueryTimeoutError(milliseconds: budget)
            }
        }
        let filename = "\(name).\(plan.format.fileExtension)" + (compressed ? ".gzip" : "")
        return Response(
            status: .ok,
            headers: [
                .contentType: compressed ? "application/gzip" : plan.format.contentType,
                .contentDisposition: "attachment; filename=\"\(filename)\"",
            ],
            body: body
        )
    }

    /// `/explore/dataset/{id}/download/?format=csv|json&csv_separator=;&use_labels_for_header=true`,
    /// the link older clients use, redirected to the export (``LegacyDownloadQuery``).
    func legacyDownload(request: Request, context: PortalRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let dataset = try await store.dataset(id: id), APIAccess.current.canSee(dataset) else {
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
        guard ExportFormat(rawValue: format) != nil else {
            throw APIParameters.invalid(
                "format", format, expected: ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return redirect(
            to: "\(Self.base)/catalog/datasets/\(dataset.id)/exports/\(format)?"
                + LegacyDownloadQuery.exportQuery(form.pairs))
    }
}
