import Vocabulary

/// Splits a JSON document into records without holding more than one record in memory:
/// the elements of a top-level array, the lines of JSON Lines, or the features of a FeatureCollection.
final class JSONRecordStream {
    enum Mode { case array, lines, featureCollection }

    private enum Phase { case start, inArray, afterArray, done }

    private let stream: DecodedStream
    private let mode: Mode
    private let maxRecordBytes: Int
    private var position = 0
    private var consumed = 0
    private var exhausted = false
    private var phase = Phase.start
    private var firstElement = true
    private var buffer: [UInt8] = []
    private var collectionType: String?
    private var sawFeatures = false
    /// Records returned so far.
    private(set) var count = 0

    var bytesRead: Int { stream.bytesRead }
    var totalBytes: Int { stream.totalBytes }

    init(stream: DecodedStream, mode: Mode, maxRecordBytes: Int) {
        self.stream = stream
        self.mode = mode
        self.maxRecordBytes = maxRecordBytes
    }

    /// The next record, parsed; nil at the end.
    func next() throws(IngestError) -> JSONValue? {
        switch mode {
        case .lines:
            guard try peek() != nil else { return nil }
            return try element()
        case .array:
            if phase == .start {
                guard let first = try peek() else { throw .emptyFile }
                guard first == UInt8(ascii: "[") else {
                    try readValue()
                    let value = try parseBuffer()
                    throw .notArrayOfObjects(record: 0, found: value.kindDescription)
                }
                advance()
                phase = .inArray
            }
            return try arrayElement(topLevel: true)
        case .featureCollection:
            return try nextFeature()
        }
    }

    private func element() throws(IngestError) -> JSONValue {
        try readValue()
        count += 1
        return try parseBuffer()
    }

    private func parseBuffer() throws(IngestError) -> JSONValue {
        try JSONParser.parse(buffer, baseOffset: consumed - buffer.count)
    }

    /// The next element of the array being read, or nil after its `]`.
    private func arrayElement(topLevel: Bool) throws(IngestError) -> JSONValue? {
        guard phase == .inArray else { return nil }
        guard let byte = try peek() else { throw .invalidJSON(offset: consumed, reason: "unexpected end in an array") }
        if byte == UInt8(ascii: "]") {
            advance()
            phase = .afterArray
            firstElement = false
            if topLevel, try peek() != nil { throw .invalidJSON(offset: consumed, reason: "unexpected text after the array") }
            return nil
        }
        if !firstElement {
            guard byte == UInt8(ascii: ",") else { throw .invalidJSON(offset: consumed, reason: "expected ',' or ']'") }
            advance()
        }
        firstElement = false
        return try element()
    }

    private func nextFeature() throws(IngestError) -> JSONValue? {
        if phase == .start {
            guard let first = try peek() else { throw .emptyFile }
            guard first == UInt8(ascii: "{") else { throw .invalidGeoJSON(reason: "the document is not an object") }
            advance()
            firstElement = true
            guard try membersUntilFeatures() else { return try finishCollection() }
            phase = .inArray
            firstElement = true
        }
        if phase == .inArray, let feature = try arrayElement(topLevel: false) { return feature }
        if phase == .afterArray {
            if try membersUntilFeatures() { throw .invalidGeoJSON(reason: "two \"features\" arrays") }
            return try finishCollection()
        }
        return nil
    }

    private func finishCollection() throws(IngestError) -> JSONValue? {
        phase = .done
        if try peek() != nil { throw .invalidJSON(offset: consumed, reason: "unexpected text after the object") }
        guard collectionType == "FeatureCollection" else {
            throw .invalidGeoJSON(reason: "the document is a \(collectionType ?? "untyped object"), not a FeatureCollection")
        }
        guard sawFeatures else { throw .invalidGeoJSON(reason: "the FeatureCollection has no \"features\" array") }
        return nil
    }

    /// Reads object members; returns true on entering the `features` array, false after the closing `}`.
    private func membersUntilFeatures() throws(IngestError) -> Bool {
        while true {
            guard let byte = try peek() else { throw .invalidJSON(offset: consumed, reason: "unexpected end in an object") }
            if byte == UInt8(ascii: "}") {
                advance()
                return false
            }
            if byte == UInt8(ascii: ",") {
                guard !firstElement else { throw .invalidJSON(offset: consumed, reason: "unexpected ','") }
                advance()
            }
            firstElement = false
            try readValue()
            guard case .string(let key) = try parseBuffer() else {
                throw .invalidJSON(offset: consumed, reason: "expected a key string")
            }
            guard try peek() == UInt8(ascii: ":") else { throw .invalidJSON(offset: consumed, reason: "expected ':'") }
            advance()
            if key == "features" {
                guard try peek() == UInt8(ascii: "[") else { throw .invalidGeoJSON(reason: "\"features\" is not an array") }
                advance()
                sawFeatures = true
                return true
            }
            try readValue()
            if key == "type", case .string(let type) = try parseBuffer() { collectionType = type }
        }
    }

    // MARK: Bytes

    /// The next non-blank byte, without consuming it; nil at the end.
    private func peek() throws(IngestError) -> UInt8? {
        while true {
            if position >= stream.chunk.count {
                guard !exhausted, try stream.next() else {
                    exhausted = true
                    return nil
                }
                position = 0
            }
            let byte = stream.chunk[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                position += 1
                consumed += 1
            } else {
                return byte
            }
        }
    }

    private func advance() {
        position += 1
        consumed += 1
    }

    /// Copies one complete JSON value (starting at the next non-blank byte) into `buffer`.
    private func readValue() throws(IngestError) {
        buffer.removeAll(keepingCapacity: true)
        guard try peek() != nil else { throw .invalidJSON(offset: consumed, reason: "unexpected end") }
        var depth = 0
        var inString = false
        var escaped = false
        while true {
            if position >= stream.chunk.count {
                guard !exhausted, try stream.next() else {
                    exhausted = true
                    if depth == 0 && !inString { return }
                    throw .invalidJSON(offset: consumed, reason: "unexpected end of the document")
                }
                position = 0
            }
            let byte = stream.chunk[position]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 {
                        buffer.append(byte)
                        advance()
                        return
                    }
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return }
                    depth -= 1
                    if depth == 0 {
                        buffer.append(byte)
                        advance()
                        return
                    }
                case UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09:
                    if depth == 0 { return }
                default: break
                }
            }
            buffer.append(byte)
            advance()
            if buffer.count > maxRecordBytes { throw .recordTooLarge(record: count + 1, limit: maxRecordBytes) }
        }
    }
}
