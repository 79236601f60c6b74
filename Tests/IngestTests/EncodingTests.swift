import Testing
import Vocabulary

@testable import Ingest

@Suite struct EncodingTests {
    let text = "nom;ville\nÉlodie;Montpellier\nJosé;Béziers\n"

    @Test func utf8WithoutBOM() throws {
        let (detection, rows) = try readAll(text)
        #expect(detection.encoding == .utf8)
        #expect(rows[0][0] == .text("Élodie"))
    }

    @Test func utf8WithBOMIsSkipped() throws {
        let (detection, rows) = try readAll([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(detection.encoding == .utf8)
        #expect(detection.fields[0].name == "nom")
        #expect(detection.fields[0].label == "nom")
        #expect(rows[1][1] == .text("Béziers"))
    }

    @Test func utf16LittleAndBigEndianWithBOM() throws {
        let units = Array(text.utf16)
        let le: [UInt8] = [0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be: [UInt8] = [0xFE, 0xFF] + units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, expected) in [(le, TextEncoding.utf16LE), (be, .utf16BE)] {
            let small = IngestOptions(limits: IngestLimits(chunkSize: 17))
            let (detection, rows) = try readAll(bytes, options: small)
            #expect(detection.encoding == expected)
            #expect(detection.delimiterText == ";")
            #expect(rows == [[.text("Élodie"), .text("Montpellier")], [.text("José"), .text("Béziers")]])
        }
    }

    @Test func utf16SurrogatePairs() throws {
        let emoji = "a;b\n😀;x\n"
        let le: [UInt8] = [0xFF, 0xFE] + Array(emoji.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let (_, rows) = try readAll(le, options: IngestOptions(limits: IngestLimits(chunkSize: 16)))
        #expect(rows[0][0] == .text("😀"))
    }

    @Test func windows1252WhenNotUTF8() throws {
        // "é" as 0xE9 and "€" as 0x80 in Windows-1252.
        let bytes: [UInt8] = Array("nom;prix\n".utf8) + [0x52, 0xE9, 0x6D, 0x69, 0x3B, 0x35, 0x80, 0x0A]
        let (detection, rows) = try readAll(bytes)
        #expect(detection.encoding == .windows1252)
        #expect(rows[0] == [.text("Rémi"), .text("5€")])
    }

    @Test func windows1252DetectedLateInTheFile() throws {
        var bytes = Array("nom;n\n".utf8)
        for k in 0..<20_000 { bytes += Array("ligne \(k);\(k)\n".utf8) }
        bytes += [0x43, 0x61, 0x66, 0xE9, 0x3B, 0x31, 0x0A]  // "Café;1" in Latin-1
        let (detection, rows) = try readAll(bytes)
        #expect(detection.encoding == .windows1252)
        #expect(detection.warnings.contains { $0.code == "encoding_fallback" })
        #expect(rows.last?[0] == .text("Café"))
        #expect(detection.type("n") == .int)
    }

    @Test func declaredUTF8WithInvalidBytesNamesOffsetAndLine() {
        let bytes: [UInt8] = Array("a;b\n1;2\n3;".utf8) + [0xE9] + Array("\n".utf8)
        let error = ingestError { _ = try Ingest.detect(bytes: bytes, options: IngestOptions(encoding: .utf8)) }
        #expect(error == .invalidEncoding(encoding: .utf8, offset: 10, line: 3))
        #expect(error?.code == "invalid_encoding")
        #expect(error?.message.contains("offset 10 (line 3)") == true)
    }

    @Test func encodingOverride() throws {
        let bytes: [UInt8] = Array("nom\n".utf8) + [0x52, 0xE9, 0x6D, 0x69, 0x0A]
        let (detection, rows) = try readAll(bytes, options: IngestOptions(encoding: .iso88591))
        #expect(detection.encoding == .iso88591)
        #expect(rows[0][0] == .text("Rémi"))
    }

    @Test func encodingNames() {
        #expect(TextEncoding(name: "UTF8") == .utf8)
        #expect(TextEncoding(name: "latin1") == .iso88591)
        #expect(TextEncoding(name: "cp1252") == .windows1252)
        #expect(TextEncoding(name: "utf-16") == .utf16LE)
        #expect(TextEncoding(name: "ebcdic") == nil)
    }

    @Test func multiByteCharactersAcrossChunkBoundaries() throws {
        var text = "mot;n\n"
        for k in 0..<300 { text += "éàü€😀ß\(k);\(k)\n" }
        let (_, rows) = try readAll(Array(text.utf8), options: IngestOptions(limits: IngestLimits(chunkSize: 16)))
        #expect(rows.count == 300)
        #expect(rows[299][0] == .text("éàü€😀ß299"))
    }
}
