import FuzzDriver
import Ingest
import Vocabulary

/// What the first byte of an input asks for; the rest of the input is the file.
enum IngestMode: UInt8, CaseIterable {
    /// No format given: detection sniffs it.
    case sniffed
    case csv
    case json
    case jsonLines
    case geoJSON
    case xlsx
    /// The payload is one WKT cell of a `geo_shape` column.
    case wkt
    /// The payload is CSV rows under nine columns forced to each field type in turn: every cell is converted.
    case forcedTypes

    /// The mode named by `byte` (modulo the number of modes).
    init(byte: UInt8) {
        self = Self(rawValue: byte % UInt8(Self.allCases.count)) ?? .sniffed
    }

    /// The file and the options to import it with.
    func file(_ payload: [UInt8]) -> (bytes: [UInt8], name: String, options: IngestOptions) {
        switch self {
        case .sniffed: return (payload, "upload", IngestOptions())
        case .csv: return (payload, "data.csv", IngestOptions(format: .csv))
        case .json: return (payload, "data.json", IngestOptions(format: .json))
        case .jsonLines: return (payload, "data.jsonl", IngestOptions(format: .jsonLines))
        case .geoJSON: return (payload, "data.geojson", IngestOptions(format: .geoJSON))
        case .xlsx: return (payload, "data.xlsx", IngestOptions(format: .xlsx))
        case .wkt:
            // One quoted cell: the payload with its quotes doubled.
            var bytes = Array("shape\n\"".utf8)
            for byte in payload {
                bytes.append(byte)
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            }
            bytes.append(contentsOf: Array("\"\n".utf8))
            return (bytes, "data.csv", IngestOptions(format: .csv, fieldTypes: ["shape": .geoShape]))
        case .forcedTypes:
            let types = FieldType.allCases
            let header = types.map(\.rawValue).joined(separator: ";") + "\n"
            let options = IngestOptions(
                format: .csv, delimiter: UInt8(ascii: ";"),
                fieldTypes: Dictionary(uniqueKeysWithValues: types.map { ($0.rawValue, $0) }))
            return (Array(header.utf8) + payload, "data.csv", options)
        }
    }
}

/// Detects (format, encoding, delimiter, types: the inference pass) then reads every record (the conversion
/// pass), as `garona import` and the back office do. Import errors are expected; a trap or a sanitizer report
/// is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let (bytes, name, options) = IngestMode(byte: input[0]).file(Array(input.dropFirst()))
    var limited = options
    limited.limits = IngestLimits(maxCellBytes: 256 * 1024, maxColumns: 500, maxRecordBytes: 1024 * 1024, chunkSize: 4096)
    do {
        let detection = try Ingest.detect(bytes: bytes, fileName: name, options: limited)
        _ = detection.preview
        let reader = try Ingest.read(bytes: bytes, detection: detection, batchSize: 7)
        while let batch = try reader.next() { _ = batch.rows.count }
        _ = reader.invalidValueCounts
    } catch {
        _ = String(describing: error)
    }
    return 0
}

/// The entry point SwiftPM links this executable with (see FuzzDriver.h): libFuzzer's driver, with this target's test.
@_cdecl("FuzzIngest_main")
public func fuzzIngestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    garona_run_fuzzer(argc, argv) { data, size in data.map { fuzzIngest($0, size) } ?? 0 }
}
