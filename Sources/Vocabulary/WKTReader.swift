/// The one Well-Known Text reader of ``Geometry`` (EWKT's `SRID=…;` prefix is skipped).
extension Geometry {
    /// Reads WKT text: `POINT (1 2)`, `POLYGON ((…))`, `MULTIPOINT (1 2, 3 4)` or `((1 2), (3 4))`, `Z`/`M`/`ZM`
    /// (extra numbers dropped), `GEOMETRYCOLLECTION (…)` nested at most ``maxNesting`` deep; `EMPTY` is refused,
    /// and so is whatever ``init(geoJSON:acceptingFeature:)-(JSONValue,_)`` refuses (ranges, rings, counts).
    public init(wkt text: some StringProtocol) throws(GeometryError) {
        var bytes = Array(text.utf8)
        self = try bytes.withUnsafeMutableBufferPointer { (buffer) throws(GeometryError) -> Geometry in
            try Geometry(wkt: UnsafeBufferPointer(buffer))
        }
    }

    /// Reads WKT bytes (see ``init(wkt:)-(StringProtocol)``).
    public init(wkt bytes: UnsafeBufferPointer<UInt8>) throws(GeometryError) {
        var reader = WKTReader(b: bytes)
        self = try reader.read()
    }

    /// True when `bytes` start like WKT (a type's first letter, then a parenthesis somewhere): a cheap test
    /// before parsing a cell.
    public static func looksLikeWKT(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first(where: { !WKTReader.isSpace($0) }) else { return false }
        switch first | 0x20 {
        case UInt8(ascii: "p"), UInt8(ascii: "l"), UInt8(ascii: "m"), UInt8(ascii: "g"), UInt8(ascii: "s"): break
        default: return false
        }
        return bytes.contains(UInt8(ascii: "("))
    }
}

/// A cursor over WKT bytes.
private struct WKTReader {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    mutating func read() throws(GeometryError) -> Geometry {
        skipSpace()
        if peekWord() == "SRID" {
            while i < b.count && b[i] != UInt8(ascii: ";") { i += 1 }
            i += 1
        }
        let geometry = try geometry(depth: 0)
        skipSpace()
        guard i == b.count else { throw GeometryError(reason: "unexpected text after the WKT geometry") }
        return geometry
    }

    private mutating func skipSpace() {
        while i < b.count, Self.isSpace(b[i]) { i += 1 }
    }

    private func peekWord() -> String {
        var j = i
        var out: [UInt8] = []
        while j < b.count, (b[j] | 0x20) >= UInt8(ascii: "a"), (b[j] | 0x20) <= UInt8(ascii: "z") {
            out.append(b[j] & ~0x20)
            j += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func word() -> String {
        skipSpace()
        let w = peekWord()
        i += w.utf8.count
        return w
    }

    private mutating func expect(_ byte: UInt8) throws(GeometryError) {
        skipSpace()
        guard i < b.count, b[i] == byte else {
            throw GeometryError(reason: "expected '\(Character(Unicode.Scalar(byte)))' in WKT")
        }
        i += 1
    }

    private mutating func peek(_ byte: UInt8) -> Bool {
        skipSpace()
        return i < b.count && b[i] == byte
    }

    private mutating func geometry(depth: Int) throws(GeometryError) -> Geometry {
        let type = word()
        let dimension = word()
        if dimension == "EMPTY" { throw GeometryError(reason: "empty \(type)") }
        if !dimension.isEmpty && dimension != "Z" && dimension != "M" && dimension != "ZM" {
            throw GeometryError(reason: "unexpected \(dimension) in WKT")
        }
        switch type {
        case "POINT":
            try expect(UInt8(ascii: "("))
            let p = try position()
            try expect(UInt8(ascii: ")"))
            return .point(p)
        case "LINESTRING": return .lineString(try positions(minimum: 2))
        case "POLYGON": return .polygon(try rings())
        case "MULTIPOINT":
            try expect(UInt8(ascii: "("))
            var points: [Position] = []
            repeat {
                if peek(UInt8(ascii: "(")) {
                    i += 1
                    points.append(try position())
                    try expect(UInt8(ascii: ")"))
                } else {
                    points.append(try position())
                }
            } while try comma()
            return .multiPoint(points)
        case "MULTILINESTRING":
            try expect(UInt8(ascii: "("))
            var lines: [[Position]] = []
            repeat { lines.append(try positions(minimum: 2)) } while try comma()
            return .multiLineString(lines)
        case "MULTIPOLYGON":
            try expect(UInt8(ascii: "("))
            var polygons: [[[Position]]] = []
            repeat { polygons.append(try rings()) } while try comma()
            return .multiPolygon(polygons)
        case "GEOMETRYCOLLECTION":
            guard depth < Geometry.maxNesting else { throw GeometryError(reason: "collections nested too deeply") }
            try expect(UInt8(ascii: "("))
            var parts: [Geometry] = []
            repeat { parts.append(try geometry(depth: depth + 1)) } while try comma()
            return .collection(parts)
        case "": throw GeometryError(reason: "invalid WKT")
        default: throw GeometryError(reason: "unknown WKT geometry type \"\(type)\"")
        }
    }

    /// Consumes `,` and returns true, or `)` and returns false.
    private mutating func comma() throws(GeometryError) -> Bool {
        skipSpace()
        guard i < b.count else { throw GeometryError(reason: "unexpected end of WKT") }
        if b[i] == UInt8(ascii: ",") {
            i += 1
            return true
        }
        try expect(UInt8(ascii: ")"))
        return false
    }

    /// A decimal number (`-1.5e3`); more than 63 characters is not one.
    private mutating func number() throws(GeometryError) -> Double {
        skipSpace()
        let start = i
        while i < b.count,
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) || b[i] == UInt8(ascii: "-")
                || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e")
                || b[i] == UInt8(ascii: "E")
        {
            i += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        guard i > start, i - start < 64, text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }),
            let value = Double(text), value.isFinite
        else { throw GeometryError(reason: "expected a number in WKT") }
        return value
    }

    private mutating func position() throws(GeometryError) -> Position {
        let x = try number()
        let y = try number()
        skipSpace()
        while i < b.count, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: ")") {
            _ = try number()
            skipSpace()
        }
        return try Geometry.checked(Position(x: x, y: y))
    }

    private mutating func positions(minimum: Int) throws(GeometryError) -> [Position] {
        try expect(UInt8(ascii: "("))
        var out: [Position] = []
        repeat { out.append(try position()) } while try comma()
        guard out.count >= minimum else { throw GeometryError(reason: "at least \(minimum) positions are needed") }
        return out
    }

    private mutating func rings() throws(GeometryError) -> [[Position]] {
        try expect(UInt8(ascii: "("))
        var out: [[Position]] = []
        repeat {
            let ring = try positions(minimum: 4)
            try Geometry.checkRing(ring)
            out.append(ring)
        } while try comma()
        return out
    }
}
