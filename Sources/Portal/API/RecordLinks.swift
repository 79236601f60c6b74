import Foundation
import Hummingbird
import ODSQL
import Store
import Synchronization
import Web

/// The technical members of a record in Opendatasoft's record schema, which `records` and `records/{record_id}`
/// write with `include_links=true`, before the record's fields:
/// - `_id`, the record id: a hash of the dataset id and the record's values (the publisher's `RecordHasher`, with
///   `-1`, `-2`… on identical rows in file order), so the same on both engines and across a republication of the
///   same file; `records/{_id}` answers that record;
/// - `_timestamp`, when the dataset's current records were published, in the request's time zone;
/// - `_size`, the byte length of the record's JSON with every field in UTC, which is the body of `records/{_id}`
///   without `select` or `timezone`, whatever the request selected;
/// - `_links`: `self` (the record's URL) and `dataset`.
///
/// Grouped answers (`group_by`, aggregates) are not records and carry none of them.
struct RecordLinks {
    /// `https://host/api/explore/v2.1/catalog/datasets/{dataset_id}`.
    let datasetURL: String
    /// When the records were published, as the API writes datetimes; nil before the first import.
    let timestamp: String?

    init(datasetID: String, apiBase: String, processed: Date?, timeZone: TimeZone) {
        datasetURL = "\(apiBase)/catalog/datasets/\(datasetID)"
        timestamp = processed.map { DateTimeRendering.render($0, in: timeZone) }
    }

    /// Writes the record of `row` (its first column the record id, the others those of `renderer`) with its
    /// technical members first.
    func write(_ row: [SQLValue], size: Int?, renderer: RecordRenderer, to writer: inout JSONWriter) {
        let id: String
        if case .text(let text) = row.first { id = text } else { id = "" }
        writer.raw("{\"_id\":")
        writer.string(id)
        writer.raw(",\"_timestamp\":")
        if let timestamp { writer.string(timestamp) } else { writer.raw("null") }
        writer.raw(",\"_size\":")
        if let size { writer.number(Int64(size)) } else { writer.raw("null") }
        writer.raw(",\"_links\":[{\"rel\":\"self\",\"href\":")
        writer.string(datasetURL + "/records/" + id)
        writer.raw("},{\"rel\":\"dataset\",\"href\":")
        writer.string(datasetURL)
        writer.raw("}]")
        renderer.writeMembers(row, continuing: true, to: &writer)
        writer.raw("}")
    }

    /// Whether `select` asks for the whole record (absent or `*`).
    static func selectsWholeRecord(_ select: String) -> Bool {
        let trimmed = select.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "*"
    }

    /// The request's query string without the parameters `names`, left encoded as the client sent them.
    static func query(of request: Request, without names: Set<String>) -> String {
        (request.uri.query ?? "").split(separator: "&").filter { pair in
            let name = String(pair.split(separator: "=", maxSplits: 1).first ?? "")
            return !names.contains(name.removingPercentEncoding ?? name)
        }.joined(separator: "&")
    }
}

/// The dataset a one-trip record lookup read, kept for what is written after the lookup.
final class LookedUpDataset: Sendable {
    private let dataset = Mutex<Dataset?>(nil)

    /// The dataset kept by ``keep(_:)``, if the lookup found one.
    var value: Dataset? { dataset.withLock { $0 } }

    /// Keeps `found`.
    func keep(_ found: Dataset) { dataset.withLock { $0 = found } }
}

extension ExploreAPIController {
    /// The body of `records` with `include_links=true` for the ungrouped `compiled` (its first column the record id)
    /// and its `rows`: `total_count`, the page's `_links` (`self`, `first`, `last`, `next` with the request's other
    /// parameters) and each record with its ``RecordLinks`` members.
    func linkedRecords(
        _ dataset: Dataset, compiled: CompiledQuery, rows: [[SQLValue]], total: Int, compiler: ODSQL.Compiler,
        parameters: APIParameters, page: (limit: Int, offset: Int), request: Request, context: PortalRequestContext
    ) async throws -> Response {
        let apiBase = requestOrigin(context) + Self.base
        let links = RecordLinks(
            datasetID: dataset.id, apiBase: apiBase, processed: dataset.dataProcessed, timeZone: parameters.timeZone)
        let renderer = RecordRenderer(columns: Array(compiled.columns.dropFirst()), timeZone: parameters.timeZone)
        let sizes = try await recordSizes(rows, renderer: renderer, select: parameters.query.select, compiler: compiler)
        var writer = JSONWriter()
        writer.raw("{\"total_count\":\(total),\"_links\":")
        let kept = RecordLinks.query(of: request, without: ["limit", "offset"])
        writer.encoded(
            Self.pageLinks(
                links.datasetURL + "/records", limit: page.limit, offset: page.offset, total: total, keeping: kept))
        writer.raw(",\"results\":[")
        for (index, row) in rows.enumerated() {
            if index > 0 { writer.raw(",") }
            links.write(row, size: sizes[index], renderer: renderer, to: &writer)
        }
        writer.raw("]}")
        return jsonResponse(writer)
    }

    /// The body of `records/{record_id}` with `include_links=true`: the record of `row` (the lookup's `columns`,
    /// the record id first) with its ``RecordLinks`` members.
    func linkedRecord(
        _ row: [SQLValue], columns: [ResultColumn], dataset: Dataset, parameters: APIParameters,
        context: PortalRequestContext
    ) async throws -> Response {
        let links = RecordLinks(
            datasetID: dataset.id, apiBase: requestOrigin(context) + Self.base, processed: dataset.dataProcessed,
            timeZone: parameters.timeZone)
        let renderer = RecordRenderer(columns: Array(columns.dropFirst()), timeZone: parameters.timeZone)
        let compiler = try compiler(for: dataset, parameters: parameters)
        let sizes = try await recordSizes([row], renderer: renderer, select: parameters.query.select, compiler: compiler)
        var writer = JSONWriter()
        links.write(row, size: sizes[0], renderer: renderer, to: &writer)
        return jsonResponse(writer)
    }

    /// Each row's `_size` (see ``RecordLinks``), in order: rendered again in UTC when the rows hold whole records,
    /// else read by id in one query.
    private func recordSizes(
        _ rows: [[SQLValue]], renderer: RecordRenderer, select: String, compiler: ODSQL.Compiler
    ) async throws -> [Int?] {
        let utc = TimeZone(secondsFromGMT: 0) ?? .current
        if RecordLinks.selectsWholeRecord(select) {
            let inUTC = RecordRenderer(columns: renderer.columns, timeZone: utc)
            return rows.map { inUTC.size(of: $0) }
        }
        let ids = rows.map { row -> String in
            if case .text(let id) = row.first { return id }
            return ""
        }
        guard !ids.isEmpty else { return [] }
        var whole: CompiledQuery
        do {
            whole = try compiler.records(ODSQL.QueryText(), limit: nil, includeRecordID: true)
        } catch {
            throw APIError(status: .badRequest, code: "ODSQLError", message: error.message)
        }
        var placeholders: [String] = []
        for id in Set(ids) {
            whole.bindings.append(.text(id))
            placeholders.append(compiler.dialect.placeholder(whole.bindings.count))
        }
        whole.sql =
            "SELECT * FROM (\(whole.sql)) AS record WHERE record.\"_id\" IN (\(placeholders.joined(separator: ", ")))"
        let inUTC = RecordRenderer(columns: Array(whole.columns.dropFirst()), timeZone: utc)
        var sizes: [String: Int] = [:]
        for row in try await store.rows(whole) {
            if case .text(let id) = row.first { sizes[id] = inUTC.size(of: row) }
        }
        return ids.map { sizes[$0] }
    }
}
