import Vocabulary

/// Evaluates `now(year=…, months=…, weekday=…, mondays=…)` with the semantics of Python's `relativedelta`:
/// singular names set a component, plural names add to it, the last occurrence of a name wins.
enum NowFunction {
    static let absoluteNames: Set<String> = [
        "year", "month", "day", "hour", "minute", "second", "microsecond",
        "weekday",
    ]
    static let relativeNames: Set<String> = [
        "years", "months", "days", "hours", "minutes", "seconds",
        "microseconds",
    ]
    static let weekdayNames = ["mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays"]

    /// Whether `name` is a parameter of `now()`.
    static func isParameter(_ name: String) -> Bool {
        absoluteNames.contains(name) || relativeNames.contains(name) || weekdayNames.contains(name)
    }

    /// The valid range of an absolute parameter, nil when any integer is allowed.
    static func range(of name: String) -> ClosedRange<Int>? {
        switch name {
        case "year": 1...9_999
        case "month": 1...12
        case "day": 1...31
        case "hour": 0...23
        case "minute", "second": 0...59
        case "microsecond": 0...999_999
        case "weekday": 0...6
        default: nil
        }
    }

    /// The instant `now()` denotes, with clamped magnitudes so hostile values cannot overflow.
    static func evaluate(now: Int64, parameters: [String: Int]) -> DateValue {
        func value(_ name: String) -> Int? { parameters[name].map { max(-1_000_000, min(1_000_000, $0)) } }
        var time = CivilDateTime(epochSeconds: now)
        if let year = value("year") { time.year = year }
        if let month = value("month") { time.month = month }
        time.addMonths((value("years") ?? 0) * 12 + (value("months") ?? 0))
        if let day = value("day") { time.day = min(day, CivilDate.daysIn(month: time.month, year: time.year)) }
        if let hour = value("hour") { time.hour = hour }
        if let minute = value("minute") { time.minute = minute }
        if let second = value("second") { time.second = second }
        var seconds = time.epochSeconds
        seconds += Int64(value("days") ?? 0) * 86_400 + Int64(value("hours") ?? 0) * 3_600
        seconds += Int64(value("minutes") ?? 0) * 60 + Int64(value("seconds") ?? 0)
        seconds += Int64((value("microseconds") ?? 0) / 1_000_000)
        if let target = value("weekday") {
            seconds += Int64(jump(from: CivilDateTime(epochSeconds: seconds).weekday, to: target, count: 1)) * 86_400
        }
        for (target, name) in weekdayNames.enumerated() {
            guard let count = value(name), count != 0 else { continue }
            seconds += Int64(jump(from: CivilDateTime(epochSeconds: seconds).weekday, to: target, count: count)) * 86_400
        }
        let range = DateValue.storableSeconds
        let clamped = max(range.lowerBound, min(seconds, range.upperBound))
        return DateValue(seconds: clamped, precision: .time)
    }

    /// Days to the `count`-th `target` weekday from `current` (today counts for +1 and -1).
    private static func jump(from current: Int, to target: Int, count: Int) -> Int {
        if count > 0 { return (target - current + 7) % 7 + (count - 1) * 7 }
        return -((current - target + 7) % 7) + (count + 1) * 7
    }
}
