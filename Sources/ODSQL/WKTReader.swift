/// Reads Well-Known Text geometries (`POINT(lon lat)`, `POLYGON((…))`, `MULTI…`, `GEOMETRYCOLLECTION(…)`).
struct WKTReader {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private static let types: [String: String] = [
        "POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon", "MULTIPOINT": "MultiPoint",
        "MULTILINESTRING": "MultiLineString", "MULTIPOLYGON": "MultiPolygon",
        "GEOMETRYCOLLECTION": "GeometryCollection",
    ]

    mutating func read(nesting: Int) throws(GeometryError) -> Geometry {
        guard nesting < Geometry.maxNesting else { throw GeometryError(reason: "geometry is too deeply nested") }
        let word = readWord().uppercased()
        guard let type = WKTReader.types[word] else {
            throw GeometryError(reason: word.isEmpty ? "invalid WKT" : "unknown geometry type \(word)")
        }
        let save = index
        let dimension = readWord().uppercased()
        if !["Z", "M", "ZM"].contains(dimension) { index = save }
        if readWord().uppercased() == "EMPTY" { throw GeometryError(reason: "empty geometry") }
        index = save
        if !dimension.isEmpty, ["Z", "M", "ZM"].contains(dimension) { _ = readWord() }
        let geometry: Geometry
        if type == "GeometryCollection" {
            try expect("(")
            var members: [Geometry] = []
            repeat { members.append(try read(nesting: nesting + 1)) } while accept(",")
            try expect(")")
            geometry = Geometry(type: type, coordinates: .list([]), members: members)
        } else {
            let depth = try Geometry.shape(of: type).depth
            let coordinates =
                depth == 1 ? try parenthesizedPosition() : try list(depth: depth, multiPoint: type == "MultiPoint")
            geometry = Geometry(type: type, coordinates: coordinates)
        }
        if nesting == 0 {
            skipSpaces()
            guard index == scalars.count else { throw GeometryError(reason: "unexpected text after geometry") }
        }
        return geometry
    }

    private mutating func list(depth: Int, multiPoint: Bool) throws(GeometryError) -> Geometry.Coordinates {
        try expect("(")
        var items: [Geometry.Coordinates] = []
        repeat {
            if depth == 2 {
                skipSpaces()
                items.append(multiPoint && peek() == "(" ? try parenthesizedPosition() : try position())
            } else {
                items.append(try list(depth: depth - 1, multiPoint: false))
            }
        } while accept(",")
        try expect(")")
        return .list(items)
    }

    private mutating func parenthesizedPosition() throws(GeometryError) -> Geometry.Coordinates {
        try expect("(")
        let result = try position()
        try expect(")")
        return result
    }

    private mutating func position() throws(GeometryError) -> Geometry.Coordinates {
        var numbers: [Double] = []
        while let value = readNumber() { numbers.append(value) }
        guard (2...4).contains(numbers.count) else { throw GeometryError(reason: "a position needs two numbers") }
        return .position(numbers[0], numbers[1])
    }

    private func peek() -> Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func skipSpaces() {
        while let scalar = peek(), scalar.properties.isWhitespace { index += 1 }
    }

    private mutating func accept(_ scalar: Unicode.Scalar) -> Bool {
        skipSpaces()
        guard peek() == scalar else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ scalar: Unicode.Scalar) throws(GeometryError) {
        guard accept(scalar) else { throw GeometryError(reason: "expected \"\(scalar)\" in WKT") }
    }

    private mutating func readWord() -> String {
        skipSpaces()
        var word = ""
        while let scalar = peek(), scalar.properties.isAlphabetic {
            word.unicodeScalars.append(scalar)
            index += 1
        }
        return word
    }

    private mutating func readNumber() -> Double? {
        skipSpaces()
        var text = ""
        while let scalar = peek(), "0123456789.-+eE".unicodeScalars.contains(scalar), text.count < 40 {
            text.unicodeScalars.append(scalar)
            index += 1
        }
        return text.isEmpty ? nil : Double(text)
    }
}
