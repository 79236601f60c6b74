/// A FlatBuffers value to serialize: a table of fields by id, a string or a vector.
indirect enum FlatBufferValue {
    /// Fields by id (index); nil for an absent field.
    case table([FlatBufferField?])
    case string(String)
    case bytes([UInt8])
    case doubles([Double])
    case uints([UInt32])
    case tables([FlatBufferValue])
}

/// A table field: an inline scalar or an offset to another value.
enum FlatBufferField {
    case u8(UInt8)
    case bool(Bool)
    case u16(UInt16)
    case i32(Int32)
    case u64(UInt64)
    case value(FlatBufferValue)

    /// Bytes inline in the table (and their alignment).
    var size: Int {
        switch self {
        case .u8, .bool: 1
        case .u16: 2
        case .i32, .value: 4
        case .u64: 8
        }
    }
}

/// Serializes FlatBuffers front to back: the root offset, then each table preceded by its vtable, then the
/// strings, vectors and tables it points to (offsets only point forward, as the format wants). Scalars are
/// aligned to their size from the buffer's start, which a reader keeps 8-aligned.
struct FlatBufferEncoder {
    private(set) var bytes: [UInt8] = []

    /// The buffer of `root`, a table.
    static func encode(_ root: FlatBufferValue) -> [UInt8] {
        var encoder = FlatBufferEncoder()
        encoder.bytes = [0, 0, 0, 0]
        let position = encoder.write(root)
        encoder.patch(at: 0, to: position)
        encoder.align(8, remainder: 0)
        return encoder.bytes
    }

    /// Writes `value` and returns where it starts (where offsets to it point).
    private mutating func write(_ value: FlatBufferValue) -> Int {
        switch value {
        case .table(let fields): return table(fields)
        case .string(let text):
            align(4, remainder: 0)
            let start = bytes.count
            ByteOrder.little(UInt32(text.utf8.count), to: &bytes)
            bytes += text.utf8
            bytes.append(0)
            return start
        case .bytes(let items):
            align(4, remainder: 0)
            let start = bytes.count
            ByteOrder.little(UInt32(items.count), to: &bytes)
            bytes += items
            return start
        case .doubles(let items):
            align(8, remainder: 4)
            let start = bytes.count
            ByteOrder.little(UInt32(items.count), to: &bytes)
            for item in items { ByteOrder.little(item, to: &bytes) }
            return start
        case .uints(let items):
            align(4, remainder: 0)
            let start = bytes.count
            ByteOrder.little(UInt32(items.count), to: &bytes)
            for item in items { ByteOrder.little(item, to: &bytes) }
            return start
        case .tables(let items):
            align(4, remainder: 0)
            let start = bytes.count
            ByteOrder.little(UInt32(items.count), to: &bytes)
            let slots = items.indices.map { start + 4 + 4 * $0 }
            bytes += [UInt8](repeating: 0, count: 4 * items.count)
            for (slot, item) in zip(slots, items) { patch(at: slot, to: write(item)) }
            return start
        }
    }

    private mutating func table(_ fields: [FlatBufferField?]) -> Int {
        // Layout of the table: its vtable offset, then each present field at its alignment.
        var layout: [(id: Int, offset: Int)] = []
        var size = 4
        for (id, field) in fields.enumerated() {
            guard let field else { continue }
            size = (size + field.size - 1) / field.size * field.size
            layout.append((id, size))
            size += field.size
        }
        align(2, remainder: 0)
        let vtable = bytes.count
        ByteOrder.little(UInt16(4 + 2 * fields.count), to: &bytes)
        ByteOrder.little(UInt16(size), to: &bytes)
        var entries = [UInt16](repeating: 0, count: fields.count)
        for (id, offset) in layout { entries[id] = UInt16(offset) }
        for entry in entries { ByteOrder.little(entry, to: &bytes) }
        align(8, remainder: 0)
        let start = bytes.count
        bytes += [UInt8](repeating: 0, count: size)
        replace(at: start, with: withUnsafeBytes(of: Int32(start - vtable).littleEndian, Array.init))
        var children: [(slot: Int, value: FlatBufferValue)] = []
        for (id, offset) in layout {
            let slot = start + offset
            switch fields[id] {
            case .u8(let value): bytes[slot] = value
            case .bool(let value): bytes[slot] = value ? 1 : 0
            case .u16(let value): replace(at: slot, with: withUnsafeBytes(of: value.littleEndian, Array.init))
            case .i32(let value): replace(at: slot, with: withUnsafeBytes(of: value.littleEndian, Array.init))
            case .u64(let value): replace(at: slot, with: withUnsafeBytes(of: value.littleEndian, Array.init))
            case .value(let child): children.append((slot, child))
            case nil: break
            }
        }
        for (slot, child) in children { patch(at: slot, to: write(child)) }
        return start
    }

    /// Pads with zeros until the length is `remainder` modulo `alignment`.
    private mutating func align(_ alignment: Int, remainder: Int) {
        while bytes.count % alignment != remainder { bytes.append(0) }
    }

    /// Sets the offset stored at `slot` to point at `target`.
    private mutating func patch(at slot: Int, to target: Int) {
        replace(at: slot, with: withUnsafeBytes(of: UInt32(target - slot).littleEndian, Array.init))
    }

    private mutating func replace(at index: Int, with new: [UInt8]) {
        bytes.replaceSubrange(index..<index + new.count, with: new)
    }
}
