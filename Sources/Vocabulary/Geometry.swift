/// A coordinate pair: longitude then latitude in WGS 84 (EPSG:4326), or easting then northing once an export
/// projects it. Extra dimensions (Z, M) of the source are dropped.
public struct Position: Hashable, Sendable {
    /// Longitude in degrees, or easting once projected.
    public var x: Double
    /// Latitude in degrees, or northing once projected.
    public var y: Double

    /// Creates a position.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A GeoJSON geometry with typed coordinates: the one geometry model of Garona.
///
/// Ingest reads cells into it, ODSQL reads `geom'…'` literals, the SQLite engine's planar predicates and the
/// export writers read stored shapes; all through the same readers (``init(geoJSON:acceptingFeature:)``,
/// ``init(wkt:)``), which refuse what is not valid WGS 84 geometry (see ``GeometryError``), and one writer
/// (``geoJSON``). It is a value, not a spatial index: measures are planar on (lon, lat).
public indirect enum Geometry: Hashable, Sendable {
    /// One position.
    case point(Position)
    /// Positions, at least one.
    case multiPoint([Position])
    /// A path of at least two positions.
    case lineString([Position])
    /// Paths of at least two positions each.
    case multiLineString([[Position]])
    /// Rings: the exterior first, then holes; each closed, of at least four positions.
    case polygon([[Position]])
    /// Polygons, each as ``polygon(_:)`` holds it.
    case multiPolygon([[[Position]]])
    /// Any geometries, collections included (nested at most ``maxNesting`` deep).
    case collection([Geometry])

    /// The family a shapefile or a FlatGeobuf layer holds: points, lines or polygons (multi or not).
    public enum Family: String, Sendable, Hashable, CaseIterable {
        case point, line, polygon
    }

    /// Nesting of collections (and of a Feature around a geometry) deeper than any real geometry needs is refused.
    public static let maxNesting = 8

    /// The family of a simple geometry; nil for a collection.
    public var family: Family? {
        switch self {
        case .point, .multiPoint: .point
        case .lineString, .multiLineString: .line
        case .polygon, .multiPolygon: .polygon
        case .collection: nil
        }
    }

    /// The position when the geometry is a Point.
    public var point: Position? {
        if case .point(let position) = self { return position }
        return nil
    }

    /// The same geometry with `transform` applied to every position.
    public func mapPositions(_ transform: (Position) -> Position) -> Geometry {
        switch self {
        case .point(let position): .point(transform(position))
        case .multiPoint(let points): .multiPoint(points.map(transform))
        case .lineString(let line): .lineString(line.map(transform))
        case .multiLineString(let lines): .multiLineString(lines.map { $0.map(transform) })
        case .polygon(let rings): .polygon(rings.map { $0.map(transform) })
        case .multiPolygon(let polygons): .multiPolygon(polygons.map { $0.map { $0.map(transform) } })
        case .collection(let members): .collection(members.map { $0.mapPositions(transform) })
        }
    }

    /// Visits every position, in order.
    public func forEachPosition(_ body: (Position) -> Void) {
        switch self {
        case .point(let position): body(position)
        case .multiPoint(let points), .lineString(let points): points.forEach(body)
        case .multiLineString(let lines), .polygon(let lines): lines.forEach { $0.forEach(body) }
        case .multiPolygon(let polygons): polygons.forEach { $0.forEach { $0.forEach(body) } }
        case .collection(let members): members.forEach { $0.forEachPosition(body) }
        }
    }

    /// Every position, in order.
    public var positions: [Position] {
        var out: [Position] = []
        forEachPosition { out.append($0) }
        return out
    }

    /// Parts as lists of rings or lines: a point family gives one list of points.
    public var parts: [[Position]] {
        switch self {
        case .point(let position): [[position]]
        case .multiPoint(let points), .lineString(let points): [points]
        case .multiLineString(let lines), .polygon(let lines): lines
        case .multiPolygon(let polygons): polygons.flatMap { $0 }
        case .collection(let members): members.flatMap(\.parts)
        }
    }

    /// The bounding box of every position (empty for an empty collection).
    public var extent: Extent {
        var box = Extent()
        forEachPosition { box.add($0) }
        return box
    }

    /// The centroid of the highest dimension present: area-weighted for polygons, length-weighted for lines,
    /// the mean for points; (0, 0) for an empty collection.
    public var centroid: Position {
        var sums = CentroidSums()
        sums.add(self)
        return sums.result
    }
}

/// Why a geometry was refused: bad syntax, an unknown type, too few positions, an open ring, a position outside
/// WGS 84's longitude and latitude ranges.
public struct GeometryError: Error, Hashable, Sendable {
    /// What is wrong, in English, fit for an API message or an import report.
    public var reason: String

    /// Creates an error.
    public init(reason: String) { self.reason = reason }
}

/// A bounding box, grown position by position.
///
/// Empty, it holds infinities (min above max): test ``isEmpty`` before using its bounds.
public struct Extent: Sendable, Hashable {
    /// The smallest x (westernmost longitude).
    public var minX = Double.infinity
    /// The smallest y (southernmost latitude).
    public var minY = Double.infinity
    /// The largest x (easternmost longitude).
    public var maxX = -Double.infinity
    /// The largest y (northernmost latitude).
    public var maxY = -Double.infinity

    /// An empty extent.
    public init() {}

    /// Whether no position was added.
    public var isEmpty: Bool { minX > maxX }

    /// Grows the box to hold `position`.
    public mutating func add(_ position: Position) {
        minX = min(minX, position.x)
        minY = min(minY, position.y)
        maxX = max(maxX, position.x)
        maxY = max(maxY, position.y)
    }

    /// Grows the box to hold `other`.
    public mutating func add(_ other: Extent) {
        guard !other.isEmpty else { return }
        add(Position(x: other.minX, y: other.minY))
        add(Position(x: other.maxX, y: other.maxY))
    }
}

/// Running sums for ``Geometry/centroid``.
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
        pointX += p.x
        pointY += p.y
    }

    mutating func addLine(_ ps: [Position]) {
        ps.forEach { addPoint($0) }
        for k in 1..<max(1, ps.count) {
            let a = ps[k - 1], b = ps[k]
            let d = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            length += d
            lengthX += d * (a.x + b.x) / 2
            lengthY += d * (a.y + b.y) / 2
        }
    }

    mutating func addPolygon(_ rings: [[Position]]) {
        for (k, ring) in rings.enumerated() {
            addLine(ring)
            guard let origin = ring.first else { continue }
            var a = 0.0, mx = 0.0, my = 0.0
            for j in 1..<max(1, ring.count) {
                let x0 = ring[j - 1].x - origin.x, y0 = ring[j - 1].y - origin.y
                let x1 = ring[j].x - origin.x, y1 = ring[j].y - origin.y
                let cross = x0 * y1 - x1 * y0
                a += cross
                mx += (x0 + x1) * cross
                my += (y0 + y1) * cross
            }
            a /= 2
            if a < 0 {
                a = -a
                mx = -mx
                my = -my
            }
            let sign = k == 0 ? 1.0 : -1.0
            area += sign * a
            areaX += sign * (mx / 6 + a * origin.x)
            areaY += sign * (my / 6 + a * origin.y)
        }
    }

    var result: Position {
        if area > 1e-18 { return Position(x: areaX / area, y: areaY / area) }
        if length > 0 { return Position(x: lengthX / length, y: lengthY / length) }
        if points > 0 { return Position(x: pointX / points, y: pointY / points) }
        return Position(x: 0, y: 0)
    }
}
