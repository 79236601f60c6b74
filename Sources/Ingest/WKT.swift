/// Reads Well-Known Text (and EWKT with an `SRID=…;` prefix) into a ``Geometry``.
struct WKTReader {
    private let b: Bytes
    private var i = 0

    /// True when the text starts like WKT, a cheap test before parsing.
    static func looksLikeWKT(_ b: Bytes) -> Bool {
        guard let first = CellParsers.firstNonSpace(b) else { return false }
        switch first | 0x20 {
        case UInt8(ascii: "p"), UInt8(ascii: "l"), UInt8(ascii: "m"), UInt8(ascii: "g"), UInt8(ascii: "s"): break
        default: return false
        }
        return b.contains(UInt8(ascii: "("))
    }

    static func parse(_ b: Bytes) throws(Geometry.Invalid) -> Geometry {
        var reader = WKTReader(b: b)
        reader.skipSpace()
        if reader.peekWord() == "SRID" {
            while reader.i < b.count && b[reader.i] != UInt8(ascii: ";") { reader.i += 1 }
            reader.i += 1
        }
        let geometry = try reader.geometry(depth: 0)
        reader.skipSpace()
        guard reader.i == b.count else { throw Geometry.Invalid(reason: "unexpected text after the WKT geometry") }
        return geometry
    }

    private init(b: Bytes) { self.b = b }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
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

    private mutating func expect(_ byte: UInt8) throws(Geometry.Invalid) {
        skipSpace()
        guard i < b.count, b[i] == byte else {
            throw Geometry.Invalid(reason: "expected '\(Character(Unicode.Scalar(byte)))' in WKT")
        }
        i += 1
    }

    private mutating func peek(_ byte: UInt8) -> Bool {
        skipSpace()
        return i < b.count && b[i] == byte
    }

    private mutating func geometry(depth: Int) throws(Geometry.Invalid) -> Geometry {
        let type = word()
        var dimension = word()
        if dimension == "EMPTY" { throw Geometry.Invalid(reason: "empty \(type)") }
        if !dimension.isEmpty && dimension != "Z" && dimension != "M" && dimension != "ZM" {
            throw Geometry.Invalid(reason: "unexpected \(dimension) in WKT")
        }
        dimension = ""
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
            guard depth < 8 else { throw Geometry.Invalid(reason: "collections nested too deeply") }
            try expect(UInt8(ascii: "("))
            var parts: [Geometry] = []
            repeat { parts.append(try geometry(depth: depth + 1)) } while try comma()
            return .collection(parts)
        default:
            throw Geometry.Invalid(reason: "unknown WKT geometry type \"\(type)\"")
        }
    }

    /// Consumes `,` and returns true, or `)` and returns false.
    private mutating func comma() throws(Geometry.Invalid) -> Bool {
        skipSpace()
        guard i < b.count else { throw Geometry.Invalid(reason: "unexpected end of WKT") }
        if b[i] == UInt8(ascii: ",") {
            i += 1
            return true
        }
        try expect(UInt8(ascii: ")"))
        return false
    }

    private mutating func number() throws(Geometry.Invalid) -> Double {
        skipSpace()
        let start = i
        while i < b.count,
            CellParsers.isDigit(b[i]) || b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")
                || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")
        {
            i += 1
        }
        guard i > start, let value = CellParsers.parseDouble(UnsafeBufferPointer(rebasing: b[start..<i])) else {
            throw Geometry.Invalid(reason: "expected a number in WKT")
        }
        return value
    }

    private mutating func position() throws(Geometry.Invalid) -> Position {
        let x = try number()
        let y = try number()
        skipSpace()
        while i < b.count, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: ")") { _ = try number(); skipSpace() }
        return try Geometry.checked(Position(lon: x, lat: y))
    }

    private mutating func positions(minimum: Int) throws(Geometry.Invalid) -> [Position] {
        try expect(UInt8(ascii: "("))
        var out: [Position] = []
        repeat { out.append(try position()) } while try comma()
        guard out.count >= minimum else { throw Geometry.Invalid(reason: "at least \(minimum) positions are needed") }
        return out
    }

    private mutating func rings() throws(Geometry.Invalid) -> [[Position]] {
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
