/// The one GeoJSON reader and writer of ``Geometry``.
extension Geometry {
    /// Reads GeoJSON geometry text; with `acceptingFeature`, the geometry of a Feature too.
    ///
    /// Refuses (``GeometryError``) anything but a valid WGS 84 geometry: see ``init(geoJSON:acceptingFeature:)-(JSONValue,_)``.
    public init(geoJSON text: some StringProtocol, acceptingFeature: Bool = false) throws(GeometryError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(text.utf8), maxDepth: 64)
        } catch {
            throw GeometryError(reason: "invalid GeoJSON (\(error.reason) at byte \(error.offset))")
        }
        try self.init(geoJSON: value, acceptingFeature: acceptingFeature)
    }

    /// Reads a parsed GeoJSON geometry object; with `acceptingFeature`, the geometry of a Feature too.
    ///
    /// Positions must be WGS 84 longitudes and latitudes (extra numbers are dropped); a LineString needs two
    /// positions, a polygon ring four with the last equal to the first, every coordinate list at least one
    /// member; collections nest at most ``maxNesting`` deep.
    public init(geoJSON value: JSONValue, acceptingFeature: Bool = false) throws(GeometryError) {
        self = try Self.read(value, acceptingFeature: acceptingFeature, depth: 0)
    }

    private static func read(_ value: JSONValue, acceptingFeature: Bool, depth: Int) throws(GeometryError) -> Geometry {
        guard case .object = value else {
            throw GeometryError(reason: "the geometry is \(value.kindDescription), not an object")
        }
        guard case .string(let type)? = value["type"] else { throw GeometryError(reason: "the geometry has no \"type\"") }
        if type == "Feature", acceptingFeature, let inner = value["geometry"] {
            return try read(inner, acceptingFeature: false, depth: depth + 1)
        }
        if type == "GeometryCollection" {
            guard depth < maxNesting, case .array(let items)? = value["geometries"] else {
                throw GeometryError(reason: "a GeometryCollection needs a \"geometries\" array")
            }
            var parts: [Geometry] = []
            for item in items { parts.append(try read(item, acceptingFeature: false, depth: depth + 1)) }
            return .collection(parts)
        }
        guard let coordinates = value["coordinates"] else {
            throw GeometryError(reason: "the \(type) has no \"coordinates\"")
        }
        switch type {
        case "Point": return .point(try position(coordinates))
        case "MultiPoint": return .multiPoint(try positions(coordinates, minimum: 1))
        case "LineString": return .lineString(try positions(coordinates, minimum: 2))
        case "MultiLineString":
            return .multiLineString(try list(coordinates) { (v) throws(GeometryError) in try positions(v, minimum: 2) })
        case "Polygon": return .polygon(try rings(coordinates))
        case "MultiPolygon": return .multiPolygon(try list(coordinates) { (v) throws(GeometryError) in try rings(v) })
        default: throw GeometryError(reason: "unknown geometry type \"\(type)\"")
        }
    }

    private static func list<T>(
        _ value: JSONValue, _ item: (JSONValue) throws(GeometryError) -> T
    ) throws(GeometryError) -> [T] {
        guard case .array(let items) = value, !items.isEmpty else {
            throw GeometryError(reason: "coordinates must be a non-empty array")
        }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for element in items { out.append(try item(element)) }
        return out
    }

    private static func position(_ value: JSONValue) throws(GeometryError) -> Position {
        guard case .array(let items) = value, items.count >= 2, case .number(let x) = items[0],
            case .number(let y) = items[1], let lon = Double(x), let lat = Double(y)
        else { throw GeometryError(reason: "a position must be an array of at least two numbers") }
        return try checked(Position(x: lon, y: lat))
    }

    private static func positions(_ value: JSONValue, minimum: Int) throws(GeometryError) -> [Position] {
        let out = try list(value) { (v) throws(GeometryError) in try position(v) }
        guard out.count >= minimum else { throw GeometryError(reason: "at least \(minimum) positions are needed") }
        return out
    }

    private static func rings(_ value: JSONValue) throws(GeometryError) -> [[Position]] {
        let out = try list(value) { (v) throws(GeometryError) in try positions(v, minimum: 4) }
        for ring in out { try checkRing(ring) }
        return out
    }

    /// `position` when it is a finite WGS 84 longitude and latitude.
    static func checked(_ p: Position) throws(GeometryError) -> Position {
        guard p.x.isFinite, p.y.isFinite, (-180.0...180.0).contains(p.x), (-90.0...90.0).contains(p.y) else {
            throw GeometryError(reason: "position [\(p.x), \(p.y)] is outside WGS 84 longitude/latitude ranges")
        }
        return p
    }

    /// Refuses a polygon ring with fewer than four positions or whose last position is not its first.
    static func checkRing(_ ring: [Position]) throws(GeometryError) {
        guard ring.count >= 4 else { throw GeometryError(reason: "a polygon ring needs at least 4 positions") }
        guard ring.first == ring.last else { throw GeometryError(reason: "a polygon ring must be closed") }
    }

    // MARK: Writing

    /// Compact GeoJSON geometry text: `{"type":"Point","coordinates":[2.35,48.85]}`, numbers in Swift's shortest
    /// round-tripping form.
    public var geoJSON: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``geoJSON`` as UTF-8 bytes.
    public func write(to out: inout [UInt8]) {
        func head(_ type: String) {
            out.append(contentsOf: "{\"type\":\"\(type)\",\"coordinates\":".utf8)
        }
        switch self {
        case .point(let p):
            head("Point")
            Self.write(p, &out)
        case .multiPoint(let ps):
            head("MultiPoint")
            Self.write(ps, &out)
        case .lineString(let ps):
            head("LineString")
            Self.write(ps, &out)
        case .multiLineString(let lines):
            head("MultiLineString")
            Self.write(lines, &out)
        case .polygon(let rings):
            head("Polygon")
            Self.write(rings, &out)
        case .multiPolygon(let polygons):
            head("MultiPolygon")
            out.append(UInt8(ascii: "["))
            for (k, polygon) in polygons.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(polygon, &out)
            }
            out.append(UInt8(ascii: "]"))
        case .collection(let parts):
            out.append(contentsOf: "{\"type\":\"GeometryCollection\",\"geometries\":[".utf8)
            for (k, part) in parts.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                part.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func write(_ p: Position, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        out.append(contentsOf: p.x.description.utf8)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: p.y.description.utf8)
        out.append(UInt8(ascii: "]"))
    }

    private static func write(_ ps: [Position], _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (k, p) in ps.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            write(p, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func write(_ lines: [[Position]], _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (k, line) in lines.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            write(line, &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
