import GaronaZlib

/// One-shot compression and checksums over the system zlib, for Parquet pages and ZIP entries.
enum Compression {
    /// `input` as one gzip member (RFC 1952), Parquet's GZIP codec.
    static func gzip(_ input: [UInt8]) -> [UInt8] { deflate(input, windowBits: 15 + 16) }

    /// `input` as bare deflate data (RFC 1951), a ZIP entry's method 8.
    static func rawDeflate(_ input: [UInt8]) -> [UInt8] { deflate(input, windowBits: -15) }

    /// The CRC-32 of `bytes`, continuing from `crc`.
    static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: GaronaZlib.crc32(uLong(crc), buffer.baseAddress, uInt(buffer.count)))
        }
    }

    private static func deflate(_ input: [UInt8], windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        _ = deflateInit2_(
            &stream, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        // deflateBound does not count the gzip header and trailer.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var source = input
        let produced = source.withUnsafeMutableBufferPointer { from in
            output.withUnsafeMutableBufferPointer { to in
                stream.next_in = from.baseAddress
                stream.avail_in = uInt(from.count)
                stream.next_out = to.baseAddress
                stream.avail_out = uInt(to.count)
                _ = GaronaZlib.deflate(&stream, Z_FINISH)
                return to.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
