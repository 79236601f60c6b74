import Foundation
import Store
import Vocabulary

/// The days a back-office audience request asks for: `from` and `to` as `YYYY-MM-DD`, both included; by default the
/// last 30 days up to today (UTC).
struct AudiencePeriod: Sendable, Equatable {
    /// The default length, in days.
    static let defaultDays = 30

    let from: CivilDate
    let to: CivilDate

    /// Why a period was refused: the page says it in the visitor's language, the JSON in its message.
    enum Refusal: Error, Equatable {
        /// A date that is not `YYYY-MM-DD` or does not exist.
        case invalidDate(String)
        /// `from` after `to`, or longer than the retention period.
        case invalidRange
    }

    /// The period of `query` (`from`, `to`), relative to `today` when a bound is missing.
    init(from fromText: String?, to toText: String?, today: CivilDate) throws(Refusal) {
        let to = try Self.parse(toText) ?? today
        let from = try Self.parse(fromText) ?? CivilDate(daysSinceEpoch: to.daysSinceEpoch - (Self.defaultDays - 1))
        guard from.daysSinceEpoch <= to.daysSinceEpoch,
            to.daysSinceEpoch - from.daysSinceEpoch < AudienceRetention.maximumDays
        else { throw .invalidRange }
        self.from = from
        self.to = to
    }

    /// The date of `text`, nil when absent or empty.
    static func parse(_ text: String?) throws(Refusal) -> CivilDate? {
        guard let text, !text.isEmpty else { return nil }
        let bytes = Array(text.utf8)
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            digits.allSatisfy({ bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") })
        else { throw .invalidDate(String(text.prefix(40))) }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) } }
        let date = CivilDate(year: number(0..<4), month: number(5..<7), day: number(8..<10))
        guard date.isValid else { throw .invalidDate(String(text.prefix(40))) }
        return date
    }
}
