import Foundation

/// The file formats of this module, by the names the export routes use.
public enum ExportFileFormat: String, Sendable, CaseIterable {
    case parquet, shp, kml, gpx, fgb

    /// The response's `Content-Type`.
    public var contentType: String {
        switch self {
        case .parquet: "application/vnd.apache.parquet"
        case .shp: "application/zip"
        case .kml: "application/vnd.google-earth.kml+xml; charset=utf-8"
        case .gpx: "application/gpx+xml; charset=utf-8"
        case .fgb: "application/flatgeobuf"
        }
    }

    /// The file name's extension (a shapefile comes zipped).
    public var fileExtension: String { self == .shp ? "zip" : rawValue }

    /// Whether the `epsg` parameter applies (Opendatasoft's list: shp, kml, fgb; GPX is WGS 84 only and
    /// Parquet keeps the stored WGS 84 GeoJSON).
    public var usesEPSG: Bool { self == .shp || self == .kml || self == .fgb }

    /// Everything a writer may need from the request.
    public struct Options: Sendable {
        /// The file and layer name (the dataset id).
        public var name: String
        /// `epsg`, 4326 by default.
        public var epsg: Int
        /// `parquet_compression`.
        public var parquetCompression: ParquetCompression
        /// `name_field`, `description_field_list`, `use_extension`.
        public var gpx: GPXOptions
        /// Where shapefile and GPX writers keep their scratch files (deleted with the writer).
        public var scratchDirectory: URL

        /// Options with the reference's defaults.
        public init(
            name: String, epsg: Int = 4326, parquetCompression: ParquetCompression = .snappy,
            gpx: GPXOptions = GPXOptions(), scratchDirectory: URL = FileManager.default.temporaryDirectory
        ) {
            self.name = name
            self.epsg = epsg
            self.parquetCompression = parquetCompression
            self.gpx = gpx
            self.scratchDirectory = scratchDirectory
        }
    }

    /// A writer of `fields` in this format; throws ``ReprojectionError`` for an EPSG code PROJ does not
    /// know and ``ExportFormatError`` for a bad option or an unusable scratch directory (a 400 and a 500).
    public func writer(fields: [ExportField], options: Options) throws -> any StreamingExportWriter {
        let reprojection = try Reprojection(epsg: usesEPSG ? options.epsg : 4326)
        switch self {
        case .parquet:
            return ParquetWriter(fields: fields, compression: options.parquetCompression)
        case .shp:
            return try ShapefileWriter(
                fields: fields, name: options.name, reprojection: reprojection, scratchDirectory: options.scratchDirectory)
        case .kml:
            return KMLWriter(fields: fields, name: options.name, reprojection: reprojection.isIdentity ? nil : reprojection)
        case .gpx:
            return try GPXWriter(fields: fields, options: options.gpx, scratchDirectory: options.scratchDirectory)
        case .fgb:
            return FlatGeobufWriter(fields: fields, name: options.name, reprojection: reprojection)
        }
    }
}
