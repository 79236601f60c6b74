import Vocabulary

/// An instant read from a `date'…'` literal, a refine value or `now()`, in UTC with second precision.
struct DateValue: Sendable, Hashable {
    /// How much of the date was written: `2017` is `.year`, `2017-04` is `.month`…
    enum Precision: Int, Sendable, Hashable, Comparable {
        case year, month, day, time
        static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    var seconds: Int64
    var precision: Precision
    /// Whether no offset was written (`2023-01-01`, `2023-01-01T10:00`, the year `2023`): a wall-clock time of the
    /// `timezone`. False for an instant (`now()`, a literal with `Z` or an offset).
    var isLocal = false

    /// The instant this value names when its wall-clock time is read in `zone` (itself when an offset was written).
    func instant(in zone: ZoneOffsets) -> DateValue {
        guard isLocal, !zone.isUTC else { return self }
        return DateValue(seconds: zone.utc(fromLocal: seconds), precision: precision, isLocal: false)
    }

    var civil: CivilDateTime { CivilDateTime(epochSeconds: seconds) }

    /// `YYYY-MM-DD`, the storage form of date fields.
    var dateText: String { civil.dateText }
    /// `YYYY-MM-DDTHH:MM:SSZ`, the storage form of datetime fields.
    var dateTimeText: String { civil.text }
    /// `YYYY-MM-DDTHH:MM:SS.000Z`, the form of range group keys.
    var keyText: String { civil.dateText + "T" + civil.timeText + ".000Z" }
    var isMidnight: Bool { seconds.remainderReportingOverflow(dividingBy: 86_400).partialValue == 0 }

    /// The first instant after this period: `2023` → 2024-01-01, `2023/05` → 2023-06-01, a day → the next day.
    var endOfPeriod: DateValue {
        var next = civil
        switch precision {
        case .year: next.year += 1
        case .month: next.addMonths(1)
        case .day, .time: return DateValue(seconds: seconds + 86_400, precision: precision, isLocal: isLocal)
        }
        return DateValue(seconds: next.epochSeconds, precision: precision, isLocal: isLocal)
    }

    /// Reads ISO 8601 (`2017`, `2017-04-03T08:02`, `2017-04-03T08:02:00+02:00`) or `YYYY/MM/DD`; nil when invalid,
    /// and when the instant leaves years 1 to 9999 in UTC (`9999-12-31T23:00-05:00`), where stored dates, compared
    /// as text, could no longer be compared with it.
    static func parse(_ text: String) -> DateValue? {
        var reader = DateReader(Array(text.trimmingSpaces.utf8))
        guard let date = reader.read(), storableSeconds.contains(date.seconds) else { return nil }
        return date
    }

    /// The instants a stored date or datetime can hold: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    static let storableSeconds = CivilDateTime.storableSeconds

    /// The last instant a stored datetime can hold.
    static let latest = DateValue(seconds: storableSeconds.upperBound, precision: .time)
}

/// A tiny cursor over the ASCII bytes of a date literal.
private struct DateReader {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        index += count
        return value
    }

    mutating func accept(_ characters: String) -> UInt8? {
        guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return nil }
        index += 1
        return bytes[index - 1]
    }

    mutating func read() -> DateValue? {
        guard let year = digits(4), year >= 1 else { return nil }
        var time = CivilDateTime(year: year, month: 1, day: 1)
        var precision = DateValue.Precision.year
        if let separator = accept("-/") {
            guard let month = digits(2), (1...12).contains(month) else { return nil }
            time.month = month
            precision = .month
            if accept(separator == 45 ? "-" : "/") != nil {
                guard let day = digits(2), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else {
                    return nil
                }
                time.day = day
                precision = .day
                if accept("T ") != nil {
                    guard readTime(into: &time) else { return nil }
                    precision = .time
                }
            }
        }
        var seconds = time.epochSeconds
        var isLocal = true
        if precision == .time, let offset = readOffset() {
            seconds -= Int64(offset)
            isLocal = false
        } else if precision == .time, index < bytes.count {
            return nil
        }
        return index == bytes.count ? DateValue(seconds: seconds, precision: precision, isLocal: isLocal) : nil
    }

    private mutating func readTime(into time: inout CivilDateTime) -> Bool {
        guard let hour = digits(2), hour <= 23 else { return false }
        time.hour = hour
        guard accept(":") != nil else { return true }
        guard let minute = digits(2), minute <= 59 else { return false }
        time.minute = minute
        guard accept(":") != nil else { return true }
        guard let second = digits(2), second <= 59 else { return false }
        time.second = second
        if accept(".,") != nil {
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            if index == start { return false }
        }
        return true
    }

    /// `Z`, `+02:00`, `+0200` or `+02`, in seconds east of UTC; nil when absent or invalid.
    private mutating func readOffset() -> Int? {
        if accept("Zz") != nil { return 0 }
        guard let sign = accept("+-") else { return nil }
        guard let hours = digits(2), hours <= 14 else { return nil }
        _ = accept(":")
        let minutes = index < bytes.count ? digits(2) ?? 0 : 0
        let total = hours * 3_600 + minutes * 60
        return sign == 43 ? total : -total
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
