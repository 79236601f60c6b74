import Ingest
import ODSQL
import Vocabulary

/// How a dataset's fields map to SQL columns, the layout the ODSQL compiler targets.
///
/// - scalar fields are one column named as the field;
/// - a `geo_point_2d` field `f` is two REAL columns `f__lat` and `f__lon`;
/// - a `geo_shape` field `f` is its GeoJSON text in `f` plus a bounding box in
///   `f__minlon`, `f__minlat`, `f__maxlon`, `f__maxlat`;
/// - every table has a stable record id in `_id`, and an FTS5 table `<table>__fts` over its text
///   fields whose rowid is the record's rowid.
public enum RecordLayout {
    public static let recordIDColumn = "_id"

    /// `(column, SQL type)` pairs for one field.
    public static func columns(of field: DatasetField) -> [(name: String, type: String)] {
        let name = field.name
        switch field.type {
        case .text, .date, .datetime, .jsonBlob: return [(name, "TEXT")]
        case .int, .boolean: return [(name, "INTEGER")]
        case .double: return [(name, "REAL")]
        case .geoPoint2D: return [(name + "__lat", "REAL"), (name + "__lon", "REAL")]
        case .geoShape:
            return [(name, "TEXT")] + ["__minlon", "__minlat", "__maxlon", "__maxlat"].map { (name + $0, "REAL") }
        }
    }

    /// The name of the table holding `version` of a dataset.
    public static func tableName(datasetID: String, version: Int) -> String {
        "records_\(datasetID)_v\(version)"
    }

    /// The full-text table of a records table.
    public static func fullTextTable(of table: String) -> String { table + "__fts" }

    /// Double-quotes an identifier for SQL.
    public static func quote(_ identifier: String) -> String {
        "\"" + SQLQuoting.doubling("\"", in: identifier) + "\""
    }
}
