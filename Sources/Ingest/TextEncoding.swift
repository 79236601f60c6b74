/// The text encodings Ingest reads. Everything is transcoded to UTF-8 before parsing.
public enum TextEncoding: String, Sendable, Codable, CaseIterable {
    case utf8 = "utf-8"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case windows1252 = "windows-1252"
    case iso88591 = "iso-8859-1"

    /// Parses a user-given encoding name, accepting common aliases (`utf8`, `latin1`, `cp1252`, `utf-16`…).
    public init?(name: String) {
        let key = String(name.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" && $0 != " " })
        switch key {
        case "utf8", "utf8bom", "utf8sig": self = .utf8
        case "utf16le", "utf16", "ucs2le": self = .utf16LE
        case "utf16be", "ucs2be": self = .utf16BE
        case "windows1252", "cp1252", "win1252", "ansi": self = .windows1252
        case "iso88591", "latin1", "l1", "iso885915", "latin9": self = .iso88591
        default: return nil
        }
    }
}

/// What sniffing the first bytes of a file found.
struct EncodingSniff {
    var encoding: TextEncoding
    /// Length of the byte-order mark to skip.
    var bomLength: Int
    /// True when the encoding was guessed as UTF-8 and may still be proved wrong further in the file.
    var tentative: Bool
}

enum EncodingSniffer {
    static let prefixLength = 64 * 1024

    /// Looks at the first bytes: BOM, binary signatures, NUL and control bytes, UTF-8 validity.
    static func sniff(prefix: [UInt8], declared: TextEncoding?) throws(IngestError) -> EncodingSniff {
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) {
            return EncodingSniff(
                encoding: declared ?? .utf8, bomLength: declared == nil || declared == .utf8 ? 3 : 0, tentative: false)
        }
        if prefix.starts(with: [0xFF, 0xFE]) && !prefix.starts(with: [0xFF, 0xFE, 0, 0]) {
            return EncodingSniff(
                encoding: declared ?? .utf16LE, bomLength: declared == nil || declared == .utf16LE ? 2 : 0, tentative: false)
        }
        if prefix.starts(with: [0xFE, 0xFF]) {
            return EncodingSniff(
                encoding: declared ?? .utf16BE, bomLength: declared == nil || declared == .utf16BE ? 2 : 0, tentative: false)
        }
        if let declared, declared == .utf16LE || declared == .utf16BE {
            return EncodingSniff(encoding: declared, bomLength: 0, tentative: false)
        }
        if let kind = signature(prefix) { throw .binaryFile(kind: kind, offset: 0) }
        if let nul = prefix.firstIndex(of: 0) {
            if let utf16 = utf16WithoutBOM(prefix) { return EncodingSniff(encoding: utf16, bomLength: 0, tentative: false) }
            throw .binaryFile(kind: "NUL byte", offset: nul)
        }
        var controls = 0
        var firstControl = 0
        for (index, byte) in prefix.enumerated() where byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C
        {
            if controls == 0 { firstControl = index }
            controls += 1
        }
        if controls > 0 && controls * 100 >= prefix.count {
            throw .binaryFile(kind: "control bytes", offset: firstControl)
        }
        if let declared { return EncodingSniff(encoding: declared, bomLength: 0, tentative: false) }
        let check = prefix.withUnsafeBufferPointer { UTF8Validator.validate($0, from: 0) }
        if check.errorIndex != nil { return EncodingSniff(encoding: .windows1252, bomLength: 0, tentative: false) }
        return EncodingSniff(encoding: .utf8, bomLength: 0, tentative: true)
    }

    private static func signature(_ prefix: [UInt8]) -> String? {
        let known: [([UInt8], String)] = [
            ([0x89, 0x50, 0x4E, 0x47], "PNG image"), ([0x25, 0x50, 0x44, 0x46, 0x2D], "PDF document"),
            ([0x50, 0x4B, 0x03, 0x04], "ZIP archive"), ([0x1F, 0x8B], "gzip archive"),
            ([0xFF, 0xD8, 0xFF], "JPEG image"), ([0x47, 0x49, 0x46, 0x38], "GIF image"),
            ([0xD0, 0xCF, 0x11, 0xE0], "legacy Office document"),
        ]
        return known.first { prefix.starts(with: $0.0) }?.1
    }

    /// UTF-16 text without BOM shows NUL in most of the odd (LE) or even (BE) positions.
    private static func utf16WithoutBOM(_ prefix: [UInt8]) -> TextEncoding? {
        let pairs = prefix.count / 2
        guard pairs >= 2 else { return nil }
        var evenZero = 0
        var oddZero = 0
        for i in 0..<pairs {
            if prefix[2 * i] == 0 { evenZero += 1 }
            if prefix[2 * i + 1] == 0 { oddZero += 1 }
        }
        if oddZero * 10 >= pairs * 7 && evenZero * 20 < pairs { return .utf16LE }
        if evenZero * 10 >= pairs * 7 && oddZero * 20 < pairs { return .utf16BE }
        return nil
    }
}

/// Validates UTF-8 over a buffer, quickly skipping ASCII runs.
enum UTF8Validator {
    /// Returns the end of the complete valid bytes (an incomplete sequence at the very end is left out)
    /// and the index of the first invalid byte, if any.
    static func validate(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> (validEnd: Int, errorIndex: Int?) {
        let count = buffer.count
        guard let base = buffer.baseAddress else { return (0, nil) }
        var i = start
        while i < count {
            if i + 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let lead = base[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return (i, i)
            }
            for k in 1..<length {
                if i + k >= count { return (i, nil) }
                let byte = base[i + k]
                let lo: UInt8 = k == 1 ? low : 0x80
                let hi: UInt8 = k == 1 ? high : 0xBF
                if byte < lo || byte > hi { return (i, i) }
            }
            i += length
        }
        return (count, nil)
    }
}
