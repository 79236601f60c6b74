import Foundation
import Vocabulary

extension SQLGenerator {
    static let metresPerDegree = 111_320.0

    /// Bounding-box prefilter on the REAL columns, then the exact distance (`garona_distance` on SQLite).
    func withinDistance(_ field: ODSQL.Field, lat: Double, lon: Double, metres: Double) -> SQLFragment {
        let suffixes = TableLayout.boundingBoxSuffixes
        let pointLat: SQLFragment
        let pointLon: SQLFragment
        if field.type == .geoPoint2D {
            pointLat = column(field, TableLayout.latitudeSuffix)
            pointLon = column(field, TableLayout.longitudeSuffix)
        } else {
            pointLat = "((\(column(field, suffixes.minLat)) + \(column(field, suffixes.maxLat))) / 2)"
            pointLon = "((\(column(field, suffixes.minLon)) + \(column(field, suffixes.maxLon))) / 2)"
        }
        var conditions: [SQLFragment] = []
        let deltaLat = metres / SQLGenerator.metresPerDegree
        if lat - deltaLat > -90, lat + deltaLat < 90 {
            conditions.append(
                "\(pointLat) BETWEEN \(bind: .double(lat - deltaLat)) AND \(bind: .double(lat + deltaLat))")
            let deltaLon = metres / (SQLGenerator.metresPerDegree * cos((abs(lat) + deltaLat) * .pi / 180))
            if deltaLon.isFinite, lon - deltaLon > -180, lon + deltaLon < 180 {
                conditions.append(
                    "\(pointLon) BETWEEN \(bind: .double(lon - deltaLon)) AND \(bind: .double(lon + deltaLon))")
            }
        }
        let distance = dialect.distanceInMetres(
            lat: pointLat, lon: pointLon, toLat: .bind(.double(lat)),
            toLon: .bind(.double(lon)))
        conditions.append("\(distance) <= \(bind: .double(metres))")
        return "(" + conditions.joined(separator: " AND ") + ")"
    }

    /// Points inside the box; shapes whose bounding box lies inside the box.
    func inBoundingBox(_ field: ODSQL.Field, minLat: Double, minLon: Double, maxLat: Double, maxLon: Double)
        -> SQLFragment
    {
        if field.type == .geoPoint2D {
            return """
                (\(column(field, TableLayout.latitudeSuffix)) BETWEEN \(bind: .double(minLat)) AND \(bind: .double(maxLat)) \
                AND \(column(field, TableLayout.longitudeSuffix)) BETWEEN \(bind: .double(minLon)) AND \(bind: .double(maxLon)))
                """
        }
        let s = TableLayout.boundingBoxSuffixes
        return """
            (\(column(field, s.minLat)) >= \(bind: .double(minLat)) AND \(column(field, s.maxLat)) <= \(bind: .double(maxLat)) \
            AND \(column(field, s.minLon)) >= \(bind: .double(minLon)) AND \(column(field, s.maxLon)) <= \(bind: .double(maxLon)))
            """
    }

    /// Bounding-box prefilter, then `garona_intersects`/`garona_within` on GeoJSON text.
    func geoRelation(_ relation: GeoRelation, _ field: ODSQL.Field, _ geometry: Geometry) -> SQLFragment {
        let box = geometry.extent
        let function = relation == .within ? "garona_within" : "garona_intersects"
        var conditions: [SQLFragment]
        let shape: SQLFragment
        if field.type == .geoPoint2D {
            let lat = column(field, TableLayout.latitudeSuffix)
            let lon = column(field, TableLayout.longitudeSuffix)
            conditions = [
                "\(lat) BETWEEN \(bind: .double(box.minY)) AND \(bind: .double(box.maxY))",
                "\(lon) BETWEEN \(bind: .double(box.minX)) AND \(bind: .double(box.maxX))",
            ]
            shape = dialect.pointGeoJSON(lat: lat, lon: lon)
        } else {
            let s = TableLayout.boundingBoxSuffixes
            if relation == .within {
                conditions = [
                    "\(column(field, s.minLon)) >= \(bind: .double(box.minX))",
                    "\(column(field, s.maxLon)) <= \(bind: .double(box.maxX))",
                    "\(column(field, s.minLat)) >= \(bind: .double(box.minY))",
                    "\(column(field, s.maxLat)) <= \(bind: .double(box.maxY))",
                ]
            } else {
                conditions = [
                    "\(column(field, s.maxLon)) >= \(bind: .double(box.minX))",
                    "\(column(field, s.minLon)) <= \(bind: .double(box.maxX))",
                    "\(column(field, s.maxLat)) >= \(bind: .double(box.minY))",
                    "\(column(field, s.minLat)) <= \(bind: .double(box.maxY))",
                ]
            }
            shape = column(field)
        }
        conditions.append("\(raw: function)(\(shape), \(bind: .text(geometry.geoJSON))) = 1")
        let test = "(" + conditions.joined(separator: " AND ") + ")"
        guard relation == .disjoint else { return test }
        let present = field.type == .geoPoint2D ? column(field, TableLayout.latitudeSuffix) : column(field)
        return "(\(present) IS NOT NULL AND (\(test)) IS NOT TRUE)"
    }

    /// Integer components read from ISO text: `CAST(substr(x, 1, 4) AS INTEGER)` for the year.
    func datePart(_ part: DatePart, of value: SQLFragment) -> SQLFragment {
        if let slice = SQLGenerator.slices[part] {
            return "CAST(substr(\(value), \(raw: String(slice.start)), \(raw: String(slice.length))) AS INTEGER)"
        }
        return datePartText(part, of: value)
    }

    static let slices: [DatePart: (start: Int, length: Int)] = [
        .year: (1, 4), .month: (6, 2), .day: (9, 2), .hour: (12, 2), .minute: (15, 2), .second: (18, 2),
    ]
    static let paddedSlices: [DatePart: (start: Int, length: Int)] = [
        .year: (1, 4), .year2: (3, 2), .month2: (6, 2), .day2: (9, 2), .hour2: (12, 2), .minute2: (15, 2),
        .second2: (18, 2),
    ]

    /// A component as text inside `date_format`.
    func datePartText(_ part: DatePart, of value: SQLFragment) -> SQLFragment {
        if let slice = SQLGenerator.paddedSlices[part] {
            return "substr(\(value), \(raw: String(slice.start)), \(raw: String(slice.length)))"
        }
        func text(_ number: SQLFragment) -> SQLFragment { "CAST(\(number) AS TEXT)" }
        switch part {
        case .month, .day, .hour, .minute, .second: return text(datePart(part, of: value))
        case .weekYear: return text(dialect.dateNumber(.isoWeekYear, of: value))
        case .weekYear2: return dialect.zeroPad("(\(dialect.dateNumber(.isoWeekYear, of: value)) % 100)", width: 2)
        case .week: return text(dialect.dateNumber(.isoWeek, of: value))
        case .week2: return dialect.zeroPad(dialect.dateNumber(.isoWeek, of: value), width: 2)
        case .isoWeekday: return text(dialect.dateNumber(.isoWeekday, of: value))
        case .dayOfYear: return text(dialect.dateNumber(.dayOfYear, of: value))
        case .dayOfYear3: return dialect.zeroPad(dialect.dateNumber(.dayOfYear, of: value), width: 3)
        default: return text(datePart(part, of: value))
        }
    }

    func dateFormat(_ value: SQLFragment, _ pieces: [DateFormatPiece]) -> SQLFragment {
        let parts = pieces.map { piece -> SQLFragment in
            switch piece {
            case .text(let text): return .bind(.text(text))
            case .part(let part): return datePartText(part, of: value)
            case .names(let part, let names):
                let number = part == .month ? datePart(.month, of: value) : dialect.dateNumber(.isoWeekday, of: value)
                let cases = names.enumerated().map { offset, name -> SQLFragment in
                    "WHEN \(raw: String(offset + 1)) THEN \(bind: .text(name))"
                }
                return "CASE \(number) " + cases.joined(separator: " ") + " END"
            }
        }
        if parts.isEmpty { return .bind(.text("")) }
        return "(" + parts.joined(separator: " || ") + ")"
    }

    /// Percentiles read the rows of the current group through a correlated source on SQLite.
    func percentile(_ value: TypedExpression, _ percent: Double) -> SQLFragment {
        var outer = self
        outer.qualifier = layout.recordsTable
        var conditions: [SQLFragment] = []
        if let filter { conditions.append(sql(filter)) }
        for key in groupKeys {
            // A geo_cluster() key is its cell, not the centroid (an aggregate) it answers.
            let inner = groupingTerms(key) ?? [sql(key)]
            let outerTerms = outer.groupingTerms(key) ?? [outer.sql(key)]
            for (term, outerTerm) in zip(inner, outerTerms) {
                conditions.append("\(term) IS NOT DISTINCT FROM \(outerTerm)")
            }
        }
        let source: SQLFragment =
            "FROM \(raw: quote(layout.recordsTable)) AS \"p\" WHERE "
            + (conditions.isEmpty ? "(1 = 1)" : conditions.joined(separator: " AND "))
        return dialect.percentile(
            PercentileInput(value: sql(value), fraction: percent / 100, correlatedSource: source))
    }

    /// `CASE WHEN x < b1 THEN '[*, b1[' …`: values outside every bucket are null.
    func staticRanges(_ value: SQLFragment, _ buckets: [RangeBucket]) -> SQLFragment {
        var branches: [SQLFragment] = ["WHEN \(value) IS NULL THEN NULL"]
        if let first = buckets.first?.lower { branches.append("WHEN \(value) < \(bind: first) THEN NULL") }
        for bucket in buckets {
            if let upper = bucket.upper {
                branches.append("WHEN \(value) < \(bind: upper) THEN \(bind: .text(bucket.label))")
            } else {
                branches.append("ELSE \(bind: .text(bucket.label))")
            }
        }
        return "CASE " + branches.joined(separator: " ") + " END"
    }

    /// Equal-width buckets `[lo, lo+w[` (or `[lo, lo+w-1]` for integers) computed with floor(x / w) * w.
    func widthRanges(_ value: SQLFragment, width: SQLValue, integerLabels: Bool) -> SQLFragment {
        let lower: SQLFragment = "(\(dialect.floor("(CAST(\(value) AS DOUBLE PRECISION) / \(bind: width))")) * \(bind: width))"
        if integerLabels {
            // BIGINT: 64 bits on both engines (PostgreSQL's INTEGER is 32).
            let start: SQLFragment = "CAST(\(lower) AS BIGINT)"
            return "('[' || CAST(\(start) AS TEXT) || ', ' || CAST(\(start) + \(bind: width) - 1 AS TEXT) || ']')"
        }
        let upper: SQLFragment = "(\(lower) + \(bind: width))"
        return "('[' || \(dialect.realText(lower)) || ', ' || \(dialect.realText(upper)) || '[')"
    }
}
