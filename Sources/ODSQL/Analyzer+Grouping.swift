extension Analyzer {
    static let intervalUnits: [String: DateBucketInterval.Unit] = [
        "ms": .millisecond, "millisecond": .millisecond, "milliseconds": .millisecond,
        "s": .second, "second": .second, "seconds": .second, "m": .minute, "minute": .minute, "minutes": .minute,
        "h": .hour, "hour": .hour, "hours": .hour, "d": .day, "day": .day, "days": .day,
        "w": .week, "week": .week, "weeks": .week, "M": .month, "month": .month, "months": .month,
        "q": .quarter, "quarter": .quarter, "quarters": .quarter, "y": .year, "year": .year, "years": .year,
    ]

    /// `range(f, width)`, `range(d, 1 day)` or `range(f, *, 10, 50, *)`.
    func range(_ call: ODSQL.FunctionCall, at position: SourcePosition) throws(ODSQLError) -> TypedExpression {
        let args = call.arguments
        guard args.count >= 2 else {
            throw error(.invalidFunction, "Function \"range()\" expects a field and bounds or a width", at: position)
        }
        var operand = try value(args[0])
        guard operand.type.isNumeric || operand.type.isTemporal else {
            throw error(
                .typeMismatch,
                "Function \"range()\" expects a numeric or date value, got \(typeName(operand.type))",
                at: args[0].position)
        }
        if args.count == 2, !(args[1].kind == .star) {
            if operand.type.isTemporal { return try dateWidthRange(operand, args[1]) }
            let width = try numberLiteral(args[1])
            guard width > 0 else { throw error(.invalidLiteral, "Range width must be positive", at: args[1].position) }
            let integral = operand.type == .int ? Analyzer.exactInteger(width) : nil
            let bound: SQLValue = integral.map(SQLValue.int) ?? .double(width)
            return TypedExpression(.widthRanges(operand, width: bound, integerLabels: integral != nil), .text)
        }
        var bounds: [(value: Double, date: DateValue?)?] = []
        for (offset, argument) in args.dropFirst().enumerated() {
            if argument.kind == .star {
                guard offset == 0 || offset == args.count - 2 else {
                    throw error(.syntax, "\"*\" is only allowed as first or last bound", at: argument.position)
                }
                bounds.append(nil)
            } else if operand.type.isTemporal {
                let read = try requiredDate(argument)
                let date = operand.type == .datetime ? read.instant(in: options.timeZone) : read
                bounds.append((Double(date.seconds), date))
            } else {
                bounds.append((try numberLiteral(argument), nil))
            }
            if let last = bounds.last ?? nil, bounds.count >= 2, let previous = bounds[bounds.count - 2],
                previous.value >= last.value
            {
                throw error(.invalidLiteral, "Range bounds must be increasing", at: argument.position)
            }
        }
        guard bounds.contains(where: { $0 != nil }) else {
            throw error(.invalidFunction, "Function \"range()\" needs at least one bound", at: position)
        }
        let asDate = operand.type == .date && bounds.allSatisfy { $0?.date?.isMidnight ?? true }
        if operand.type == .date, !asDate { operand = TypedExpression(.dateAsDateTime(operand), .datetime) }
        // Integer labels only when every bound is a whole number well inside Int64 (a bound of 1e19 is a double).
        let integerLabels =
            operand.type == .int && bounds.allSatisfy { ($0?.value).map { Analyzer.exactInteger($0) != nil } ?? true }
        func sqlValue(_ bound: (value: Double, date: DateValue?)) -> SQLValue {
            if let date = bound.date { return .text(asDate ? date.dateText : date.dateTimeText) }
            return integerLabels
                ? Analyzer.exactInteger(bound.value).map(SQLValue.int) ?? .double(bound.value)
                : .double(bound.value)
        }
        func label(_ bound: (value: Double, date: DateValue?)?, upper: Bool) -> String {
            guard let bound else { return "*" }
            if let date = bound.date { return date.keyText }
            return Analyzer.format(integerLabels && upper ? bound.value - 1 : bound.value)
        }
        var buckets: [RangeBucket] = []
        for index in 0..<(bounds.count - 1) {
            let lower = bounds[index]
            let upper = bounds[index + 1]
            let text = "[\(label(lower, upper: false)), \(label(upper, upper: true))\(integerLabels ? "]" : "[")"
            buckets.append(RangeBucket(lower: lower.map(sqlValue), upper: upper.map(sqlValue), label: text))
        }
        return TypedExpression(.staticRanges(operand, buckets), .text)
    }

    private func dateWidthRange(_ operand: TypedExpression, _ argument: ODSQL.Expression) throws(ODSQLError)
        -> TypedExpression
    {
        guard case .quantity(let amount, let unitName) = argument.kind else {
            throw error(.typeMismatch, "A date range width needs a unit, such as 1 day", at: argument.position)
        }
        guard let unit = Analyzer.intervalUnits[unitName] else {
            throw error(.invalidLiteral, "Invalid interval unit \"\(unitName)\"", at: argument.position)
        }
        guard let count = Int64(amount), count > 0, count <= 1_000_000 else {
            throw error(.invalidLiteral, "Invalid interval \(amount)", at: argument.position)
        }
        let interval = DateBucketInterval(count: count, unit: unit)
        if interval.milliseconds == nil, count != 1 {
            throw error(
                .unsupported, "An interval of more than 1 \(unit.rawValue) is not supported yet",
                at: argument.position)
        }
        // A datetime is bucketed by the wall-clock time of the `timezone` (a day is a day there).
        let widened = operand.type == .date ? TypedExpression(.dateAsDateTime(operand), .datetime) : localTime(operand)
        return TypedExpression(.dateRanges(widened, interval), .text)
    }

    /// `10` for integral values, `20.5` otherwise.
    static func format(_ value: Double) -> String {
        if let integer = exactInteger(value) { return String(integer) }
        return String(value)
    }

    /// The whole number `value` stands for when it is one and lies within ±10^15 (where every integer is exact
    /// as a Double and a label minus one stays exact); nil otherwise, never a trap.
    static func exactInteger(_ value: Double) -> Int64? {
        guard abs(value) < 1e15 else { return nil }
        return Int64(exactly: value)
    }
}
