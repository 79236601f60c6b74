import Foundation
import Ingest
import Portal
import Testing
import Vocabulary

/// The seeded sample generator: deterministic bytes, the promised shape, and types Ingest infers from them.
@Suite struct SampleDataTests {
    /// The data lines of a small sample, split into cells.
    private static func rows(_ bytes: [UInt8]) -> [[String]] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst().map {
            $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() {
        let first = SampleData(seed: 42).csv(rows: 500)
        #expect(first == SampleData(seed: 42).csv(rows: 500))
        #expect(first != SampleData(seed: 43).csv(rows: 500))
        // A longer file starts with the same rows: each row only depends on the rows before it.
        let longer = SampleData(seed: 42).csv(rows: 600)
        #expect(Array(longer.prefix(first.count)) == first)
    }

    @Test func knownBytesForSeed42() {
        // Pins the output across machines and toolchains. Change these only on purpose: it changes every benchmark.
        let bytes = SampleData(seed: 42).csv(rows: 10_000)
        let lines = String(decoding: bytes.prefix(600), as: UTF8.self).split(separator: "\n")
        #expect(lines[0] == SampleData.header.joined(separator: ";"))
        #expect(
            lines[1] == "1;Lourdes;65;65286;3997,76;418;27/01/2015;2022-10-11T15:12:29+02:00;oui;43.09580,-0.03939;Sport;"
                + "La accueil camping vent médiathèque stationnement recharge médiathèque village numérique.")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a 64
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        #expect(hash == 0xa5fa_f538_bcb1_574c)
    }

    @Test func rowCountColumnsAndHeader() {
        let bytes = SampleData(seed: 7).csv(rows: 1234)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1236)  // header, 1234 rows, and the empty piece after the last line feed
        #expect(lines.last == "")
        #expect(lines.first.map { $0.split(separator: ";").map(String.init) } == SampleData.header)
        let rows = Self.rows(bytes)
        #expect(rows.count == 1234)
        #expect(rows.allSatisfy { $0.count == 12 && !$0.contains("") })
        #expect(rows.map { $0[0] } == (1...1234).map(String.init))
        #expect(SampleData(seed: 7).csv(rows: 0) == Array((SampleData.header.joined(separator: ";") + "\n").utf8))
    }

    @Test func frenchConventions() {
        let rows = Self.rows(SampleData(seed: 42).csv(rows: 2000))
        #expect(rows.contains { $0[2] == "09" && $0[3].hasPrefix("09") })
        #expect(rows.allSatisfy { $0[3].hasPrefix($0[2]) && $0[3].count == 5 })
        #expect(rows.allSatisfy { $0[4].contains(",") && !$0[4].contains(".") })
        #expect(rows.contains { $0[1].contains("é") || $0[1].contains("è") || $0[1].contains("î") })
        #expect(Set(rows.map { $0[8] }) == ["oui", "non"])
        #expect(Set(rows.map { $0[10] }).count == 8)
        for row in rows {
            let words = row[11].split(separator: " ").count
            #expect((5...15).contains(words), "\(row[11])")
            let point = row[9].split(separator: ",").compactMap { Double($0) }
            #expect(point.count == 2 && (42.3...45.1).contains(point[0]) && (-0.4...4.9).contains(point[1]), "\(row[9])")
        }
    }

    @Test func chunksStayNearOneMegabyte() {
        var largest = 0
        var total = 0
        SampleData(seed: 1).generate(rows: 20_000) { chunk in
            largest = max(largest, chunk.count)
            total += chunk.count
        }
        #expect(total > 2 << 20)
        #expect(largest < (1 << 20) + 4096)
    }

    @Test func writesTheSameBytesToAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garona-sample-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SampleData(seed: 5).write(rows: 300, toFile: path)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(written) == SampleData(seed: 5).csv(rows: 300))
        try SampleData(seed: 5, byteOrderMark: true).write(rows: 3, toFile: path)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(5)) == [0xEF, 0xBB, 0xBF, 0x69, 0x64])
    }

    @Test func ingestInfersTheExpectedTypes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garona-sample-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SampleData(seed: 42).write(rows: 2000, toFile: path)
        let detection = try Ingest.detect(url: URL(fileURLWithPath: path))
        #expect(detection.delimiterText == ";")
        #expect(detection.recordCount == 2000)
        #expect(detection.fields.map(\.name) == SampleData.header)
        let expected: [FieldType] = [
            .int, .text, .text, .text, .double, .int, .date, .datetime, .boolean, .geoPoint2D, .text, .text,
        ]
        #expect(detection.fields.map(\.type) == expected)
    }
}
