import Vocabulary

/// A checked, typed expression: fields are resolved against the schema and literals are ready to bind.
struct TypedExpression: Sendable, Hashable {
    indirect enum Node: Sendable, Hashable {
        case column(ODSQL.Field)
        case value(SQLValue)
        /// A date expression read as a datetime: `x || 'T00:00:00Z'`.
        case dateAsDateTime(TypedExpression)
        /// A datetime read as the wall-clock time of a time zone, in the stored text form.
        case localTime(TypedExpression, ZoneOffsets)
        case negate(TypedExpression)
        case arithmetic(ODSQL.ArithmeticOperator, TypedExpression, TypedExpression)
        case comparison(ODSQL.ComparisonOperator, TypedExpression, TypedExpression)
        case and([TypedExpression])
        case or([TypedExpression])
        case not(TypedExpression)
        case isNull(TypedExpression, negated: Bool)
        case isBoolean(TypedExpression, Bool, negated: Bool)
        case inList(TypedExpression, [SQLValue])
        case inRange(TypedExpression, lower: SQLValue, upper: SQLValue, lowerInclusive: Bool, upperInclusive: Bool)
        /// A value in a multivalued field (a JSON array in TEXT).
        case member(ODSQL.Field, SQLValue)
        /// Case-insensitive contains-all-terms.
        case like(TypedExpression, terms: [String])
        case fullText(FullTextQuery)
        case startsWith([ODSQL.Field], prefix: String)
        case withinDistance(ODSQL.Field, lat: Double, lon: Double, metres: Double)
        case inBoundingBox(ODSQL.Field, minLat: Double, minLon: Double, maxLat: Double, maxLon: Double)
        case geoRelation(GeoRelation, ODSQL.Field, Geometry)
        case scalar(ScalarFunction, [TypedExpression])
        case datePart(DatePart, TypedExpression)
        case dateFormat(TypedExpression, [DateFormatPiece])
        case distance(ODSQL.Field, lat: Double, lon: Double)
        case jsonFormat(TypedExpression, fallback: SQLValue?)
        case aggregate(AggregateFunction, TypedExpression?, distinct: Bool)
        case percentile(TypedExpression, Double)
        case extent(ODSQL.Field)
        case staticRanges(TypedExpression, [RangeBucket])
        case widthRanges(TypedExpression, width: SQLValue, integerLabels: Bool)
        case dateRanges(TypedExpression, DateBucketInterval)
        /// A `geo_cluster()` group key: the centroid of the points of a grid cell (see ``GeoClusterGrid``).
        case geoCluster(ODSQL.Field, GeoClusterGrid)
        case random(seed: Int64)
        case constant(Bool)
    }

    var node: Node
    var type: ODSQL.ValueType
    var isAggregate = false

    init(_ node: Node, _ type: ODSQL.ValueType, aggregate: Bool = false) {
        self.node = node
        self.type = type
        self.isAggregate = aggregate
    }
}

enum GeoRelation: String, Sendable, Hashable {
    case intersects, within, disjoint
}

enum ScalarFunction: String, Sendable, Hashable {
    case length, lower, upper, ifnull
}

enum AggregateFunction: String, Sendable, Hashable {
    case count, sum, avg, min, max
}

/// A component of a date as an integer (`year()`…`second()`) or as text inside `date_format`.
enum DatePart: String, Sendable, Hashable {
    case year, month, day, hour, minute, second
    case year2, weekYear, weekYear2, week, week2, isoWeekday, dayOfYear, dayOfYear3
    case month2, day2, hour2, minute2, second2
}

/// One piece of a `date_format` pattern.
enum DateFormatPiece: Sendable, Hashable {
    case text(String)
    case part(DatePart)
    /// A name chosen by a number part: weekday names (1 = Monday) or month names (1 = January).
    case names(DatePart, [String])
}

/// One bucket of a static `range()`: values in `[lower, upper[`, `nil` meaning unbounded.
struct RangeBucket: Sendable, Hashable {
    var lower: SQLValue?
    var upper: SQLValue?
    var label: String
}

/// A full-text predicate on the FTS table: terms already split; never FTS syntax from the user.
struct FullTextQuery: Sendable, Hashable {
    enum Mode: String, Sendable, Hashable {
        /// `search()` and bare strings: every term, the last one as a prefix.
        case search
        /// `suggest()`: every term as a prefix.
        case suggest
    }
    var mode: Mode
    /// Fields searched; empty means every text field.
    var fields: [ODSQL.Field]
    var terms: [FullTextTerm]
}
