/// A date and a time of day to the second, in UTC, on the proleptic Gregorian calendar.
///
/// The instant of a stored datetime (`yyyy-MM-ddTHH:mm:ssZ`), of an ODSQL date literal or of a cookie's expiry.
/// Fields are not checked on creation; ``epochSeconds`` and ``init(epochSeconds:)`` convert both ways with
/// integer arithmetic. Offsets and fractions of a second belong to whoever parses or prints them.
public struct CivilDateTime: Hashable, Sendable {
    /// The year (see ``CivilDate/year``).
    public var year: Int
    /// The month, 1 to 12.
    public var month: Int
    /// The day of the month, 1 to 31.
    public var day: Int
    /// The hour, 0 to 23.
    public var hour: Int
    /// The minute, 0 to 59.
    public var minute: Int
    /// The second, 0 to 59.
    public var second: Int

    /// The instant with these fields, unchecked.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z (negative: before it).
    public init(epochSeconds seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        self.init(date: CivilDate(daysSinceEpoch: Int(days)), secondOfDay: rest)
    }

    /// The instant `secondOfDay` seconds (0 to 86,399) after the start of `date`.
    public init(date: CivilDate, secondOfDay: Int) {
        self.init(
            year: date.year, month: date.month, day: date.day, hour: secondOfDay / 3_600,
            minute: secondOfDay % 3_600 / 60, second: secondOfDay % 60)
    }

    /// The day, without the time.
    public var date: CivilDate {
        get { CivilDate(year: year, month: month, day: day) }
        set {
            year = newValue.year
            month = newValue.month
            day = newValue.day
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int64 {
        Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
    }

    /// The day of the week, 0 for Monday to 6 for Sunday.
    public var weekday: Int { date.weekday }

    /// Moves the date `count` months (see ``CivilDate/addingMonths(_:)``), keeping the time of day.
    public mutating func addMonths(_ count: Int) { date = date.addingMonths(count) }

    /// The instants a stored date or datetime can hold: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    ///
    /// Stored dates are compared as text, which orders them only within these years; readers of dates from
    /// outside (import, ODSQL literals) refuse what falls beyond.
    public static let storableSeconds: ClosedRange<Int64> =
        CivilDateTime(year: 1, month: 1, day: 1)
        .epochSeconds...CivilDateTime(year: 9_999, month: 12, day: 31, hour: 23, minute: 59, second: 59).epochSeconds

    /// `yyyy-MM-dd` of the date.
    public var dateText: String { date.text }

    /// `HH:mm:ss`.
    public var timeText: String {
        var out: [UInt8] = []
        out.reserveCapacity(8)
        writeTime(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `yyyy-MM-ddTHH:mm:ssZ`, the storage form of datetime fields.
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        write(to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `yyyy-MM-ddTHH:mm:ss` (no zone: the caller adds a fraction or `Z`) as UTF-8 bytes.
    public func write(to out: inout [UInt8]) {
        date.write(to: &out)
        out.append(UInt8(ascii: "T"))
        writeTime(to: &out)
    }

    private func writeTime(to out: inout [UInt8]) {
        CivilDate.append(hour, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CivilDate.append(minute, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CivilDate.append(second, width: 2, to: &out)
    }
}
