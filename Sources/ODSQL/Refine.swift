import Vocabulary

extension Analyzer {
    /// `refine`/`exclude` facet filters: `field:value`; for dates the value may be a prefix (`2023`, `2023/05`).
    func facetFilter(_ text: String) throws(ODSQLError) -> TypedExpression {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= options.limits.maxClauseLength else {
            throw error(
                .limitExceeded,
                "Query is too long (\(scalars.count) characters, at most \(options.limits.maxClauseLength) allowed)",
                at: SourcePosition(offset: options.limits.maxClauseLength, line: 1, column: 1 + options.limits.maxClauseLength))
        }
        guard let colon = scalars.firstIndex(of: ":") else {
            throw error(.syntax, "Expected field:value", at: .start)
        }
        let name = String(String.UnicodeScalarView(scalars[..<colon])).trimmingSpaces
        let raw = String(String.UnicodeScalarView(scalars[(colon + 1)...]))
        let valuePosition = SourcePosition(offset: colon + 1, line: 1, column: colon + 2)
        guard let field = schema.field(named: name) else {
            throw error(.unknownField, "Unknown field \"\(name)\"", at: .start)
        }
        let column = TypedExpression(.column(field), ODSQL.ValueType(field.type))
        func invalid() -> ODSQLError {
            error(
                .invalidLiteral, "Invalid value \"\(raw)\" for \(field.type.rawValue) field \"\(name)\"",
                at: valuePosition)
        }
        let value: SQLValue
        switch field.type {
        case .text:
            value = .text(raw)
        case .int:
            guard let number = Int64(raw.trimmingSpaces) else { throw invalid() }
            value = .int(number)
        case .double:
            guard let number = Double(raw.trimmingSpaces), number.isFinite else { throw invalid() }
            value = .double(number)
        case .boolean:
            switch raw.trimmingSpaces.lowercased() {
            case "true", "1": value = .bool(true)
            case "false", "0": value = .bool(false)
            default: throw invalid()
            }
        case .date, .datetime:
            guard let date = DateValue.parse(raw) else { throw invalid() }
            let next =
                date.precision == .time
                ? DateValue(seconds: date.seconds + 1, precision: .time, isLocal: date.isLocal) : date.endOfPeriod
            // The period ending with year 9999 ends at the last storable instant, included: a year 10000 bound,
            // compared as text, would sort before every date.
            let pastEnd = next.seconds > DateValue.latest.seconds
            let asDate = field.type == .date
            // A datetime period is the `timezone`'s: `2023` starts at 2023-01-01T00:00 there.
            let start = asDate ? date : date.instant(in: options.timeZone)
            let end = pastEnd ? DateValue.latest : asDate ? next : next.instant(in: options.timeZone)
            return TypedExpression(
                .inRange(
                    column, lower: .text(asDate ? date.dateText : start.dateTimeText),
                    upper: .text(asDate ? end.dateText : end.dateTimeText), lowerInclusive: true,
                    upperInclusive: pastEnd), .boolean)
        case .geoPoint2D, .geoShape, .jsonBlob:
            throw error(.typeMismatch, "Cannot refine on \(field.type.rawValue) field \"\(name)\"", at: .start)
        }
        if field.isMultivalued { return TypedExpression(.member(field, value), .boolean) }
        let literal = TypedExpression(.value(value), column.type)
        return TypedExpression(.comparison(.equal, column, literal), .boolean)
    }
}
