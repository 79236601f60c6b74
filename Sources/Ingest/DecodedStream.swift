/// Turns raw file chunks into UTF-8 chunks, validating or transcoding as it goes.
/// Only one raw chunk and one decoded chunk are held at a time.
final class DecodedStream {
    private let source: any ByteSource
    let encoding: TextEncoding
    private let chunkSize: Int
    private var toSkip: Int
    private var raw: [UInt8] = []
    private var carry: [UInt8] = []
    /// The current decoded chunk, valid UTF-8 (a sequence never spans two chunks).
    private(set) var chunk: [UInt8] = []
    /// Raw bytes read from the source so far, BOM included.
    private(set) var bytesRead = 0
    var totalBytes: Int { source.totalBytes }

    init(source: any ByteSource, encoding: TextEncoding, skip: Int, chunkSize: Int) {
        self.source = source
        self.encoding = encoding
        self.toSkip = skip
        self.chunkSize = chunkSize
        raw.reserveCapacity(chunkSize + 8)
        chunk.reserveCapacity(chunkSize * (encoding == .utf8 ? 1 : 3) + 8)
    }

    /// Loads the next decoded chunk; false at the end of the file.
    func next() throws(IngestError) -> Bool {
        chunk.removeAll(keepingCapacity: true)
        while chunk.isEmpty {
            raw.removeAll(keepingCapacity: true)
            raw.append(contentsOf: carry)
            carry.removeAll(keepingCapacity: true)
            let n = try source.read(into: &raw, maxCount: chunkSize)
            bytesRead += n
            if toSkip > 0 {
                let drop = min(toSkip, raw.count)
                raw.removeFirst(drop)
                toSkip -= drop
            }
            let atEnd = n == 0
            if raw.isEmpty { return false }
            let rawStart = bytesRead - raw.count
            try decode(rawStart: rawStart, atEnd: atEnd)
            if atEnd && chunk.isEmpty && !carry.isEmpty {
                throw .invalidEncoding(encoding: encoding, offset: bytesRead - carry.count, line: 0)
            }
        }
        return true
    }

    private func decode(rawStart: Int, atEnd: Bool) throws(IngestError) {
        switch encoding {
        case .utf8:
            let result = raw.withUnsafeBufferPointer { UTF8Validator.validate($0, from: 0) }
            if let bad = result.errorIndex {
                throw .invalidEncoding(encoding: .utf8, offset: rawStart + bad, line: 0)
            }
            if result.validEnd < raw.count {
                if atEnd { throw .invalidEncoding(encoding: .utf8, offset: rawStart + result.validEnd, line: 0) }
                carry.append(contentsOf: raw[result.validEnd...])
                raw.removeLast(raw.count - result.validEnd)
            }
            swap(&raw, &chunk)
        case .windows1252, .iso88591:
            let table = encoding == .windows1252 ? Self.windows1252High : nil
            for byte in raw {
                if byte < 0x80 {
                    chunk.append(byte)
                } else {
                    let scalar = byte < 0xA0 ? (table?[Int(byte - 0x80)] ?? UInt16(byte)) : UInt16(byte)
                    Self.appendUTF8(UInt32(scalar), to: &chunk)
                }
            }
        case .utf16LE, .utf16BE:
            try decodeUTF16(rawStart: rawStart, atEnd: atEnd, littleEndian: encoding == .utf16LE)
        }
    }

    private func decodeUTF16(rawStart: Int, atEnd: Bool, littleEndian: Bool) throws(IngestError) {
        var i = 0
        let count = raw.count
        while i + 1 < count {
            let unit = littleEndian ? UInt16(raw[i]) | UInt16(raw[i + 1]) << 8 : UInt16(raw[i]) << 8 | UInt16(raw[i + 1])
            if unit < 0x80 {
                chunk.append(UInt8(unit))
                i += 2
            } else if unit >= 0xD800 && unit < 0xDC00 {
                guard i + 3 < count else { break }
                let low =
                    littleEndian ? UInt16(raw[i + 2]) | UInt16(raw[i + 3]) << 8 : UInt16(raw[i + 2]) << 8 | UInt16(raw[i + 3])
                guard low >= 0xDC00 && low < 0xE000 else {
                    throw .invalidEncoding(encoding: encoding, offset: rawStart + i, line: 0)
                }
                let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                Self.appendUTF8(scalar, to: &chunk)
                i += 4
            } else if unit >= 0xDC00 && unit < 0xE000 {
                throw .invalidEncoding(encoding: encoding, offset: rawStart + i, line: 0)
            } else {
                Self.appendUTF8(UInt32(unit), to: &chunk)
                i += 2
            }
        }
        if i < count {
            if atEnd { throw .invalidEncoding(encoding: encoding, offset: rawStart + i, line: 0) }
            carry.append(contentsOf: raw[i...])
        }
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Windows-1252 code points for bytes 0x80–0x9F; undefined bytes map to the C1 control of the same value.
    static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
