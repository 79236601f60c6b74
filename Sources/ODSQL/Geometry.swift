import Foundation

/// A geometry from a `geom'…'` literal (WKT or GeoJSON), validated and normalized to GeoJSON text.
struct Geometry: Sendable, Hashable {
    /// GeoJSON nesting of coordinates: a position or a list.
    indirect enum Coordinates: Sendable, Hashable {
        case position(Double, Double)
        case list([Coordinates])
    }

    var type: String
    var coordinates: Coordinates
    var members: [Geometry] = []

    static let maxNesting = 8

    /// The point (lon, lat) when the geometry is a Point.
    var point: (lon: Double, lat: Double)? {
        if type == "Point", case .position(let lon, let lat) = coordinates { return (lon, lat) }
        return nil
    }

    /// Bounding box as (minLon, minLat, maxLon, maxLat).
    var boundingBox: (minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        var box = (minLon: Double.infinity, minLat: Double.infinity, maxLon: -Double.infinity, maxLat: -Double.infinity)
        func visit(_ coordinates: Coordinates) {
            switch coordinates {
            case .position(let lon, let lat):
                box = (min(box.minLon, lon), min(box.minLat, lat), max(box.maxLon, lon), max(box.maxLat, lat))
            case .list(let items): items.forEach(visit)
            }
        }
        visit(coordinates)
        for member in members {
            let inner = member.boundingBox
            box = (
                min(box.minLon, inner.minLon), min(box.minLat, inner.minLat),
                max(box.maxLon, inner.maxLon), max(box.maxLat, inner.maxLat)
            )
        }
        return box
    }

    /// Canonical GeoJSON geometry text, e.g. `{"type":"Point","coordinates":[2.35,48.85]}`.
    var geoJSON: String {
        if type == "GeometryCollection" {
            return "{\"type\":\"GeometryCollection\",\"geometries\":[" + members.map(\.geoJSON).joined(separator: ",")
                + "]}"
        }
        func render(_ coordinates: Coordinates) -> String {
            switch coordinates {
            case .position(let lon, let lat): "[\(lon),\(lat)]"
            case .list(let items): "[" + items.map(render).joined(separator: ",") + "]"
            }
        }
        return "{\"type\":\"\(type)\",\"coordinates\":\(render(coordinates))}"
    }

    /// Parses WKT or GeoJSON, returning nil and a reason when invalid.
    static func parse(_ text: String) -> Result<Geometry, GeometryError> {
        let trimmed = text.trimmingSpaces
        let geometry: Geometry
        do {
            if trimmed.hasPrefix("{") {
                geometry = try GeoJSONGeometryReader.read(trimmed)
            } else {
                var reader = WKTReader(Array(trimmed.unicodeScalars))
                geometry = try reader.read(nesting: 0)
            }
            try geometry.validate()
        } catch {
            return .failure(error)
        }
        return .success(geometry)
    }

    private func validate() throws(GeometryError) {
        if type == "GeometryCollection" {
            for member in members { try member.validate() }
            return
        }
        func positions(_ coordinates: Coordinates) throws(GeometryError) -> Int {
            switch coordinates {
            case .position(let lon, let lat):
                guard lon.isFinite, lat.isFinite, (-180...180).contains(lon), (-90...90).contains(lat) else {
                    throw GeometryError(reason: "coordinates out of range (\(lon) \(lat))")
                }
                return 1
            case .list(let items):
                var total = 0
                for item in items { total += try positions(item) }
                return total
            }
        }
        let shape = try Geometry.shape(of: type)
        guard coordinates.depth == shape.depth else { throw GeometryError(reason: "bad coordinates for \(type)") }
        _ = try positions(coordinates)
        func rings(_ coordinates: Coordinates, level: Int) throws(GeometryError) {
            guard case .list(let items) = coordinates else { return }
            if level == shape.depth - 1 {
                guard items.count >= shape.minimumPositions else {
                    throw GeometryError(reason: "\(type) needs at least \(shape.minimumPositions) positions")
                }
                if shape.closed, items.first != items.last {
                    throw GeometryError(reason: "polygon rings must be closed")
                }
                return
            }
            guard !items.isEmpty else { throw GeometryError(reason: "empty \(type)") }
            for item in items { try rings(item, level: level + 1) }
        }
        if shape.depth > 1 { try rings(coordinates, level: 1) }
    }

    /// Coordinate depth, minimum positions per innermost list, and closed rings, for each GeoJSON type.
    static func shape(of type: String) throws(GeometryError) -> (depth: Int, minimumPositions: Int, closed: Bool) {
        switch type {
        case "Point": (1, 1, false)
        case "MultiPoint": (2, 1, false)
        case "LineString": (2, 2, false)
        case "MultiLineString": (3, 2, false)
        case "Polygon": (3, 4, true)
        case "MultiPolygon": (4, 4, true)
        default: throw GeometryError(reason: "unknown geometry type \(type)")
        }
    }
}

/// Why a geometry literal was rejected.
struct GeometryError: Error, Sendable, Hashable {
    var reason: String
}

extension Geometry.Coordinates {
    var depth: Int {
        switch self {
        case .position: 1
        case .list(let items): 1 + (items.first?.depth ?? 0)
        }
    }
}

/// Reads GeoJSON geometry objects (and the geometry of a Feature) with JSONSerialization.
private enum GeoJSONGeometryReader {
    static func read(_ text: String) throws(GeometryError) -> Geometry {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw GeometryError(reason: "invalid GeoJSON") }
        return try geometry(object, nesting: 0)
    }

    private static func geometry(_ object: [String: Any], nesting: Int) throws(GeometryError) -> Geometry {
        guard nesting < Geometry.maxNesting, let type = object["type"] as? String else {
            throw GeometryError(reason: "invalid GeoJSON geometry")
        }
        if type == "Feature", let inner = object["geometry"] as? [String: Any] {
            return try geometry(inner, nesting: nesting + 1)
        }
        if type == "GeometryCollection" {
            guard let items = object["geometries"] as? [[String: Any]] else {
                throw GeometryError(reason: "invalid GeometryCollection")
            }
            var members: [Geometry] = []
            for item in items { members.append(try geometry(item, nesting: nesting + 1)) }
            return Geometry(type: type, coordinates: .list([]), members: members)
        }
        _ = try Geometry.shape(of: type)
        guard let raw = object["coordinates"] else { throw GeometryError(reason: "missing coordinates") }
        return Geometry(type: type, coordinates: try coordinates(raw, nesting: 0))
    }

    private static func coordinates(_ raw: Any, nesting: Int) throws(GeometryError) -> Geometry.Coordinates {
        guard nesting < Geometry.maxNesting, let array = raw as? [Any] else {
            throw GeometryError(reason: "invalid coordinates")
        }
        if let numbers = array as? [NSNumber], !numbers.isEmpty, !(array.first is [Any]) {
            guard numbers.count >= 2 else { throw GeometryError(reason: "a position needs two numbers") }
            return .position(numbers[0].doubleValue, numbers[1].doubleValue)
        }
        var items: [Geometry.Coordinates] = []
        for item in array { items.append(try coordinates(item, nesting: nesting + 1)) }
        return .list(items)
    }
}
