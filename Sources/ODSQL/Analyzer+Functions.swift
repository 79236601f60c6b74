import Foundation
import Vocabulary

extension Analyzer {
    static let aggregateNames: Set<String> = [
        "count", "sum", "avg", "min", "max", "median", "percentile", "envelope", "bbox",
    ]
    static let datePartNames: [String: DatePart] = [
        "year": .year, "month": .month, "day": .day, "hour": .hour, "minute": .minute, "second": .second,
    ]

    /// Analyzes a function call in a value position.
    func call(_ call: ODSQL.FunctionCall, at position: SourcePosition) throws(ODSQLError) -> TypedExpression {
        let name = call.name
        let args = call.arguments
        if Analyzer.aggregateNames.contains(name) { return try aggregate(call, at: position) }
        if name != "now", !call.namedArguments.isEmpty {
            throw error(.invalidFunction, "Function \"\(name)()\" has no named arguments", at: position)
        }
        if let part = Analyzer.datePartNames[name] {
            try arity(call, 1, at: position)
            let operand = try temporal(args[0], function: name)
            return TypedExpression(.datePart(part, operand), .int, aggregate: operand.isAggregate)
        }
        switch name {
        case "length", "lower", "upper":
            try arity(call, 1, at: position)
            let operand = try value(args[0])
            guard operand.type == .text || operand.type == .null else {
                throw error(
                    .typeMismatch, "Function \"\(name)()\" expects a text value, got \(typeName(operand.type))",
                    at: args[0].position)
            }
            let function = ScalarFunction(rawValue: name) ?? .lower
            return TypedExpression(
                .scalar(function, [operand]), name == "length" ? .int : .text, aggregate: operand.isAggregate)
        case "ifnull":
            try arity(call, 2, at: position)
            let (l, r) = try comparable(args[0], args[1], what: "combine")
            return TypedExpression(
                .scalar(.ifnull, [l, r]), l.type == .null ? r.type : l.type, aggregate: l.isAggregate || r.isAggregate)
        case "date_format":
            try arity(call, 2, at: position)
            let operand = try temporal(args[0], function: name)
            guard case .string(let pattern) = args[1].kind else {
                throw error(.typeMismatch, "Function \"date_format()\" expects a format string", at: args[1].position)
            }
            guard let pieces = DateFormatPattern.parse(pattern, language: options.language) else {
                throw error(.invalidLiteral, "Invalid date format \"\(pattern)\"", at: args[1].position)
            }
            return TypedExpression(.dateFormat(operand, pieces), .text, aggregate: operand.isAggregate)
        case "now":
            return try now(call, at: position)
        case "distance":
            try arity(call, 2, at: position)
            try requireClause([.select, .orderBy, .where], name, at: position)
            let field = try geoField(args[0], function: name, pointsOnly: true)
            let center = try point(args[1], function: name)
            return TypedExpression(.distance(field, lat: center.lat, lon: center.lon), .double)
        case "json_format":
            try requireClause([.select], name, at: position)
            guard args.count == 1 || args.count == 2 else { try arity(call, 1, at: position); break }
            let operand = try value(args[0])
            guard case .column(let field) = operand.node, field.type == .text || field.type == .jsonBlob else {
                throw error(.typeMismatch, "Function \"json_format()\" expects a text field", at: args[0].position)
            }
            var fallback: SQLValue?
            if args.count == 2 {
                switch args[1].kind {
                case .string(let text): fallback = .text(text)
                case .null: fallback = .null
                default:
                    throw error(.typeMismatch, "json_format() fallback must be a string or null", at: args[1].position)
                }
            }
            return TypedExpression(.jsonFormat(operand, fallback: fallback), .json)
        case "range":
            try requireClause([.groupBy], name, at: position)
            return try range(call, at: position)
        case "geo_cluster":
            try requireClause([.groupBy], name, at: position)
            return try geoCluster(call, at: position)
        case "random":
            try requireClause([.orderBy], name, at: position)
            try arity(call, 1, at: position)
            guard case .number(let text) = args[0].kind, let seed = Int64(text) else {
                throw error(.typeMismatch, "Function \"random()\" expects an integer seed", at: args[0].position)
            }
            return TypedExpression(.random(seed: seed), .double)
        case "include", "exclude":
            throw error(
                .notAllowedInClause, "Function \"\(name)()\" is only allowed at the top of select clause",
                at: position)
        default:
            if Analyzer.isPredicate(call) {
                throw error(.notAllowedInClause, "Function \"\(name)()\" is only allowed in where clause", at: position)
            }
            throw error(.invalidFunction, "Unknown function \"\(name)()\"", at: position)
        }
        throw error(.invalidFunction, "Unknown function \"\(name)()\"", at: position)
    }

    func requireClause(_ clauses: Set<ODSQL.Clause>, _ name: String, at position: SourcePosition) throws(ODSQLError) {
        guard clauses.contains(clause) else {
            let list = ODSQL.Clause.allCases.filter(clauses.contains).map(\.rawValue).joined(separator: ", ")
            throw error(
                .notAllowedInClause,
                "Function \"\(name)()\" is not allowed in \(clause.rawValue) clause (only in \(list))", at: position)
        }
    }

    /// A date or datetime operand, read as a datetime so every component is available; a datetime is read as the
    /// wall-clock time of the `timezone` (a date has no time of day to move).
    private func temporal(_ argument: ODSQL.Expression, function: String) throws(ODSQLError) -> TypedExpression {
        let operand = try value(argument)
        guard operand.type.isTemporal || operand.type == .null else {
            throw error(
                .typeMismatch,
                "Function \"\(function)()\" expects a date or datetime value, got \(typeName(operand.type))",
                at: argument.position)
        }
        if operand.type == .date {
            return TypedExpression(.dateAsDateTime(operand), .datetime, aggregate: operand.isAggregate)
        }
        return localTime(operand)
    }

    /// A datetime expression read in the `timezone`, unchanged in UTC.
    func localTime(_ operand: TypedExpression) -> TypedExpression {
        guard operand.type == .datetime, !options.timeZone.isUTC else { return operand }
        return TypedExpression(.localTime(operand, options.timeZone), .datetime, aggregate: operand.isAggregate)
    }

    private func now(_ call: ODSQL.FunctionCall, at position: SourcePosition) throws(ODSQLError) -> TypedExpression {
        guard call.arguments.isEmpty else {
            throw error(
                .invalidFunction, "Function \"now()\" only accepts named arguments such as years=-1",
                at: position)
        }
        var parameters: [String: Int] = [:]
        for argument in call.namedArguments {
            guard NowFunction.isParameter(argument.name) else {
                throw error(.invalidFunction, "Unknown parameter \"\(argument.name)\" of now()", at: argument.position)
            }
            guard case .number(let text) = argument.value.kind, let number = Int(text) else {
                throw error(
                    .typeMismatch, "Parameter \"\(argument.name)\" of now() expects an integer",
                    at: argument.value.position)
            }
            if let range = NowFunction.range(of: argument.name), !range.contains(number) {
                throw error(
                    .invalidLiteral,
                    "Parameter \"\(argument.name)\" of now() must be between "
                        + "\(range.lowerBound) and \(range.upperBound)", at: argument.value.position)
            }
            parameters[argument.name] = number
        }
        let seconds = Int64(options.now.timeIntervalSince1970.rounded(.down))
        let date = NowFunction.evaluate(now: seconds, parameters: parameters)
        return TypedExpression(.value(.text(date.dateTimeText)), .datetime)
    }

    private func aggregate(_ call: ODSQL.FunctionCall, at position: SourcePosition) throws(ODSQLError)
        -> TypedExpression
    {
        let name = call.name
        try requireClause(name == "envelope" || name == "bbox" ? [.select] : [.select, .orderBy], name, at: position)
        let args = call.arguments
        if name == "count", args.count == 1, case .star = args[0].kind {
            return TypedExpression(.aggregate(.count, nil, distinct: false), .int, aggregate: true)
        }
        if name == "percentile" {
            try arity(call, 2, at: position)
        } else {
            try arity(call, 1, at: position)
        }
        if name == "envelope" || name == "bbox" {
            let field = try geoField(args[0], function: name, pointsOnly: name == "envelope")
            return TypedExpression(.extent(field), .boundingBox, aggregate: true)
        }
        let operand = try value(args[0])
        if operand.isAggregate {
            throw error(.aggregateMisuse, "Aggregations cannot be nested", at: args[0].position)
        }
        switch name {
        case "count":
            return TypedExpression(.aggregate(.count, operand, distinct: call.isDistinct), .int, aggregate: true)
        case "min", "max":
            guard operand.type.isNumeric || operand.type.isTemporal || operand.type == .text else {
                throw error(
                    .typeMismatch,
                    "Function \"\(name)()\" expects a numeric or date value, got \(typeName(operand.type))",
                    at: args[0].position)
            }
            let function: AggregateFunction = name == "min" ? .min : .max
            return TypedExpression(.aggregate(function, operand, distinct: false), operand.type, aggregate: true)
        default:
            try requireNumeric(operand, "Function \"\(name)()\"", at: args[0].position)
        }
        switch name {
        case "sum": return TypedExpression(.aggregate(.sum, operand, distinct: false), operand.type, aggregate: true)
        case "avg": return TypedExpression(.aggregate(.avg, operand, distinct: false), .double, aggregate: true)
        case "median": return TypedExpression(.percentile(operand, 50), .double, aggregate: true)
        default:
            let percent = try numberLiteral(args[1])
            guard (0...100).contains(percent) else {
                throw error(.invalidLiteral, "Percentile must be between 0 and 100", at: args[1].position)
            }
            return TypedExpression(.percentile(operand, percent), .double, aggregate: true)
        }
    }
}
