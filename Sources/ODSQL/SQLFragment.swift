/// A piece of SQL text with the values bound to its `?` placeholders, in text order.
///
/// Built with interpolation that keeps SQL and values apart: `"\(raw: "COUNT(*)") >= \(bind: .int(3))"`.
/// Only Garona's own constants go through `raw:`; user values always go through `bind:`.
public struct SQLFragment: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var sql: String
    public var bindings: [SQLValue]

    /// Creates a fragment from SQL text and its bindings.
    public init(sql: String, bindings: [SQLValue] = []) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.init(sql: value)
    }

    public init(stringInterpolation: Interpolation) {
        self = stringInterpolation.fragment
    }

    /// A single placeholder bound to `value`.
    public static func bind(_ value: SQLValue) -> SQLFragment { SQLFragment(sql: "?", bindings: [value]) }

    public static func + (left: SQLFragment, right: SQLFragment) -> SQLFragment {
        SQLFragment(sql: left.sql + right.sql, bindings: left.bindings + right.bindings)
    }

    public var description: String { sql + " -- " + bindings.map(\.description).joined(separator: ", ") }

    /// The interpolation that separates SQL text from bound values.
    public struct Interpolation: StringInterpolationProtocol {
        var fragment = SQLFragment(sql: "")

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { fragment.sql += literal }

        public mutating func appendInterpolation(_ other: SQLFragment) {
            fragment.sql += other.sql
            fragment.bindings += other.bindings
        }

        /// Appends a placeholder bound to `value`.
        public mutating func appendInterpolation(bind value: SQLValue) {
            fragment.sql += "?"
            fragment.bindings.append(value)
        }

        /// Appends trusted SQL text (Garona's constants and quoted identifiers only).
        public mutating func appendInterpolation(raw text: String) { fragment.sql += text }
    }
}

extension Array where Element == SQLFragment {
    /// Joins fragments with a constant separator.
    func joined(separator: String) -> SQLFragment {
        var result = SQLFragment(sql: "")
        for (offset, fragment) in enumerated() {
            if offset > 0 { result.sql += separator }
            result = result + fragment
        }
        return result
    }
}

/// Where the records live: table names and the storage columns of each field kind.
///
/// - scalar field `f`: column `"f"`;
/// - geo_point_2d `f`: REAL columns `"f__lat"`, `"f__lon"`;
/// - geo_shape `f`: GeoJSON TEXT in `"f"` and REAL bbox columns `"f__minlon"`, `"f__minlat"`, `"f__maxlon"`,
///   `"f__maxlat"`;
/// - full text: SQLite FTS5 table `"<table>__fts"` (rowid = records rowid, one column per text field, named as
///   the field); PostgreSQL tsvector column `"_search"` on the records table.
public struct TableLayout: Sendable, Hashable {
    /// The records table.
    public var recordsTable: String
    /// The record id column (TEXT).
    public var recordIDColumn: String
    /// The SQLite FTS5 table.
    public var fullTextTable: String
    /// The PostgreSQL tsvector column that indexes every text field.
    public var searchVectorColumn: String

    /// Creates a layout; derived names follow the conventions above.
    public init(
        recordsTable: String, recordIDColumn: String = "_id", fullTextTable: String? = nil,
        searchVectorColumn: String = "_search"
    ) {
        self.recordsTable = recordsTable
        self.recordIDColumn = recordIDColumn
        self.fullTextTable = fullTextTable ?? recordsTable + "__fts"
        self.searchVectorColumn = searchVectorColumn
    }

    /// Storage column suffix of a text field's own full-text vector (PostgreSQL): `description__search`.
    public static let searchVectorSuffix = "__search"
    /// The longest field name (in bytes) that gets its own full-text vector: its column name, suffix included, must
    /// fit in PostgreSQL's 63 bytes. A search in a longer-named field computes the field's vector on the fly.
    public static let longestFieldWithSearchVector = 63 - searchVectorSuffix.utf8.count

    /// The column of the full-text vector of the text field `field` alone, nil when its name is too long for one.
    public static func fieldSearchVectorColumn(_ field: String) -> String? {
        field.utf8.count <= longestFieldWithSearchVector ? field + searchVectorSuffix : nil
    }

    /// Storage column suffixes of a geo_point_2d field.
    public static let latitudeSuffix = "__lat"
    public static let longitudeSuffix = "__lon"
    /// Storage column suffixes of a geo_shape field's bounding box.
    public static let boundingBoxSuffixes = (minLon: "__minlon", minLat: "__minlat", maxLon: "__maxlon", maxLat: "__maxlat")
}

/// One output key of a compiled query and the SQL result columns it reads.
public struct ResultColumn: Sendable, Hashable {
    /// The key in API output: the label, the field name, or the expression text (`count(*)`).
    public var key: String
    /// How to decode the SQL columns.
    public var type: ODSQL.ValueType
    /// Index (0-based) of the first SQL result column; ``ODSQL/ValueType/sqlColumnCount`` columns follow.
    public var firstSQLColumn: Int
    /// A multivalued field's list, as a JSON array of text (``type`` is then ``ODSQL/ValueType/json``).
    public var isList = false

    /// Creates a result column.
    public init(key: String, type: ODSQL.ValueType, firstSQLColumn: Int) {
        self.key = key
        self.type = type
        self.firstSQLColumn = firstSQLColumn
    }
}

/// SQL ready to prepare: text with placeholders only, the values to bind in order, and how to read the rows.
public struct CompiledQuery: Sendable, Hashable {
    public var sql: String
    public var bindings: [SQLValue]
    /// The output keys, in output order (empty for count queries).
    public var columns: [ResultColumn]

    /// Creates a compiled query.
    public init(sql: String, bindings: [SQLValue], columns: [ResultColumn] = []) {
        self.sql = sql
        self.bindings = bindings
        self.columns = columns
    }
}
