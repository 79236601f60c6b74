import ExportFormats
import Foundation
import Hummingbird
import ODSQL
import Web

/// A file-format export (Parquet, zipped shapefile, KML, GPX, FlatGeobuf): its ``StreamingExportWriter``, the
/// first bytes the writer gave before the answer started, and a scratch directory of its own inside the data
/// directory. The directory is removed when the response body ends, however it ends, and at the latest when
/// the response is released (a response never sent included).
final class FileExport: @unchecked Sendable {
    // @unchecked: `writer` is used by one task at a time: the handler's until the response is returned, then
    // the one that sends the body.
    let writer: any StreamingExportWriter
    /// ``StreamingExportWriter/begin()``'s bytes, written before the answer so that its errors are a 400.
    let head: [UInt8]
    private let scratch: URL

    /// Parses the format's parameters and begins the writer; a bad parameter is the API's 400.
    init(
        _ format: ExportFileFormat, plan: ExportPlan, name: String, parameters: APIParameters, uploads: URL
    ) throws {
        let options = try Self.options(name: name, parameters: parameters)
        scratch = uploads.appendingPathComponent("export-" + UUID().uuidString)
        try FileManager.default.createDirectory(
            at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fields = zip(plan.columns, plan.headers).map { ExportField(name: $1, column: $0) }
        let scratchOptions = ExportFileFormat.Options(
            name: options.name, epsg: options.epsg, parquetCompression: options.parquetCompression, gpx: options.gpx,
            scratchDirectory: scratch)
        do {
            writer = try format.writer(fields: fields, options: scratchOptions)
            head = try writer.begin()
        } catch let error as ReprojectionError {
            Self.remove(scratch)
            throw APIParameters.invalid("epsg", String(error.epsg), expected: "an EPSG code PROJ knows (\(error.reason))")
        } catch let error as ExportFormatError {
            Self.remove(scratch)
            throw APIError(status: .badRequest, code: "InvalidRESTParameterError", message: error.message)
        } catch {
            Self.remove(scratch)
            throw error
        }
    }

    deinit { Self.remove(scratch) }

    /// Removes the scratch directory (the writer's files in it too).
    func close() { Self.remove(scratch) }

    private static func remove(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// `epsg` (4326 by default), `parquet_compression` (snappy by default), and the GPX options `name_field`,
    /// `description_field_list` (comma-separated) and `use_extension` (true by default).
    static func options(name: String, parameters: APIParameters) throws -> ExportFileFormat.Options {
        var epsg = 4326
        if let text = parameters.value("epsg") {
            guard let number = Int(text), number > 0 else {
                throw APIParameters.invalid("epsg", text, expected: "an EPSG code (a positive integer)")
            }
            epsg = number
        }
        var compression = ParquetCompression.snappy
        if let text = parameters.value("parquet_compression") {
            guard text.lowercased() != "zstd" else {
                throw APIParameters.invalid(
                    "parquet_compression", text, expected: "snappy, gzip or uncompressed (zstd is not available)")
            }
            guard let known = ParquetCompression(rawValue: text.lowercased()) else {
                throw APIParameters.invalid("parquet_compression", text, expected: "snappy, gzip or uncompressed")
            }
            compression = known
        }
        let described = (parameters.value("description_field_list") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let gpx = GPXOptions(
            nameField: parameters.value("name_field").flatMap { $0.isEmpty ? nil : $0 }, descriptionFields: described,
            useExtension: try parameters.flag("use_extension", default: true))
        return ExportFileFormat.Options(name: name, epsg: epsg, parquetCompression: compression, gpx: gpx)
    }

    /// Sends the rest of the file through `send`: each batch as the writer encodes it, then its trailing chunks.
    func stream(
        rows: RowStreamer, query: CompiledQuery, send: @escaping ([UInt8]) async throws -> Void
    ) async throws {
        try await rows(query) { batch in
            let bytes = try self.writer.write(batch)
            if !bytes.isEmpty { try await send(bytes) }
        }
        while let chunk = try writer.nextTrailingChunk() { try await send(chunk) }
    }
}
