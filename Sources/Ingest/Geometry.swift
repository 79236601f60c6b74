/// A longitude/latitude position (extra dimensions are dropped).
struct Position: Equatable {
    var lon: Double
    var lat: Double
}

/// A GeoJSON geometry, validated: WGS 84 ranges, enough positions, closed rings.
indirect enum Geometry: Equatable {
    case point(Position)
    case multiPoint([Position])
    case lineString([Position])
    case multiLineString([[Position]])
    case polygon([[Position]])
    case multiPolygon([[[Position]]])
    case collection([Geometry])

    struct Invalid: Error {
        var reason: String
    }

    // MARK: From GeoJSON

    /// Reads a GeoJSON geometry object.
    static func from(geoJSON value: JSONValue, depth: Int = 0) throws(Invalid) -> Geometry {
        guard case .object = value else { throw Invalid(reason: "the geometry is \(value.kindDescription), not an object") }
        guard case .string(let type)? = value["type"] else { throw Invalid(reason: "the geometry has no \"type\"") }
        if type == "GeometryCollection" {
            guard depth < 8, case .array(let items)? = value["geometries"] else {
                throw Invalid(reason: "a GeometryCollection needs a \"geometries\" array")
            }
            var parts: [Geometry] = []
            for item in items { parts.append(try from(geoJSON: item, depth: depth + 1)) }
            return .collection(parts)
        }
        guard let coordinates = value["coordinates"] else { throw Invalid(reason: "the \(type) has no \"coordinates\"") }
        switch type {
        case "Point": return .point(try position(coordinates))
        case "MultiPoint": return .multiPoint(try positions(coordinates, minimum: 1))
        case "LineString": return .lineString(try positions(coordinates, minimum: 2))
        case "MultiLineString":
            return .multiLineString(try list(coordinates) { (v) throws(Invalid) in try positions(v, minimum: 2) })
        case "Polygon": return .polygon(try rings(coordinates))
        case "MultiPolygon": return .multiPolygon(try list(coordinates) { (v) throws(Invalid) in try rings(v) })
        default: throw Invalid(reason: "unknown geometry type \"\(type)\"")
        }
    }

    private static func list<T>(_ value: JSONValue, _ item: (JSONValue) throws(Invalid) -> T) throws(Invalid) -> [T] {
        guard case .array(let items) = value, !items.isEmpty else {
            throw Invalid(reason: "coordinates must be a non-empty array")
        }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for element in items { out.append(try item(element)) }
        return out
    }

    private static func position(_ value: JSONValue) throws(Invalid) -> Position {
        guard case .array(let items) = value, items.count >= 2, case .number(let x) = items[0],
            case .number(let y) = items[1], let lon = Double(x), let lat = Double(y)
        else { throw Invalid(reason: "a position must be an array of at least two numbers") }
        return try checked(Position(lon: lon, lat: lat))
    }

    static func checked(_ p: Position) throws(Invalid) -> Position {
        guard p.lon.isFinite, p.lat.isFinite, (-180.0...180.0).contains(p.lon), (-90.0...90.0).contains(p.lat) else {
            throw Invalid(reason: "position [\(p.lon), \(p.lat)] is outside WGS 84 longitude/latitude ranges")
        }
        return p
    }

    private static func positions(_ value: JSONValue, minimum: Int) throws(Invalid) -> [Position] {
        let out = try list(value) { (v) throws(Invalid) in try position(v) }
        guard out.count >= minimum else { throw Invalid(reason: "at least \(minimum) positions are needed") }
        return out
    }

    private static func rings(_ value: JSONValue) throws(Invalid) -> [[Position]] {
        let out = try list(value) { (v) throws(Invalid) in try positions(v, minimum: 4) }
        for ring in out { try checkRing(ring) }
        return out
    }

    static func checkRing(_ ring: [Position]) throws(Invalid) {
        guard ring.count >= 4 else { throw Invalid(reason: "a polygon ring needs at least 4 positions") }
        guard ring.first == ring.last else { throw Invalid(reason: "a polygon ring must be closed") }
    }

    // MARK: To GeoJSON

    var geoJSON: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func write(to out: inout [UInt8]) {
        func head(_ type: String) {
            out.append(contentsOf: "{\"type\":\"\(type)\",\"coordinates\":".utf8)
        }
        switch self {
        case .point(let p): head("Point"); Self.write(p, &out)
        case .multiPoint(let ps): head("MultiPoint"); Self.write(ps, &out)
        case .lineString(let ps): head("LineString"); Self.write(ps, &out)
        case .multiLineString(let lines): head("MultiLineString"); Self.write(lines, &out)
        case .polygon(let rings): head("Polygon"); Self.write(rings, &out)
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
        out.append(contentsOf: p.lon.description.utf8)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: p.lat.description.utf8)
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

    // MARK: Measures

    /// Visits every position.
    func forEachPosition(_ body: (Position) -> Void) {
        switch self {
        case .point(let p): body(p)
        case .multiPoint(let ps), .lineString(let ps): ps.forEach(body)
        case .multiLineString(let lines), .polygon(let lines): lines.forEach { $0.forEach(body) }
        case .multiPolygon(let polygons): polygons.forEach { $0.forEach { $0.forEach(body) } }
        case .collection(let parts): parts.forEach { $0.forEachPosition(body) }
        }
    }

    var bbox: BoundingBox {
        var box = BoundingBox(minLon: .infinity, minLat: .infinity, maxLon: -.infinity, maxLat: -.infinity)
        forEachPosition { p in
            box.minLon = min(box.minLon, p.lon)
            box.minLat = min(box.minLat, p.lat)
            box.maxLon = max(box.maxLon, p.lon)
            box.maxLat = max(box.maxLat, p.lat)
        }
        if !box.minLon.isFinite { return BoundingBox(minLon: 0, minLat: 0, maxLon: 0, maxLat: 0) }
        return box
    }

    /// The centroid of the highest dimension present: area-weighted for polygons, length-weighted for lines,
    /// the mean for points.
    var centroid: GeoPoint {
        var sums = CentroidSums()
        sums.add(self)
        return sums.result
    }

    var shape: GeoShape { GeoShape(geoJSON: geoJSON, bbox: bbox, centroid: centroid) }
}

private struct CentroidSums {
    var area = 0.0, areaX = 0.0, areaY = 0.0
    var length = 0.0, lengthX = 0.0, lengthY = 0.0
    var points = 0.0, pointX = 0.0, pointY = 0.0

    mutating func add(_ geometry: Geometry) {
        switch geometry {
        case .point(let p): addPoint(p)
        case .multiPoint(let ps): ps.forEach { addPoint($0) }
        case .lineString(let ps): addLine(ps)
        case .multiLineString(let lines): lines.forEach { addLine($0) }
        case .polygon(let rings): addPolygon(rings)
        case .multiPolygon(let polygons): polygons.forEach { addPolygon($0) }
        case .collection(let parts): parts.forEach { add($0) }
        }
    }

    mutating func addPoint(_ p: Position) {
        points += 1
        pointX += p.lon
        pointY += p.lat
    }

    mutating func addLine(_ ps: [Position]) {
        ps.forEach { addPoint($0) }
        for k in 1..<max(1, ps.count) {
            let a = ps[k - 1], b = ps[k]
            let d = ((b.lon - a.lon) * (b.lon - a.lon) + (b.lat - a.lat) * (b.lat - a.lat)).squareRoot()
            length += d
            lengthX += d * (a.lon + b.lon) / 2
            lengthY += d * (a.lat + b.lat) / 2
        }
    }

    mutating func addPolygon(_ rings: [[Position]]) {
        for (k, ring) in rings.enumerated() {
            addLine(ring)
            guard let origin = ring.first else { continue }
            var a = 0.0, mx = 0.0, my = 0.0
            for j in 1..<max(1, ring.count) {
                let x0 = ring[j - 1].lon - origin.lon, y0 = ring[j - 1].lat - origin.lat
                let x1 = ring[j].lon - origin.lon, y1 = ring[j].lat - origin.lat
                let cross = x0 * y1 - x1 * y0
                a += cross
                mx += (x0 + x1) * cross
                my += (y0 + y1) * cross
            }
            a /= 2
            if a < 0 { a = -a; mx = -mx; my = -my }
            let sign = k == 0 ? 1.0 : -1.0
            area += sign * a
            areaX += sign * (mx / 6 + a * origin.lon)
            areaY += sign * (my / 6 + a * origin.lat)
        }
    }

    var result: GeoPoint {
        if area > 1e-18 { return GeoPoint(lat: areaY / area, lon: areaX / area) }
        if length > 0 { return GeoPoint(lat: lengthY / length, lon: lengthX / length) }
        if points > 0 { return GeoPoint(lat: pointY / points, lon: pointX / points) }
        return GeoPoint(lat: 0, lon: 0)
    }
}
