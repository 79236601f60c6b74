/// The type of a dataset field, as Opendatasoft names it: the one field-type enum of Garona.
///
/// Ingest infers it, Store keeps it in the catalog and ODSQL compiles against it; the raw value is the
/// Opendatasoft name (`geo_point_2d`), which the API, the catalog's JSON and `--field name=type` use.
/// It says what a value means, not how an engine stores it: dates are ISO text on every engine.
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
    case text
    case int
    case double
    case boolean
    case date
    case datetime
    case geoPoint2D = "geo_point_2d"
    case geoShape = "geo_shape"
    case jsonBlob = "json_blob"
}
