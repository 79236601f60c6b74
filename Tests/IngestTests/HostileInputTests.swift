import Testing

@testable import Ingest

@Suite struct HostileInputTests {
    /// A small deterministic generator, so failures can be replayed.
    struct SeededBytes {
        var state: UInt64
        mutating func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test(arguments: ["x.csv", "x.json", "x.jsonl", "x.geojson"])
    func randomBytesNeverCrash(fileName: String) {
        var random = SeededBytes(state: 7)
        let alphabet = Array("{}[]\",:;\t|\n\r\\ab01.-éPOINT(".utf8)
        for round in 0..<300 {
            let length = Int(random.next()) * (round % 7 + 1)
            let bytes = (0..<length).map { _ in
                round % 3 == 0 ? random.next() : alphabet[Int(random.next()) % alphabet.count]
            }
            if let detection = try? Ingest.detect(bytes: bytes, fileName: fileName),
                let reader = try? Ingest.read(bytes: bytes, detection: detection)
            {
                while let batch = try? reader.next(), !batch.rows.isEmpty {}
            }
        }
    }

    @Test func unterminatedQuoteIsBoundedByTheCellLimit() {
        let options = IngestOptions(limits: IngestLimits(maxCellBytes: 1024))
        let text = "a;b\n1;\"" + String(repeating: "x;y\n", count: 1000)
        #expect(ingestError { _ = try detectCSV(text, options: options) } == .cellTooLarge(line: 2, column: 2, limit: 1024))
    }

    @Test func hugeCellsInGeoAndJSONCandidatesDoNotCrash() throws {
        let nested = String(repeating: "[", count: 5000)
        let detection = try detectCSV("a;b\n1;\"\(nested)\"\n2;POINT ((((((\n")
        #expect(detection.type("b") == .text)
    }
}
