/// A Snappy compressor (the raw block format Parquet's SNAPPY codec uses): the uncompressed length as a
/// varint, then literals and copies found with a hash table of 4-byte sequences over 64 KiB blocks.
enum Snappy {
    /// `input` as one Snappy block.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2 + 16)
        ByteOrder.varint(UInt64(input.count), to: &output)
        var blockStart = 0
        var table = [Int32](repeating: -1, count: 1 << 14)
        while blockStart < input.count {
            let blockEnd = min(input.count, blockStart + 65_536)
            for index in table.indices { table[index] = -1 }
            compressBlock(input, blockStart..<blockEnd, table: &table, to: &output)
            blockStart = blockEnd
        }
        return output
    }

    private static func compressBlock(
        _ input: [UInt8], _ block: Range<Int>, table: inout [Int32], to output: inout [UInt8]
    ) {
        var literalStart = block.lowerBound
        var position = block.lowerBound
        while position + 4 <= block.upperBound {
            let word = load(input, position)
            let slot = Int((word &* 0x1E35_A7BD) >> 18)
            let candidate = Int(table[slot])
            table[slot] = Int32(position)
            guard candidate >= block.lowerBound, load(input, candidate) == word else {
                position += 1
                continue
            }
            var length = 4
            while position + length < block.upperBound, input[candidate + length] == input[position + length] {
                length += 1
            }
            literal(input[literalStart..<position], to: &output)
            copy(offset: position - candidate, length: length, to: &output)
            position += length
            literalStart = position
        }
        literal(input[literalStart..<block.upperBound], to: &output)
    }

    private static func load(_ input: [UInt8], _ index: Int) -> UInt32 {
        UInt32(input[index]) | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2]) << 16
            | UInt32(input[index + 3]) << 24
    }

    private static func literal(_ bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let length = bytes.count - 1
        if length < 60 {
            output.append(UInt8(length) << 2)
        } else if length < 256 {
            output += [60 << 2, UInt8(length)]
        } else {
            output += [61 << 2, UInt8(length & 0xFF), UInt8(length >> 8)]
        }
        output += bytes
    }

    /// Copies with a 2-byte offset (offsets stay under 64 KiB inside a block), 64 bytes at most a tag.
    private static func copy(offset: Int, length: Int, to output: inout [UInt8]) {
        var rest = length
        while rest > 0 {
            let piece = min(rest, 64)
            output += [UInt8(piece - 1) << 2 | 2, UInt8(offset & 0xFF), UInt8(offset >> 8)]
            rest -= piece
        }
    }
}
