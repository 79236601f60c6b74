/// A point in WGS 84 as a `geo_point_2d` value is stored: latitude and longitude (in that order in the API).
///
/// The stored form of ``Position`` (x the longitude, y the latitude) for one point.
public struct GeoPoint: Sendable, Equatable, Hashable, Codable {
    /// Latitude in degrees, -90 to 90.
    public var lat: Double
    /// Longitude in degrees, -180 to 180.
    public var lon: Double

    /// Creates a point.
    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }

    /// The point at a WGS 84 position (x the longitude, y the latitude).
    public init(_ position: Position) { self.init(lat: position.y, lon: position.x) }
}

/// A bounding box in WGS 84, as a `geo_shape` value stores it beside its GeoJSON (the stored form of ``Extent``).
public struct BoundingBox: Sendable, Equatable, Hashable, Codable {
    /// Westernmost longitude.
    public var minLon: Double
    /// Southernmost latitude.
    public var minLat: Double
    /// Easternmost longitude.
    public var maxLon: Double
    /// Northernmost latitude.
    public var maxLat: Double

    /// Creates a box.
    public init(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        self.minLon = minLon
        self.minLat = minLat
        self.maxLon = maxLon
        self.maxLat = maxLat
    }
}

/// A geometry ready to store: compact GeoJSON text, its bounding box and centroid (what a `geo_shape` cell holds).
public struct GeoShape: Sendable, Equatable, Hashable, Codable {
    /// Compact GeoJSON geometry text (`{"type":"Point","coordinates":[lon,lat]}`).
    public var geoJSON: String
    /// The bounding box of every position.
    public var bbox: BoundingBox
    /// The centroid (see ``Geometry/centroid``).
    public var centroid: GeoPoint

    /// Creates a stored shape from its parts.
    public init(geoJSON: String, bbox: BoundingBox, centroid: GeoPoint) {
        self.geoJSON = geoJSON
        self.bbox = bbox
        self.centroid = centroid
    }

    /// The stored form of `geometry`: its GeoJSON, its extent (zeros when it has no position) and its centroid.
    public init(_ geometry: Geometry) {
        let extent = geometry.extent
        let centroid = geometry.centroid
        self.init(
            geoJSON: geometry.geoJSON,
            bbox: extent.isEmpty
                ? BoundingBox(minLon: 0, minLat: 0, maxLon: 0, maxLat: 0)
                : BoundingBox(minLon: extent.minX, minLat: extent.minY, maxLon: extent.maxX, maxLat: extent.maxY),
            centroid: GeoPoint(centroid))
    }
}
