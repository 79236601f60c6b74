import Foundation

/// When a dataset's source is fetched again: every N minutes (hourly is every 60), or daily at a time of day.
///
/// A daily time is a wall-clock time in the scheduler's time zone (``SourceSchedule/timeZone``, Europe/Paris, the
/// region's time): `daily 03:00` runs at 03:00 in Toulouse in winter and in summer alike. On the night clocks go
/// forward, a time that does not exist that day (02:30) runs at the next time that does (03:00); on the night they go
/// back, an ambiguous time runs once, at its first occurrence.
public enum SourceSchedule: Sendable, Hashable {
    /// Every `minutes` minutes (5 to 10,080, a week), counted from the start of the previous run.
    case every(minutes: Int)
    /// Every day at `hour`:`minute` in ``timeZone``.
    case daily(hour: Int, minute: Int)

    /// The time zone of daily schedules: the region's, whatever the server's clock is set to.
    public static let timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
    /// The shortest period: a source is not a stream.
    public static let minimumMinutes = 5
    /// The longest period of ``every(minutes:)``: a week.
    public static let maximumMinutes = 10_080

    /// Reads the command line's and the back office's forms: `30m`, `2h`, `1h`, `hourly`, `90` (minutes), or
    /// `daily 03:00` / `03:00`. Nil for anything else, or a period out of bounds.
    public init?(text: String) {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        if text == "hourly" {
            self = .every(minutes: 60)
            return
        }
        if let time = Self.timeOfDay(text.hasPrefix("daily") ? String(text.dropFirst(5)) : text) {
            self = .daily(hour: time.hour, minute: time.minute)
            return
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 6, let number = Int(digits) else { return nil }
        let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let minutes: Int
        switch unit {
        case "", "m", "min", "minutes": minutes = number
        case "h", "hour", "hours": minutes = number * 60
        default: return nil
        }
        guard (Self.minimumMinutes...Self.maximumMinutes).contains(minutes) else { return nil }
        self = .every(minutes: minutes)
    }

    /// `HH:MM` with 0 ≤ HH ≤ 23 and 0 ≤ MM ≤ 59, else nil.
    static func timeOfDay(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    /// The stored form, which ``init(text:)`` reads back: `30m` or `daily 03:00`.
    public var text: String {
        switch self {
        case .every(let minutes): minutes % 60 == 0 ? "\(minutes / 60)h" : "\(minutes)m"
        case .daily(let hour, let minute): "daily " + Self.clock(hour: hour, minute: minute)
        }
    }

    /// `03:00`.
    public static func clock(hour: Int, minute: Int) -> String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// When the next run is due, for a run that started at `start` (or a source set at `start`): `start` plus the
    /// period, or the next daily time strictly after `start`.
    public func nextRun(after start: Date, timeZone: TimeZone = SourceSchedule.timeZone) -> Date {
        switch self {
        case .every(let minutes):
            return start.addingTimeInterval(TimeInterval(minutes) * 60)
        case .daily(let hour, let minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar.nextDate(
                after: start, matching: DateComponents(hour: hour, minute: minute, second: 0),
                matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
                ?? start.addingTimeInterval(86_400)
        }
    }
}
