import Testing
import Vocabulary

/// The one calendar: the day counts, text forms and weekdays every module used to compute on its own.
@Suite struct CivilDateTests {
    @Test func knownDaysSinceTheEpoch() {
        #expect(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CivilDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)
        #expect(CivilDate(year: 2024, month: 2, day: 29).daysSinceEpoch == 19_782)
        #expect(CivilDate(year: 1, month: 1, day: 1).daysSinceEpoch == -719_162)
        #expect(CivilDate(daysSinceEpoch: 11_016) == CivilDate(year: 2000, month: 2, day: 29))
    }

    @Test func everyWeekOfTheStorableYearsRoundTrips() {
        let first = CivilDate(year: 1, month: 1, day: 1).daysSinceEpoch
        let last = CivilDate(year: 9999, month: 12, day: 31).daysSinceEpoch
        for days in stride(from: first, through: last, by: 7) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.isValid)
            #expect(date.daysSinceEpoch == days)
        }
    }

    @Test func validity() {
        #expect(CivilDate(year: 2024, month: 2, day: 29).isValid)
        #expect(CivilDate(year: 2000, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 1900, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 2023, month: 4, day: 31).isValid)
        #expect(!CivilDate(year: 0, month: 1, day: 1).isValid)
        #expect(!CivilDate(year: 10_000, month: 1, day: 1).isValid)
        #expect(!CivilDate(year: 2023, month: 13, day: 1).isValid)
    }

    /// ODSQL counted weekdays from Monday, the cookie dates and the demo generator (Sakamoto's method) from
    /// Sunday: one count from Monday now serves all three; this checks it against Sakamoto's over two centuries.
    @Test func weekdayAgreesWithSakamotosMethod() {
        func sakamotoFromSunday(_ date: CivilDate) -> Int {
            let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
            let y = date.month < 3 ? date.year - 1 : date.year
            return (y + y / 4 - y / 100 + y / 400 + offsets[date.month - 1] + date.day) % 7
        }
        let start = CivilDate(year: 1900, month: 1, day: 1).daysSinceEpoch
        let end = CivilDate(year: 2100, month: 12, day: 31).daysSinceEpoch
        for days in start...end {
            let date = CivilDate(daysSinceEpoch: days)
            #expect((date.weekday + 1) % 7 == sakamotoFromSunday(date))
        }
        #expect(CivilDate(year: 1970, month: 1, day: 1).weekday == 3)  // Thursday
        #expect(CivilDate(year: 1969, month: 12, day: 28).weekday == 6)  // Sunday, before the epoch
    }

    @Test func addingMonthsClampsToTheEndOfTheMonth() {
        let end = CivilDate(year: 2024, month: 1, day: 31)
        #expect(end.addingMonths(1) == CivilDate(year: 2024, month: 2, day: 29))
        #expect(end.addingMonths(13) == CivilDate(year: 2025, month: 2, day: 28))
        #expect(end.addingMonths(-2) == CivilDate(year: 2023, month: 11, day: 30))
        #expect(CivilDate(year: 1, month: 1, day: 15).addingMonths(-1) == CivilDate(year: 0, month: 12, day: 15))
    }

    /// Ingest printed a negative year as `0000` (it clamped), ODSQL with a sign; ODSQL's form is kept (ISO 8601's
    /// expanded years), and no stored value reaches it: readers refuse years outside 1 to 9999.
    @Test func text() {
        #expect(CivilDate(year: 5, month: 3, day: 9).text == "0005-03-09")
        #expect(CivilDate(year: 12_345, month: 12, day: 31).text == "12345-12-31")
        #expect(CivilDate(year: -5, month: 1, day: 1).text == "-0005-01-01")
    }
}

/// Instants in UTC to the second.
@Suite struct CivilDateTimeTests {
    @Test func epochSecondsBothWays() {
        let instant = CivilDateTime(year: 2024, month: 12, day: 31, hour: 23, minute: 30, second: 5)
        #expect(instant.epochSeconds == 1_735_687_805)
        #expect(CivilDateTime(epochSeconds: 1_735_687_805) == instant)
        #expect(CivilDateTime(epochSeconds: -1).text == "1969-12-31T23:59:59Z")
        #expect(CivilDateTime(epochSeconds: -86_400).text == "1969-12-31T00:00:00Z")
    }

    @Test func textForms() {
        let instant = CivilDateTime(year: 2017, month: 4, day: 3, hour: 8, minute: 2)
        #expect(instant.dateText == "2017-04-03")
        #expect(instant.timeText == "08:02:00")
        #expect(instant.text == "2017-04-03T08:02:00Z")
    }

    @Test func storableRangeIsYearsOneToNineThousandNineHundredNinetyNine() {
        let range = CivilDateTime.storableSeconds
        #expect(CivilDateTime(epochSeconds: range.lowerBound).text == "0001-01-01T00:00:00Z")
        #expect(CivilDateTime(epochSeconds: range.upperBound).text == "9999-12-31T23:59:59Z")
    }

    @Test func addMonthsKeepsTheTime() {
        var instant = CivilDateTime(year: 2023, month: 3, day: 31, hour: 12)
        instant.addMonths(-1)
        #expect(instant == CivilDateTime(year: 2023, month: 2, day: 28, hour: 12))
    }
}
