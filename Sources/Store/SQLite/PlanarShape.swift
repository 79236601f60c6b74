import Vocabulary

/// A GeoJSON geometry flattened for planar tests on (lon, lat): isolated points, open paths and
/// polygons (outer ring then holes). Enough for ODSQL's `intersects` and `within`.
struct PlanarShape: Equatable {
    var points: [Position] = []
    var paths: [[Position]] = []
    var polygons: [[[Position]]] = []

    /// Reads a stored GeoJSON geometry (or a Feature's) through Vocabulary's one reader; nil when the text is not
    /// one, or holds no position.
    init?(geoJSON text: String) {
        guard let geometry = try? Geometry(geoJSON: text, acceptingFeature: true) else { return nil }
        self.init(geometry)
        guard !isEmpty else { return nil }
    }

    init(points: [Position] = [], paths: [[Position]] = [], polygons: [[[Position]]] = []) {
        self.points = points
        self.paths = paths
        self.polygons = polygons
    }

    /// The points, paths and polygons of `geometry`, collections flattened.
    init(_ geometry: Geometry) {
        add(geometry)
    }

    var isEmpty: Bool { points.isEmpty && paths.isEmpty && polygons.isEmpty }

    private mutating func add(_ geometry: Geometry) {
        switch geometry {
        case .point(let position): points.append(position)
        case .multiPoint(let positions): points += positions
        case .lineString(let line): paths.append(line)
        case .multiLineString(let lines): paths += lines
        case .polygon(let rings): polygons.append(rings)
        case .multiPolygon(let shapes): polygons += shapes
        case .collection(let members): members.forEach { add($0) }
        }
    }
}

extension PlanarShape {
    /// Every vertex: the points, the path vertices and the ring vertices.
    var vertices: [Position] { points + paths.flatMap { $0 } + polygons.flatMap { $0.flatMap { $0 } } }

    /// Every segment of the paths and of the polygon rings.
    var segments: [(Position, Position)] {
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
            guard other.covers(Position(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)) else { return false }
            for (c, d) in boundary where Self.segmentsCross(a, b, c, d) { return false }
        }
        return true
    }

    /// Whether `point` is one of the points, on a path or ring, or inside a polygon (even-odd rule, so holes
    /// are outside).
    func covers(_ point: Position) -> Bool {
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
    static func turn(_ a: Position, _ b: Position, _ c: Position) -> Double {
        (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }

    static func onSegment(_ p: Position, _ a: Position, _ b: Position) -> Bool {
        turn(a, b, p) == 0 && min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y
            && p.y <= max(a.y, b.y)
    }

    /// Whether segments ab and cd share a point, touching ends and collinear overlaps included.
    static func segmentsTouch(_ a: Position, _ b: Position, _ c: Position, _ d: Position) -> Bool {
        if segmentsCross(a, b, c, d) { return true }
        return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d)
    }

    /// Whether segments ab and cd cross at a single point inside both.
    static func segmentsCross(_ a: Position, _ b: Position, _ c: Position, _ d: Position) -> Bool {
        let d1 = turn(c, d, a)
        let d2 = turn(c, d, b)
        let d3 = turn(a, b, c)
        let d4 = turn(a, b, d)
        return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
    }
}
