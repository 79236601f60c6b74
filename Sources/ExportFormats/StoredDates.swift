import Vocabulary

/// Conversions between the stored date forms (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`) and the day or
/// microsecond counts since the Unix epoch that Parquet and FlatGeobuf write, on Vocabulary's ``CivilDate`` and
/// ``CivilDateTime`` (no Foundation calendar: this runs once per exported value).
enum StoredDates {
    /// Days since 1970-01-01 of `YYYY-MM-DD` (text after the tenth character is ignored).
    static func days(fromDate text: String) -> Int32? {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = digits(bytes[0..<4]), let month = digits(bytes[5..<7]), let day = digits(bytes[8..<10]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return Int32(CivilDate(year: year, month: month, day: day).daysSinceEpoch)
    }

    /// Microseconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.f…][Z|±HH:MM]` (no zone means UTC).
    static func microseconds(fromDateTime text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, let days = days(fromDate: text), bytes[10] == UInt8(ascii: "T") || bytes[10] == 0x20,
            let hour = digits(bytes[11..<13]), let minute = digits(bytes[14..<16]), let second = digits(bytes[17..<19]),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100_000
            while index < bytes.count, (48...57).contains(bytes[index]) {
                micros += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            let hours = digits(bytes[index + 1..<index + 3]), let minutes = digits(bytes[index + 4..<index + 6])
        {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// `YYYY-MM-DD` of a day count.
    static func dateText(days: Int32) -> String { CivilDate(daysSinceEpoch: Int(days)).text }

    /// `YYYY-MM-DDTHH:MM:SSZ` (with `.ffffff` when not whole seconds) of a microsecond count.
    static func dateTimeText(microseconds: Int64) -> String {
        let (seconds, micros) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let whole = micros < 0 ? seconds - 1 : seconds
        let fraction = micros < 0 ? micros + 1_000_000 : micros
        var out: [UInt8] = []
        out.reserveCapacity(27)
        CivilDateTime(epochSeconds: whole).write(to: &out)
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            CivilDate.append(Int(fraction), width: 6, to: &out)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func digits(_ slice: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in slice {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
