import Vocabulary

extension Analyzer {
    static let predicateNames: Set<String> = [
        "search", "suggest", "startswith", "within_distance", "in_bbox", "intersects", "within", "disjoint",
        "geometry",
    ]

    /// Metres per unit of `within_distance`.
    static let distanceUnits: [String: Double] = [
        "mi": 1_609.344, "yd": 0.9144, "ft": 0.3048, "m": 1, "cm": 0.01, "km": 1_000, "mm": 0.001,
    ]

    static let maxSearchTerms = 32

    /// Whether a call is a where-only predicate (`distance` with three arguments is the v2.0 `within_distance`).
    static func isPredicate(_ call: ODSQL.FunctionCall) -> Bool {
        predicateNames.contains(call.name) || (call.name == "distance" && call.arguments.count == 3)
    }

    func predicate(_ call: ODSQL.FunctionCall, at position: SourcePosition) throws(ODSQLError) -> TypedExpression {
        let args = call.arguments
        switch call.name {
        case "search", "suggest", "startswith":
            guard let last = args.last, case .string(let text) = last.kind else {
                throw error(
                    .invalidFunction, "Function \"\(call.name)()\" expects a string as last argument",
                    at: args.last?.position ?? position)
            }
            let fields = try searchFields(Array(args.dropLast()), function: call.name)
            if call.name == "startswith" {
                if text.isEmpty { return TypedExpression(.constant(true), .boolean) }
                return TypedExpression(.startsWith(fields.isEmpty ? schema.textFields : fields, prefix: text), .boolean)
            }
            return try fullText(call.name == "search" ? .search : .suggest, fields: fields, text: text, at: last.position)
        case "within_distance", "distance":
            try arity(call, 3, at: position)
            let field = try geoField(args[0], function: call.name)
            let center = try point(args[1], function: call.name)
            let metres = try distance(args[2])
            return TypedExpression(.withinDistance(field, lat: center.lat, lon: center.lon, metres: metres), .boolean)
        case "in_bbox":
            try arity(call, 5, at: position)
            let field = try geoField(args[0], function: call.name)
            var numbers: [Double] = []
            for argument in args.dropFirst() { numbers.append(try numberLiteral(argument)) }
            for (offset, value) in numbers.enumerated() {
                let limit: Double = offset % 2 == 0 ? 90 : 180
                guard abs(value) <= limit else {
                    throw error(
                        .invalidLiteral, "Invalid coordinate \(value) in in_bbox()",
                        at: args[offset + 1].position)
                }
            }
            return TypedExpression(
                .inBoundingBox(
                    field, minLat: min(numbers[0], numbers[2]), minLon: min(numbers[1], numbers[3]),
                    maxLat: max(numbers[0], numbers[2]), maxLon: max(numbers[1], numbers[3])), .boolean)
        case "intersects", "within", "disjoint":
            try arity(call, 2, at: position)
            let relation = GeoRelation(rawValue: call.name) ?? .intersects
            return TypedExpression(
                .geoRelation(relation, try geoField(args[0], function: call.name), try geometry(args[1])), .boolean)
        default:
            try arity(call, 3, at: position)
            guard case .field(let mode) = args[2].kind, let relation = GeoRelation(rawValue: mode.lowercased())
            else {
                throw error(.invalidFunction, "geometry() expects INTERSECTS, DISJOINT or WITHIN", at: args[2].position)
            }
            return TypedExpression(
                .geoRelation(relation, try geoField(args[0], function: call.name), try geometry(args[1])), .boolean)
        }
    }

    func arity(_ call: ODSQL.FunctionCall, _ count: Int, at position: SourcePosition) throws(ODSQLError) {
        guard call.arguments.count == count, call.namedArguments.isEmpty else {
            throw error(
                .invalidFunction,
                "Function \"\(call.name)()\" expects \(count) argument\(count == 1 ? "" : "s"), got \(call.arguments.count)",
                at: position)
        }
    }

    /// A full-text predicate on safe terms: words of letters and digits; `word*` is a prefix.
    func fullText(
        _ mode: FullTextQuery.Mode, fields: [ODSQL.Field], text: String, at position: SourcePosition
    ) throws(ODSQLError) -> TypedExpression {
        var terms: [FullTextTerm] = []
        var word = ""
        func flush(prefix: Bool) {
            if !word.isEmpty { terms.append(FullTextTerm(text: word, isPrefix: prefix || mode == .suggest)) }
            word = ""
        }
        for character in text {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                flush(prefix: character == "*")
            }
        }
        flush(prefix: false)
        if mode == .search, let last = terms.indices.last { terms[last].isPrefix = true }
        guard terms.count <= Analyzer.maxSearchTerms else {
            throw error(.limitExceeded, "Too many search terms (at most \(Analyzer.maxSearchTerms))", at: position)
        }
        if terms.isEmpty { return TypedExpression(.constant(true), .boolean) }
        for index in terms.indices { terms[index].alternatives = options.corrections.alternatives(of: terms[index]) }
        return TypedExpression(.fullText(FullTextQuery(mode: mode, fields: fields, terms: terms)), .boolean)
    }

    private func searchFields(_ args: [ODSQL.Expression], function: String) throws(ODSQLError) -> [ODSQL.Field] {
        var fields: [ODSQL.Field] = []
        for argument in args {
            if case .star = argument.kind { return [] }
            guard case .field(let name) = argument.kind else {
                throw error(.invalidFunction, "Function \"\(function)()\" expects field names", at: argument.position)
            }
            guard let field = schema.field(named: name) else {
                throw error(.unknownField, "Unknown field \"\(name)\"", at: argument.position)
            }
            guard field.type == .text else {
                throw error(
                    .typeMismatch,
                    "Function \"\(function)()\" expects text fields, got \(field.type.rawValue) field \"\(name)\"",
                    at: argument.position)
            }
            if !fields.contains(field) { fields.append(field) }
        }
        return fields
    }

    func geoField(_ argument: ODSQL.Expression, function: String, pointsOnly: Bool = false) throws(ODSQLError)
        -> ODSQL.Field
    {
        guard case .field(let name) = argument.kind else {
            throw error(
                .typeMismatch, "Function \"\(function)()\" expects a geo field as first argument",
                at: argument.position)
        }
        guard let field = schema.field(named: name) else {
            throw error(.unknownField, "Unknown field \"\(name)\"", at: argument.position)
        }
        guard field.type == .geoPoint2D || (!pointsOnly && field.type == .geoShape) else {
            let expected = pointsOnly ? "a geo_point_2d field" : "a geo_point_2d or geo_shape field"
            throw error(
                .typeMismatch,
                "Function \"\(function)()\" expects \(expected), got \(field.type.rawValue) field \"\(name)\"",
                at: argument.position)
        }
        return field
    }

    func geometry(_ argument: ODSQL.Expression) throws(ODSQLError) -> Geometry {
        guard case .geometry(let text) = argument.kind else {
            throw error(.typeMismatch, "Expected a geometry literal geom'…'", at: argument.position)
        }
        let trimmed = text.trimmingSpaces
        do {
            return trimmed.hasPrefix("{")
                ? try Geometry(geoJSON: trimmed, acceptingFeature: true) : try Geometry(wkt: trimmed)
        } catch let failure {
            throw error(.invalidLiteral, "Invalid geometry literal: \(failure.reason)", at: argument.position)
        }
    }

    func point(_ argument: ODSQL.Expression, function: String) throws(ODSQLError) -> (lon: Double, lat: Double) {
        guard let point = try geometry(argument).point else {
            throw error(.typeMismatch, "Function \"\(function)()\" expects a point geometry", at: argument.position)
        }
        return (point.x, point.y)
    }

    private func distance(_ argument: ODSQL.Expression) throws(ODSQLError) -> Double {
        let amount: String
        let factor: Double
        switch argument.kind {
        case .quantity(let text, let unit):
            guard let metres = Analyzer.distanceUnits[unit] else {
                throw error(.invalidLiteral, "Invalid distance unit \"\(unit)\"", at: argument.position)
            }
            (amount, factor) = (text, metres)
        case .number(let text): (amount, factor) = (text, 1)
        default: throw error(.typeMismatch, "Expected a distance such as 10km", at: argument.position)
        }
        // The product too must be finite: 1e306mi is a finite number of miles but no number of metres.
        guard let value = Double(amount), value >= 0, (value * factor).isFinite else {
            throw error(.invalidLiteral, "Invalid distance \(amount)", at: argument.position)
        }
        return value * factor
    }

    func numberLiteral(_ argument: ODSQL.Expression) throws(ODSQLError) -> Double {
        guard case .number(let text) = argument.kind, let value = Double(text), value.isFinite else {
            throw error(.typeMismatch, "Expected a number", at: argument.position)
        }
        return value
    }
}
