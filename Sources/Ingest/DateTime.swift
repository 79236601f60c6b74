/// A proleptic Gregorian calendar date.
public struct CivilDate: Equatable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int

    var isValid: Bool {
        guard year >= 1, year <= 9999, month >= 1, month <= 12, day >= 1 else { return false }
        return day <= Self.daysIn(month: month, year: year)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date with these fields, unchecked (see `isValid`).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` after 1970-01-01 (negative: before it).
    public init(daysSinceEpoch days: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// `yyyy-MM-dd`.
    var iso: String {
        var out: [UInt8] = []
        out.reserveCapacity(10)
        Self.append(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.append(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.append(day, width: 2, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        var v = max(0, value)
        var divisor = 1
        var length = 1
        while divisor <= v / 10 {
            divisor *= 10
            length += 1
        }
        for _ in length..<max(width, length) { out.append(0x30) }
        while divisor > 0 {
            out.append(UInt8(v / divisor) + 0x30)
            v %= divisor
            divisor /= 10
        }
    }
}

/// A local date and time with its UTC offset, as read from a cell.
struct DateTime: Equatable {
    var date: CivilDate
    var hour: Int
    var minute: Int
    var second: Int
    /// Fractional-second digits as written (may be empty).
    var fraction: String
    var offsetMinutes: Int

    /// Seconds from 1970-01-01T00:00:00Z to this instant.
    var utcSeconds: Int { date.daysSinceEpoch * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60 }

    /// Whether the instant falls in years 1 to 9999 in UTC, where every reader of stored dates expects it:
    /// `9999-12-31T23:00:00-05:00` is in year 10000 once in UTC, `0001-01-01T00:30:00+01:00` in year 0.
    var isInStorableRange: Bool {
        let first = CivilDate(year: 1, month: 1, day: 1).daysSinceEpoch * 86400
        let end = (CivilDate(year: 9999, month: 12, day: 31).daysSinceEpoch + 1) * 86400
        return (first..<end).contains(utcSeconds)
    }

    /// The instant in UTC as `yyyy-MM-ddTHH:mm:ss[.fff]Z`.
    var utcISO: String {
        let utc = utcSeconds
        let days = utc >= 0 ? utc / 86400 : (utc - 86399) / 86400
        let secondsOfDay = utc - days * 86400
        let day = CivilDate(daysSinceEpoch: days)
        var out: [UInt8] = Array(day.iso.utf8)
        out.append(UInt8(ascii: "T"))
        CivilDate.append(secondsOfDay / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CivilDate.append(secondsOfDay / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CivilDate.append(secondsOfDay % 60, width: 2, to: &out)
        if !fraction.isEmpty {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: fraction.utf8)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
