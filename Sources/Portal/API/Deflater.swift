import GaronaZlib

/// A streaming zlib deflater over the system zlib: gzip framing for `compressed=true` exports, raw deflate for
/// the entries of an XLSX (zip) file. Input goes in by pages and compressed bytes come out as they are ready,
/// so memory stays bounded by zlib's window and one output chunk.
final class Deflater {
    /// How the deflate stream is framed.
    enum Framing {
        /// A gzip member (RFC 1952): header, deflate data, CRC-32 and size trailer.
        case gzip
        /// Bare deflate data (RFC 1951), as zip entries hold it.
        case raw
    }

    private var stream = z_stream()
    private var ended = false

    init(_ framing: Framing, level: Int32 = 6) {
        let windowBits: Int32 = framing == .gzip ? 15 + 16 : -15
        _ = deflateInit2_(
            &stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `input`; returns whatever compressed bytes zlib has ready (possibly none).
    func compress(_ input: [UInt8]) -> [UInt8] {
        guard !input.isEmpty, !ended else { return [] }
        return run(input, flush: Z_NO_FLUSH)
    }

    /// Ends the stream and returns its last bytes (and, for gzip, the trailer).
    func finish() -> [UInt8] {
        guard !ended else { return [] }
        ended = true
        return run([], flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) -> [UInt8] {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 32 * 1024)
        var input = input
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            var full = true
            while full {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    _ = deflate(&stream, flush)
                    let produced = target.count - Int(stream.avail_out)
                    output.append(contentsOf: target[0..<produced])
                    full = stream.avail_out == 0
                }
            }
            stream.next_in = nil
        }
        return output
    }

    /// The CRC-32 of `bytes`, continuing from `crc`.
    static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: GaronaZlib.crc32(uLong(crc), buffer.baseAddress, uInt(buffer.count)))
        }
    }
}
