import Foundation

/// A GeoJSON geometry flattened for planar tests on (lon, lat): isolated points, open paths and
/// polygons (outer ring then holes). Enough for ODSQL's `intersects` and `within`.
struct PlanarShape: Equatable {
    struct Point: Equatable {
        var x: Double
        var y: Double
    }

    var points: [Point] = []
    var paths: [[Point]] = []
    var polygons: [[[Point]]] = []

    /// Nesting deeper than any GeoJSON geometry needs is refused.
    static let maxCollectionDepth = 4

    /// Reads a GeoJSON geometry, Feature or GeometryCollection; nil when the text is not one.
    init?(geoJSON text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        guard (try? add(object, depth: 0)) != nil, !isEmpty else { return nil }
    }

    init(points: [Point] = [], paths: [[Point]] = [], polygons: [[[Point]]] = []) {
        self.points = points
        self.paths = paths
        self.polygons = polygons
    }

    var isEmpty: Bool { points.isEmpty && paths.isEmpty && polygons.isEmpty }

    private struct Malformed: Error {}

    private mutating func add(_ object: [String: Any], depth: Int) throws {
        guard depth <= Self.maxCollectionDepth, let type = object["type"] as? String else { throw Malformed() }
        switch type {
        case "Feature":
            guard let geometry = object["geometry"] as? [String: Any] else { throw Malformed() }
            try add(geometry, depth: depth + 1)
        case "GeometryCollection":
            guard let members = object["geometries"] as? [[String: Any]] else { throw Malformed() }
            for member in members { try add(member, depth: depth + 1) }
        default:
            let coordinates = object["coordinates"] as Any
            switch type {
            case "Point": points.append(try Self.point(coordinates))
            case "MultiPoint": points += try Self.list(coordinates).map(Self.point)
            case "LineString": paths.append(try Self.line(coordinates))
            case "MultiLineString": paths += try Self.list(coordinates).map(Self.line)
            case "Polygon": polygons.append(try Self.list(coordinates).map(Self.line))
            case "MultiPolygon": polygons += try Self.list(coordinates).map { try Self.list($0).map(Self.line) }
            default: throw Malformed()
            }
        }
    }

    private static func list(_ value: Any) throws -> [Any] {
        guard let items = value as? [Any] else { throw Malformed() }
        return items
    }

    private static func line(_ value: Any) throws -> [Point] {
        let points = try list(value).map(point)
        guard !points.isEmpty else { throw Malformed() }
        return points
    }

    private static func point(_ value: Any) throws -> Point {
        let items = try list(value)
        guard items.count >= 2, let x = number(items[0]), let y = number(items[1]), x.isFinite, y.isFinite else {
            throw Malformed()
        }
        return Point(x: x, y: y)
    }

    private static func number(_ value: Any) -> Double? {
        if let number = value as? Double { return number }
        if let number = value as? Int { return Double(number) }
        return (value as? NSNumber)?.doubleValue
    }
}

extension PlanarShape {
    /// Every vertex: the points, the path vertices and the ring vertices.
    var vertices: [Point] { points + paths.flatMap { $0 } + polygons.flatMap { $0.flatMap { $0 } } }

    /// Every segment of the paths and of the polygon rings.
    var segments: [(Point, Point)] {
        (paths + polygons.flatMap { $0 }).flatMap { line in zip(line, line.dropFirst()).map { ($0, $1) } }
    }

    /// Whether the two shapes share at least one point.
    func intersects(_ other: PlanarShape) -> Bool {
        let mine = segments
        let theirs = other.segments
        for (a, b) in mine {
            for (c, d) in theirs where Self.segmentsTouch(a, b, c, d) { return true }
        }
        return vertices.contains(where: other.covers) || other.vertices.contains(where: covers)
    }

    /// Whether every point of this shape lies in `other` (interior or boundary): its vertices and the middle
    /// of its segments are covered, and none of its segments crosses a boundary segment of `other`.
    func isWithin(_ other: PlanarShape) -> Bool {
        guard vertices.allSatisfy(other.covers) else { return false }
        let boundary = other.segments
        for (a, b) in segments {
            guard other.covers(Point(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)) else { return false }
            for (c, d) in boundary where Self.segmentsCross(a, b, c, d) { return false }
        }
        return true
    }

    /// Whether `point` is one of the points, on a path or ring, or inside a polygon (even-odd rule, so holes
    /// are outside).
    func covers(_ point: Point) -> Bool {
        if points.contains(point) { return true }
        if segments.contains(where: { Self.onSegment(point, $0.0, $0.1) }) { return true }
        return polygons.contains { rings in
            var inside = false
            for ring in rings {
                for (a, b) in zip(ring, ring.dropFirst() + [ring[0]]) where (a.y > point.y) != (b.y > point.y) {
                    let crossingX = a.x + (point.y - a.y) / (b.y - a.y) * (b.x - a.x)
                    if point.x < crossingX { inside.toggle() }
                }
            }
            return inside
        }
    }

    /// The sign of the turn a → b → c: positive counter-clockwise, negative clockwise, zero collinear.
    static func turn(_ a: Point, _ b: Point, _ c: Point) -> Double {
        (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }

    static func onSegment(_ p: Point, _ a: Point, _ b: Point) -> Bool {
        turn(a, b, p) == 0 && min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y
            && p.y <= max(a.y, b.y)
    }

    /// Whether segments ab and cd share a point, touching ends and collinear overlaps included.
    static func segmentsTouch(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
        if segmentsCross(a, b, c, d) { return true }
        return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d)
    }

    /// Whether segments ab and cd cross at a single point inside both.
    static func segmentsCross(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
        let d1 = turn(c, d, a)
        let d2 = turn(c, d, b)
        let d3 = turn(a, b, c)
        let d4 = turn(a, b, d)
        return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
    }
}
