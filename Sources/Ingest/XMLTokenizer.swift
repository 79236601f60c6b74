/// A small pull-based XML tokenizer over decoded UTF-8 chunks, for the large parts of a workbook
/// (sheet data, shared strings) that must be streamed. Names lose their namespace prefix.
final class XMLTokenizer {
    enum Token: Equatable {
        case open(name: [UInt8], attributes: [UInt8], selfClosing: Bool)
        case close(name: [UInt8])
        case text([UInt8])
    }

    private let stream: DecodedStream
    private let maxTokenBytes: Int
    private var position = 0
    private var exhausted = false
    private var buffer: [UInt8] = []

    var bytesRead: Int { stream.bytesRead }
    var totalBytes: Int { stream.totalBytes }

    init(stream: DecodedStream, maxTokenBytes: Int) {
        self.stream = stream
        self.maxTokenBytes = maxTokenBytes
    }

    private func byte() throws(IngestError) -> UInt8? {
        if position >= stream.chunk.count {
            guard !exhausted, try stream.next() else {
                exhausted = true
                return nil
            }
            position = 0
        }
        let value = stream.chunk[position]
        position += 1
        return value
    }

    private func unread() { position -= 1 }

    private func collect(_ value: UInt8) throws(IngestError) {
        buffer.append(value)
        if buffer.count > maxTokenBytes { throw .invalidWorkbook(reason: "an XML element is larger than \(maxTokenBytes) bytes") }
    }

    /// The next token; nil at the end of the document. Comments, declarations and processing instructions are skipped.
    func next() throws(IngestError) -> Token? {
        while true {
            buffer.removeAll(keepingCapacity: true)
            guard let first = try byte() else { return nil }
            if first != UInt8(ascii: "<") {
                try collect(first)
                while let value = try byte() {
                    if value == UInt8(ascii: "<") {
                        unread()
                        break
                    }
                    try collect(value)
                }
                return .text(Self.unescape(buffer))
            }
            var quote: UInt8 = 0
            while true {
                guard let value = try byte() else { throw .invalidWorkbook(reason: "unterminated XML tag") }
                if quote != 0 {
                    if value == quote { quote = 0 }
                } else if value == UInt8(ascii: "\"") || value == UInt8(ascii: "'") {
                    quote = value
                } else if value == UInt8(ascii: ">") {
                    if buffer.first == UInt8(ascii: "!") && buffer.starts(with: Array("!--".utf8))
                        && !(buffer.count >= 5 && buffer.suffix(2).elementsEqual([0x2D, 0x2D]))
                    {
                        try collect(value)
                        continue
                    }
                    break
                }
                try collect(value)
            }
            guard let head = buffer.first, head != UInt8(ascii: "?"), head != UInt8(ascii: "!") else { continue }
            if head == UInt8(ascii: "/") { return .close(name: Self.localName(buffer.dropFirst())) }
            let selfClosing = buffer.last == UInt8(ascii: "/")
            let body = selfClosing ? buffer.dropLast() : buffer[...]
            let nameEnd = body.firstIndex { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } ?? body.endIndex
            return .open(
                name: Self.localName(body[..<nameEnd]), attributes: Array(body[nameEnd...]), selfClosing: selfClosing)
        }
    }

    static func localName(_ name: ArraySlice<UInt8>) -> [UInt8] {
        let trimmed = name.prefix { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if let colon = trimmed.lastIndex(of: UInt8(ascii: ":")) { return Array(trimmed[(colon + 1)...]) }
        return Array(trimmed)
    }

    /// The unescaped value of attribute `name` (without prefix) in raw attribute text.
    static func attribute(_ name: String, in attributes: [UInt8]) -> [UInt8]? {
        let key = Array(name.utf8)
        var i = 0
        let n = attributes.count
        while i < n {
            while i < n, attributes[i] == 0x20 || attributes[i] == 0x0A || attributes[i] == 0x0D || attributes[i] == 0x09 {
                i += 1
            }
            let nameStart = i
            while i < n, attributes[i] != UInt8(ascii: "=") { i += 1 }
            let rawName = localName(attributes[nameStart..<i])
            i += 1
            guard i < n else { return nil }
            let quote = attributes[i]
            i += 1
            let valueStart = i
            while i < n, attributes[i] != quote { i += 1 }
            if rawName == key { return unescape(Array(attributes[valueStart..<min(i, n)])) }
            i += 1
        }
        return nil
    }

    /// Replaces the five XML entities and numeric character references.
    static func unescape(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(UInt8(ascii: "&")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            let c = text[i]
            guard c == UInt8(ascii: "&"), let semicolon = text[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                out.append(c)
                i += 1
                continue
            }
            let entity = String(decoding: text[(i + 1)..<semicolon], as: UTF8.self)
            switch entity {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let scalar: UInt32? =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                guard let scalar, Unicode.Scalar(scalar) != nil else {
                    out.append(c)
                    i += 1
                    continue
                }
                DecodedStream.appendUTF8(scalar, to: &out)
            }
            i = semicolon + 1
        }
        return out
    }
}
