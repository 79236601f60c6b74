import CookieCharter
import Foundation
import Store
import Vocabulary

/// The kinds of choice the data protection officer counts, from the action a proof of consent records.
enum ConsentKind: String, CaseIterable, Sendable {
    case acceptAll = "accept_all"
    case refuseAll = "refuse_all"
    /// A choice per category (`save`) or a service allowed by itself (`allow_service`).
    case custom
    /// A choice that accepts nothing after one that accepted something (`withdraw`).
    case withdrawn

    /// The kind of a logged action; nil for an action this build does not know (it is left out of the figures).
    init?(action: String) {
        switch action {
        case "accept_all": self = .acceptAll
        case "refuse_all": self = .refuseAll
        case "save", "allow_service": self = .custom
        case ConsentKind.withdrawAction: self = .withdrawn
        default: return nil
        }
    }

    /// The action the charter logs when a visitor withdraws their consent.
    static let withdrawAction = "withdraw"
}

/// The consent figures of a period: counts per kind, per day and, for custom choices, per accepted category.
///
/// Built from the database's daily aggregate (``ConsentTally``), never from entries: it holds no time of day, no
/// service list and nothing about a visitor. Every day of the period has a row, zero or not.
struct ConsentReport: Encodable, Sendable {
    /// Counts per kind, in the order of ``ConsentKind``.
    struct Counts: Encodable, Sendable, Equatable {
        var acceptAll = 0
        var refuseAll = 0
        var custom = 0
        var withdrawn = 0

        enum CodingKeys: String, CodingKey {
            case acceptAll = "accept_all"
            case refuseAll = "refuse_all"
            case custom, withdrawn
        }

        subscript(kind: ConsentKind) -> Int {
            get {
                switch kind {
                case .acceptAll: acceptAll
                case .refuseAll: refuseAll
                case .custom: custom
                case .withdrawn: withdrawn
                }
            }
            set {
                switch kind {
                case .acceptAll: acceptAll = newValue
                case .refuseAll: refuseAll = newValue
                case .custom: custom = newValue
                case .withdrawn: withdrawn = newValue
                }
            }
        }

        var total: Int { ConsentKind.allCases.reduce(0) { $0 &+ self[$1] } }
    }

    /// Custom choices that accepted each optional category.
    struct CategoryCounts: Encodable, Sendable, Equatable {
        var counts: [CookieCategory: Int] = [:]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CategoryKey.self)
            for category in CookieCategory.optional {
                try container.encode(counts[category] ?? 0, forKey: CategoryKey(stringValue: category.rawValue))
            }
        }
    }

    /// One day's counts.
    struct Day: Encodable, Sendable {
        let day: String
        var counts = Counts()
        var customByCategory = CategoryCounts()

        enum CodingKeys: String, CodingKey {
            case day
            case customByCategory = "custom_by_category"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(day, forKey: .day)
            try counts.encode(to: encoder)
            try container.encode(customByCategory, forKey: .customByCategory)
        }
    }

    let from: String
    let to: String
    let policyVersion: String
    let total: Int
    let byChoice: Counts
    let customByCategory: CategoryCounts
    let byDay: [Day]

    enum CodingKeys: String, CodingKey {
        case from, to
        case policyVersion = "policy_version"
        case total
        case byChoice = "by_choice"
        case customByCategory = "custom_by_category"
        case byDay = "by_day"
    }

    init(period: AudiencePeriod, policyVersion: String, tallies: [ConsentTally]) {
        let first = period.from.daysSinceEpoch
        var days = (first...period.to.daysSinceEpoch).map { Day(day: CivilDate(daysSinceEpoch: $0).text) }
        var byChoice = Counts()
        var byCategory = CategoryCounts()
        for tally in tallies {
            guard let kind = ConsentKind(action: tally.action), let offset = Int(exactly: tally.day).map({ $0 - first }),
                days.indices.contains(offset)
            else { continue }
            days[offset].counts[kind] &+= tally.count
            byChoice[kind] &+= tally.count
            guard kind == .custom else { continue }
            for name in tally.categories.split(separator: ",") {
                guard let category = CookieCategory(rawValue: String(name)), !category.isExempt else { continue }
                days[offset].customByCategory.counts[category, default: 0] &+= tally.count
                byCategory.counts[category, default: 0] &+= tally.count
            }
        }
        from = period.from.text
        to = period.to.text
        self.policyVersion = policyVersion
        total = byChoice.total
        self.byChoice = byChoice
        customByCategory = byCategory
        byDay = days
    }

    /// The daily counts as CSV (`;`, a byte-order mark, CRLF, as the portal's other CSV files); counts only.
    var csv: [UInt8] {
        let categories = CookieCategory.optional
        var text =
            "\u{FEFF}day;" + ConsentKind.allCases.map(\.rawValue).joined(separator: ";") + ";"
            + categories.map { "custom_" + $0.rawValue }.joined(separator: ";") + "\r\n"
        for day in byDay {
            let cells =
                [day.day] + ConsentKind.allCases.map { String(day.counts[$0]) }
                + categories.map { String(day.customByCategory.counts[$0] ?? 0) }
            text += cells.joined(separator: ";") + "\r\n"
        }
        return Array(text.utf8)
    }
}

/// A coding key named at run time: a category's identifier.
private struct CategoryKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
