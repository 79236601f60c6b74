import Vocabulary

/// Appends the rows of ``SampleData`` to a byte buffer, one row per call, drawing every value from one
/// ``SplitMix64`` stream. Integer arithmetic only, so the bytes never depend on the machine.
struct SampleRowWriter {
    private var random: SplitMix64
    private let communes = SampleVocabulary.communes
    private let categories = SampleVocabulary.categories
    private let openers = SampleVocabulary.openers
    private let words = SampleVocabulary.words

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Appends row number `id` (1-based), ending with a line feed.
    mutating func appendRow(id: Int, to out: inout [UInt8]) {
        let semicolon = UInt8(ascii: ";")
        let commune = communes[random.below(communes.count)]
        Self.appendInt(id, to: &out)
        out.append(semicolon)
        out.append(contentsOf: commune.name)
        out.append(semicolon)
        out.append(contentsOf: commune.departement)
        out.append(semicolon)
        out.append(contentsOf: commune.insee)
        out.append(semicolon)
        appendAmount(to: &out)
        out.append(semicolon)
        Self.appendInt(random.within(0...1500), to: &out)
        out.append(semicolon)
        appendDate(to: &out)
        out.append(semicolon)
        appendDateTime(to: &out)
        out.append(semicolon)
        out.append(contentsOf: random.below(3) == 0 ? Self.no : Self.yes)
        out.append(semicolon)
        Self.appendCoordinate(commune.latitude + random.within(-2000...2000), to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendCoordinate(commune.longitude + random.within(-2000...2000), to: &out)
        out.append(semicolon)
        out.append(contentsOf: categories[random.below(categories.count)])
        out.append(semicolon)
        appendDescription(to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    private static let yes = Array("oui".utf8)
    private static let no = Array("non".utf8)

    /// A French decimal with a comma and two decimals: `0,00` to `25000,00`.
    private mutating func appendAmount(to out: inout [UInt8]) {
        let cents = random.within(0...2_500_000)
        Self.appendInt(cents / 100, to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendPadded(cents % 100, width: 2, to: &out)
    }

    /// `dd/mm/yyyy` between 2010 and 2024.
    private mutating func appendDate(to out: inout [UInt8]) {
        let year = random.within(2010...2024)
        let month = random.within(1...12)
        let day = random.within(1...CivilDate.daysIn(month: month, year: year))
        Self.appendPadded(day, width: 2, to: &out)
        out.append(UInt8(ascii: "/"))
        Self.appendPadded(month, width: 2, to: &out)
        out.append(UInt8(ascii: "/"))
        Self.appendPadded(year, width: 4, to: &out)
    }

    /// ISO 8601 local time in Paris with its offset (`+01:00` in winter, `+02:00` in summer), office hours
    /// between 2022 and 2025, so no time falls in a daylight-saving gap.
    private mutating func appendDateTime(to out: inout [UInt8]) {
        let year = random.within(2022...2025)
        let month = random.within(1...12)
        let day = random.within(1...CivilDate.daysIn(month: month, year: year))
        Self.appendPadded(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendPadded(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendPadded(day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        Self.appendPadded(random.within(8...19), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(random.below(60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(random.below(60), width: 2, to: &out)
        out.append(contentsOf: ParisSummerTime.contains(year: year, month: month, day: day) ? Self.summer : Self.winter)
    }

    private static let summer = Array("+02:00".utf8)
    private static let winter = Array("+01:00".utf8)

    /// 5 to 15 words: a capitalised opener, 4 to 14 more, and a full stop.
    private mutating func appendDescription(to out: inout [UInt8]) {
        out.append(contentsOf: openers[random.below(openers.count)])
        for _ in 0..<random.within(4...14) {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: words[random.below(words.count)])
        }
        out.append(UInt8(ascii: "."))
    }

    /// Degrees given in hundred-thousandths, written with a dot and five decimals: `43.61100`, `-0.04600`.
    static func appendCoordinate(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = abs(value)
        appendInt(magnitude / 100_000, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(magnitude % 100_000, width: 5, to: &out)
    }

    /// A non-negative integer in decimal, without leading zeros.
    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        var digits = 1
        var power = 10
        while power <= value {
            digits += 1
            power &*= 10
        }
        appendPadded(value, width: digits, to: &out)
    }

    /// A non-negative integer in decimal, left-padded with zeros to `width` digits.
    static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        let start = out.count
        for _ in 0..<width { out.append(UInt8(ascii: "0")) }
        var rest = value
        var index = start + width - 1
        while rest > 0, index >= start {
            out[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
            index -= 1
        }
    }
}

/// The one calendar fact the generator adds to ``CivilDate``: when Paris is on summer time.
enum ParisSummerTime {
    /// The day of the last Sunday of a 31-day month.
    static func lastSunday(month: Int, year: Int) -> Int {
        31 - (CivilDate(year: year, month: month, day: 31).weekday + 1) % 7
    }

    /// Whether Paris is on summer time (UTC+2) during the daytime of this date: from the last Sunday of March
    /// to the day before the last Sunday of October.
    static func contains(year: Int, month: Int, day: Int) -> Bool {
        switch month {
        case 4...9: true
        case 3: day >= lastSunday(month: 3, year: year)
        case 10: day < lastSunday(month: 10, year: year)
        default: false
        }
    }
}
