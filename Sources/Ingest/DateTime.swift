import Vocabulary

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
    var isInStorableRange: Bool { CivilDateTime.storableSeconds.contains(Int64(utcSeconds)) }

    /// The instant in UTC as `yyyy-MM-ddTHH:mm:ss[.fff]Z`.
    var utcISO: String {
        var out: [UInt8] = []
        out.reserveCapacity(20 + fraction.utf8.count)
        CivilDateTime(epochSeconds: Int64(utcSeconds)).write(to: &out)
        if !fraction.isEmpty {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: fraction.utf8)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
