import Foundation

/// `geo_cluster(point_field, zoom[, radius])` in `group_by`, for map clients: points are grouped by the geohash cell
/// whose size fits `radius` pixels at `zoom` (a slippy-map zoom, 256-pixel tiles), and each group's key is the
/// centroid of its points, `{"cluster_centroid":{"lat":…,"lon":…}}`, as Opendatasoft answers.
///
/// Opendatasoft then merges groups whose centroids are closer than the radius, against the grid effect; Garona
/// does not (yet): a dense spot that straddles a cell border stays two clusters.
struct GeoClusterGrid: Sendable, Hashable {
    /// The cell's height and width in degrees: a geohash cell of the chosen precision.
    let latitudeStep: Double
    let longitudeStep: Double

    /// The grid for `zoom` (0 to 25) and `radius` pixels: the finest geohash precision (1 to 12) whose cells are
    /// still larger than the radius in metres (at the equator).
    init(zoom: Int, radius: Int) {
        let metresPerPixel = 156_543.033_928 / pow(2, Double(zoom))
        let radiusMetres = Double(radius) * metresPerPixel
        var chosen = (latitude: 180.0, longitude: 360.0)
        for precision in 1...12 {
            let bits = 5 * precision
            let latitude = 180 / pow(2, Double(bits / 2))
            let longitude = 360 / pow(2, Double(bits - bits / 2))
            guard min(latitude, longitude) * 111_320 > radiusMetres else { break }
            chosen = (latitude, longitude)
        }
        latitudeStep = chosen.latitude
        longitudeStep = chosen.longitude
    }
}

extension Analyzer {
    /// `geo_cluster(point_field, zoom[, radius])`: zoom 0 to 25, radius a positive number of pixels (40 by default).
    func geoCluster(_ call: ODSQL.FunctionCall, at position: SourcePosition) throws(ODSQLError) -> TypedExpression {
        let args = call.arguments
        guard args.count == 2 || args.count == 3 else {
            throw error(
                .invalidFunction, "Function \"geo_cluster()\" expects a geo_point_2d field, a zoom and a radius",
                at: position)
        }
        let field = try geoField(args[0], function: "geo_cluster", pointsOnly: true)
        func integer(_ argument: ODSQL.Expression, _ range: ClosedRange<Int>, _ what: String) throws(ODSQLError) -> Int {
            guard case .number(let text) = argument.kind, let value = Int(text), range.contains(value) else {
                throw error(
                    .invalidLiteral,
                    "Function \"geo_cluster()\" expects \(what) between \(range.lowerBound) and \(range.upperBound)",
                    at: argument.position)
            }
            return value
        }
        let zoom = try integer(args[1], 0...25, "a zoom level")
        let radius = args.count == 3 ? try integer(args[2], 1...10_000, "a radius in pixels") : 40
        return TypedExpression(.geoCluster(field, GeoClusterGrid(zoom: zoom, radius: radius)), .json)
    }
}

extension SQLGenerator {
    /// The cell of a point, as two integer expressions (row, column): what a `geo_cluster()` key groups by.
    func clusterCell(_ field: ODSQL.Field, _ grid: GeoClusterGrid) -> [SQLFragment] {
        let lat = column(field, TableLayout.latitudeSuffix)
        let lon = column(field, TableLayout.longitudeSuffix)
        return [
            dialect.floor("((\(lat) + 90) / \(bind: .double(grid.latitudeStep)))"),
            dialect.floor("((\(lon) + 180) / \(bind: .double(grid.longitudeStep)))"),
        ]
    }

    /// The key of a `geo_cluster()` group: the centroid of its points as JSON text, to seven decimals (about 1 cm)
    /// so that both engines write the same digits.
    func clusterCentroid(_ field: ODSQL.Field) -> SQLFragment {
        let lat = dialect.fixedDecimalText("AVG(\(column(field, TableLayout.latitudeSuffix)))", digits: 7)
        let lon = dialect.fixedDecimalText("AVG(\(column(field, TableLayout.longitudeSuffix)))", digits: 7)
        return "('{\"cluster_centroid\":{\"lat\":' || \(lat) || ',\"lon\":' || \(lon) || '}}')"
    }

    /// What GROUP BY lists for a group key: its cell for `geo_cluster()`, nil for the others (grouped by ordinal).
    func groupingTerms(_ expression: TypedExpression) -> [SQLFragment]? {
        guard case .geoCluster(let field, let grid) = expression.node else { return nil }
        return clusterCell(field, grid)
    }
}

extension SQLiteDialect {
    /// `printf('%.Nf', value)`.
    public func fixedDecimalText(_ value: SQLFragment, digits: Int) -> SQLFragment {
        "printf('%.\(raw: String(digits))f', \(value))"
    }
}

extension PostgreSQLDialect {
    /// The value rounded as `numeric`, which writes exactly `digits` decimals.
    public func fixedDecimalText(_ value: SQLFragment, digits: Int) -> SQLFragment {
        "CAST(round(CAST(\(value) AS numeric), \(raw: String(digits))) AS TEXT)"
    }
}
