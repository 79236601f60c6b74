import Foundation

/// A coordinate pair: longitude and latitude in EPSG:4326, easting and northing once projected.
public struct Position: Sendable, Hashable {
    public var x: Double
    public var y: Double

    /// Creates a position.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A GeoJSON geometry with typed coordinates, as the export writers need it.
public indirect enum GeoShape: Sendable, Hashable {
    case point(Position)
    case multiPoint([Position])
    case lineString([Position])
    case multiLineString([[Position]])
    /// Rings: the exterior first, then holes.
    case polygon([[Position]])
    case multiPolygon([[[Position]]])
    case collection([GeoShape])

    /// The family a shapefile or a FlatGeobuf layer holds: points, lines or polygons (multi or not).
    public enum Family: String, Sendable, Hashable, CaseIterable {
        case point, line, polygon
    }

    /// The family of a simple geometry; nil for a collection.
    public var family: Family? {
        switch self {
        case .point, .multiPoint: .point
        case .lineString, .multiLineString: .line
        case .polygon, .multiPolygon: .polygon
        case .collection: nil
        }
    }

    /// The same geometry with `transform` applied to every position.
    public func mapPositions(_ transform: (Position) -> Position) -> GeoShape {
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

    /// Every position, in order.
    public var positions: [Position] {
        switch self {
        case .point(let position): [position]
        case .multiPoint(let points), .lineString(let points): points
        case .multiLineString(let lines), .polygon(let lines): lines.flatMap { $0 }
        case .multiPolygon(let polygons): polygons.flatMap { $0.flatMap { $0 } }
        case .collection(let members): members.flatMap(\.positions)
        }
    }

    /// Parts as lists of rings or lines: a point family gives one list of points.
    var parts: [[Position]] {
        switch self {
        case .point(let position): [[position]]
        case .multiPoint(let points), .lineString(let points): [points]
        case .multiLineString(let lines), .polygon(let lines): lines
        case .multiPolygon(let polygons): polygons.flatMap { $0 }
        case .collection(let members): members.flatMap(\.parts)
        }
    }

    /// Reads a GeoJSON geometry (or Feature) object; nil when it is not valid GeoJSON geometry.
    public init?(geoJSON text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let shape = Self.read(object, depth: 0)
        else { return nil }
        self = shape
    }

    private static func read(_ object: [String: Any], depth: Int) -> GeoShape? {
        guard depth < 8, let type = object["type"] as? String else { return nil }
        if type == "Feature", let inner = object["geometry"] as? [String: Any] { return read(inner, depth: depth + 1) }
        if type == "GeometryCollection" {
            guard let members = object["geometries"] as? [[String: Any]] else { return nil }
            let shapes = members.compactMap { read($0, depth: depth + 1) }
            return shapes.count == members.count ? .collection(shapes) : nil
        }
        let raw = object["coordinates"]
        switch type {
        case "Point": return position(raw).map(GeoShape.point)
        case "MultiPoint": return list(raw, position).map(GeoShape.multiPoint)
        case "LineString": return list(raw, position).map(GeoShape.lineString)
        case "MultiLineString": return list(raw) { list($0, position) }.map(GeoShape.multiLineString)
        case "Polygon": return list(raw) { list($0, position) }.map(GeoShape.polygon)
        case "MultiPolygon": return list(raw) { list($0) { list($0, position) } }.map(GeoShape.multiPolygon)
        default: return nil
        }
    }

    private static func position(_ raw: Any?) -> Position? {
        guard let numbers = raw as? [Any], numbers.count >= 2, let x = numbers[0] as? NSNumber,
            let y = numbers[1] as? NSNumber
        else { return nil }
        return Position(x: x.doubleValue, y: y.doubleValue)
    }

    private static func list<Item>(_ raw: Any?, _ item: (Any) -> Item?) -> [Item]? {
        guard let items = raw as? [Any] else { return nil }
        let read = items.compactMap(item)
        return read.count == items.count ? read : nil
    }
}

/// A bounding box, grown position by position.
public struct Extent: Sendable, Hashable {
    public var minX = Double.infinity
    public var minY = Double.infinity
    public var maxX = -Double.infinity
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
