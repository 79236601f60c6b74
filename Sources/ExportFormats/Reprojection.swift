import GaronaProj
import Vocabulary

/// Why a coordinate reference system cannot be used for an export.
public struct ReprojectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The EPSG code that was asked for.
    public var epsg: Int
    /// PROJ's reason, for the 400 answer.
    public var reason: String

    public var description: String { "Unknown or unusable EPSG code \(epsg): \(reason)" }
}

/// Transforms WGS 84 longitudes and latitudes (EPSG:4326) to another EPSG coordinate reference system with
/// PROJ's C API (`proj_create_crs_to_crs`, normalized to easting/northing or longitude/latitude order).
/// EPSG:4326 itself is the identity and never calls PROJ for coordinates. One instance per export: a PROJ
/// context is not shared between threads.
public final class Reprojection {
    /// The target EPSG code.
    public let epsg: Int
    /// The target system's description as ESRI WKT 1, the form a shapefile's `.prj` carries.
    public let esriWKT: String
    /// The target system's description as OGC WKT 2 (2019).
    public let wkt: String
    private let context: OpaquePointer?
    private let transform: OpaquePointer?

    /// Prepares the transformation from EPSG:4326 to `EPSG:epsg`; throws when PROJ does not know the code.
    public init(epsg: Int) throws(ReprojectionError) {
        self.epsg = epsg
        guard epsg > 0, epsg < 1_000_000 else { throw ReprojectionError(epsg: epsg, reason: "out of range") }
        guard let context = proj_context_create() else { throw ReprojectionError(epsg: epsg, reason: "no PROJ context") }
        proj_log_level(context, PJ_LOG_NONE)
        guard let target = proj_create(context, "EPSG:\(epsg)") else {
            let reason = Self.lastError(context)
            proj_context_destroy(context)
            throw ReprojectionError(epsg: epsg, reason: reason)
        }
        defer { proj_destroy(target) }
        esriWKT = proj_as_wkt(context, target, PJ_WKT1_ESRI, nil).map { String(cString: $0) } ?? ""
        wkt = proj_as_wkt(context, target, PJ_WKT2_2019, nil).map { String(cString: $0) } ?? ""
        if epsg == 4326 {
            self.context = context
            transform = nil
            return
        }
        guard let raw = proj_create_crs_to_crs(context, "EPSG:4326", "EPSG:\(epsg)", nil),
            let normalized = proj_normalize_for_visualization(context, raw)
        else {
            let reason = Self.lastError(context)
            proj_context_destroy(context)
            throw ReprojectionError(epsg: epsg, reason: reason)
        }
        proj_destroy(raw)
        self.context = context
        transform = normalized
    }

    deinit {
        if let transform { proj_destroy(transform) }
        if let context { proj_context_destroy(context) }
    }

    /// Whether coordinates go through unchanged (EPSG:4326).
    public var isIdentity: Bool { transform == nil }

    /// `(longitude, latitude)` in degrees to `(x, y)` of the target system (infinite when PROJ cannot project it).
    public func project(_ position: Position) -> Position {
        guard let transform else { return position }
        var coordinate = PJ_COORD()
        coordinate.xyzt = PJ_XYZT(x: position.x, y: position.y, z: 0, t: .infinity)
        let result = proj_trans(transform, PJ_FWD, coordinate)
        return Position(x: result.xyzt.x, y: result.xyzt.y)
    }

    /// A geometry with every position projected.
    public func project(_ shape: Geometry) -> Geometry {
        isIdentity ? shape : shape.mapPositions(project)
    }

    private static func lastError(_ context: OpaquePointer) -> String {
        let code = proj_context_errno(context)
        guard code != 0, let text = proj_context_errno_string(context, code) else { return "unknown to PROJ" }
        return String(cString: text)
    }
}
