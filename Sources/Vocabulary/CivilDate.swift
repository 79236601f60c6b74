/// A day of the proleptic Gregorian calendar, with no time zone: the one calendar of Garona.
///
/// Integer arithmetic only (Howard Hinnant's days-from-civil algorithms), so that every machine computes the
/// same days without Foundation's `Calendar`, and cheaply enough to run once per imported or exported cell.
/// The fields are not checked on creation (see ``isValid``): callers that read a date from outside check it.
/// It is not an instant: ``CivilDateTime`` adds the time of day, in UTC.
public struct CivilDate: Hashable, Sendable {
    /// The year, 1 to 9999 for a stored date; others compute, and print with a sign when negative.
    public var year: Int
    /// The month, 1 to 12.
    public var month: Int
    /// The day of the month, 1 to 31.
    public var day: Int

    /// The date with these fields, unchecked (see ``isValid``).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` after 1970-01-01 (negative: before it).
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Whether the date exists and is storable: years 1 to 9999, a real month and day.
    public var isValid: Bool {
        guard year >= 1, year <= 9999, month >= 1, month <= 12, day >= 1 else { return false }
        return day <= Self.daysIn(month: month, year: year)
    }

    /// Whether `year` has a 29 February.
    public static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// How many days `month` (1 to 12) has in `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The day of the week, 0 for Monday to 6 for Sunday (ISO 8601's order, from zero).
    public var weekday: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 }

    /// The same day `count` months later (earlier when negative), clamped to the end of a shorter month:
    /// 31 January plus one month is 28 or 29 February.
    public func addingMonths(_ count: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + count
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        return CivilDate(year: newYear, month: newMonth, day: min(day, Self.daysIn(month: newMonth, year: newYear)))
    }

    /// `yyyy-MM-dd`, the storage form of date fields (`-0001-…` for a year before 1).
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(10)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``text`` as UTF-8 bytes.
    public func write(to out: inout [UInt8]) {
        Self.append(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.append(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.append(day, width: 2, to: &out)
    }

    /// Appends `value` in decimal, zero-padded to `width` digits, after a `-` when negative.
    public static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        var length = 1
        while divisor <= magnitude / 10 {
            divisor *= 10
            length += 1
        }
        for _ in length..<max(width, length) { out.append(UInt8(ascii: "0")) }
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: magnitude / divisor) + UInt8(ascii: "0"))
            magnitude %= divisor
            divisor /= 10
        }
    }
}
