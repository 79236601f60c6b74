import Foundation
import Vocabulary

/// The UTC offsets of a time zone from 1900 to 2100, computed once from Foundation's time zone database, so that
/// ODSQL reads stored datetimes (UTC) in the `timezone` the API was given: `year()`, `hour()`, `date_format()` and
/// date facets count a record at 23:30 UTC on 31 December in the next year for `Europe/Paris`.
///
/// SQLite has no time zone database: it receives the table as bound parameters, a balanced tree of
/// `CASE WHEN value < transition` tests (about eight comparisons a row for a zone with summer time), and shifts the
/// text by the offset found; outside 1900–2100 the nearest end's offset applies. PostgreSQL uses its own database
/// (see ``SQLDialect/localDateTime(_:zone:)``). Literals and refine periods are converted here, in Swift, for both.
public struct ZoneOffsets: Sendable, Hashable {
    /// An instant, as datetimes are stored (`YYYY-MM-DDTHH:MM:SSZ`), from which `offset` seconds apply.
    struct Transition: Sendable, Hashable {
        let instant: String
        let offset: Int64
    }

    /// The zone's identifier (`Europe/Paris`).
    public let identifier: String
    /// The offset before the first transition.
    let initial: Int64
    /// The transitions, in time order.
    let transitions: [Transition]

    private static let first = CivilDateTime(year: 1900, month: 1, day: 1).epochSeconds
    private static let last = CivilDateTime(year: 2101, month: 1, day: 1).epochSeconds

    /// The offsets of `zone`.
    public init(_ zone: TimeZone) {
        identifier = zone.identifier
        var instant = Date(timeIntervalSince1970: TimeInterval(Self.first))
        initial = Int64(zone.secondsFromGMT(for: instant))
        var transitions: [Transition] = []
        var previous = initial
        while let next = zone.nextDaylightSavingTimeTransition(after: instant), next.timeIntervalSince1970 < Double(Self.last) {
            let offset = Int64(zone.secondsFromGMT(for: next))
            if offset != previous {
                let seconds = Int64(next.timeIntervalSince1970.rounded(.down))
                transitions.append(Transition(instant: CivilDateTime(epochSeconds: seconds).text, offset: offset))
                previous = offset
            }
            instant = next
        }
        self.transitions = transitions
    }

    /// Whether the zone is UTC all along (nothing to shift).
    public var isUTC: Bool { initial == 0 && transitions.isEmpty }

    /// The offset in seconds at `seconds` since 1970 (UTC).
    func offset(atUTC seconds: Int64) -> Int64 {
        let text = CivilDateTime(epochSeconds: seconds).text
        return transitions.last { $0.instant <= text }?.offset ?? initial
    }

    /// The UTC instant of the wall-clock time `local` (seconds since 1970 as if the wall clock were UTC). In a gap
    /// (spring forward) the offset before the gap applies, so 02:30 is read as 03:30 of summer time; in an overlap
    /// (fall back), the first of the two instants. Assumes at most one transition within a day of `local`.
    func utc(fromLocal local: Int64) -> Int64 {
        let before = offset(atUTC: local - 86_400)
        let after = offset(atUTC: local + 86_400)
        let candidates = [local - before, local - after].filter { offset(atUTC: $0) == local - $0 }
        return candidates.min() ?? local - before
    }

    /// The offset at the stored datetime text `value`: a balanced `CASE` over the transitions.
    func offsetSQL(_ value: SQLFragment) -> SQLFragment { offsetSQL(value, transitions[...], before: initial) }

    private func offsetSQL(_ value: SQLFragment, _ slice: ArraySlice<Transition>, before: Int64) -> SQLFragment {
        guard !slice.isEmpty else { return .bind(.int(before)) }
        let middle = slice.startIndex + slice.count / 2
        let transition = slice[middle]
        let earlier = offsetSQL(value, slice[slice.startIndex..<middle], before: before)
        let later = offsetSQL(value, slice[(middle + 1)...], before: transition.offset)
        return "(CASE WHEN \(value) < \(bind: .text(transition.instant)) THEN \(earlier) ELSE \(later) END)"
    }
}

extension SQLiteDialect {
    /// SQLite has no time zone database: the offset comes from ``ZoneOffsets/offsetSQL(_:)``, and `strftime` with an
    /// `N seconds` modifier moves the stored `…Z` text, which it reads as UTC.
    public func localDateTime(_ value: SQLFragment, zone: ZoneOffsets) -> SQLFragment {
        "strftime('%Y-%m-%dT%H:%M:%SZ', \(value), CAST(\(zone.offsetSQL(value)) AS TEXT) || ' seconds')"
    }
}

extension PostgreSQLDialect {
    /// `AT TIME ZONE` with the zone's name bound: the stored text read as a UTC `timestamp` (its `Z` ignored), turned
    /// into the zone's wall-clock time, written back in the stored form. PostgreSQL's time zone database (the
    /// system's tzdata on Debian) and Foundation's give the same offsets from 1900 to 2100; the engine parity suite
    /// compares them. The transition table of ``ZoneOffsets/offsetSQL(_:)``, some 600 parameters for a zone with
    /// summer time, made PostgreSQL take seconds per query through the store.
    ///
    /// A zone without transitions (`GMT+0200`, which PostgreSQL would read with POSIX's inverted sign) is a fixed
    /// offset, added as an interval.
    public func localDateTime(_ value: SQLFragment, zone: ZoneOffsets) -> SQLFragment {
        let format: SQLFragment = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"
        guard !zone.transitions.isEmpty else {
            let offset = SQLFragment.bind(.int(zone.initial))
            return "to_char(CAST(\(value) AS timestamp) + CAST(\(offset) AS DOUBLE PRECISION) * INTERVAL '1 second', \(format))"
        }
        return "to_char((CAST(\(value) AS timestamp) AT TIME ZONE 'UTC') AT TIME ZONE \(bind: .text(zone.identifier)), \(format))"
    }
}
