import Foundation
import Testing
import Vocabulary

@testable import Ingest

/// Detects in-memory CSV text.
func detectCSV(_ text: String, options: IngestOptions = IngestOptions()) throws -> Detection {
    try Ingest.detect(bytes: Array(text.utf8), fileName: "test.csv", options: options)
}

/// Detects and reads all records of in-memory bytes.
func readAll(_ bytes: [UInt8], fileName: String = "test.csv", options: IngestOptions = IngestOptions(), batchSize: Int = 1000)
    throws -> (Detection, [[Value]])
{
    let detection = try Ingest.detect(bytes: bytes, fileName: fileName, options: options)
    let reader = try Ingest.read(bytes: bytes, detection: detection, batchSize: batchSize)
    var rows: [[Value]] = []
    while let batch = try reader.next() { rows.append(contentsOf: batch.rows) }
    return (detection, rows)
}

func readAll(_ text: String, fileName: String = "test.csv", options: IngestOptions = IngestOptions()) throws -> (
    Detection, [[Value]]
) {
    try readAll(Array(text.utf8), fileName: fileName, options: options)
}

/// Captures the IngestError thrown by `body`, if any.
func ingestError(_ body: () throws -> Void) -> IngestError? {
    do {
        try body()
        return nil
    } catch let error as IngestError {
        return error
    } catch {
        return nil
    }
}

extension Detection {
    func type(_ name: String) -> FieldType? { fields.first { $0.name == name }?.type }
    func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

/// A temporary file removed when the value is released.
final class TemporaryFile {
    let url: URL

    init(name: String, bytes: [UInt8]) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
    }

    deinit { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
}

enum URLForTests {
    static let missing = URL(fileURLWithPath: "/nonexistent-garona-test/file.csv")
}
