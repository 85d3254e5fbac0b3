import Testing
@testable import PlotCore

@Suite struct CalendarTicksTests {
    static let mjdEpoch = 40_587.0

    @Test func civilDatesRoundTripAndKnownDays() {
        #expect(CivilDate(days: 0) == CivilDate(year: 1970, month: 1, day: 1))
        // MJD 59215 is 2021-01-01 (JD 2459215.5).
        #expect(CivilDate(days: 59_215 - 40_587) == CivilDate(year: 2021, month: 1, day: 1))
        #expect(CivilDate(days: -1) == CivilDate(year: 1969, month: 12, day: 31))
        #expect(CivilDate(year: 2024, month: 2, day: 29).monthLength == 29)
        #expect(CivilDate(year: 2100, month: 2, day: 1).monthLength == 28)
        for d in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CivilDate(days: d).days == d)
        }
    }

    @Test func multiYearSpanTicksOnNewYears() {
        // 2018-03-20 … 2025-11-02 in MJD.
        let t = Ticks.calendar(lower: 58_197, upper: 60_981, maxCount: 8, unixEpochAt: Self.mjdEpoch)
        #expect(t.labels == ["2019", "2020", "2021", "2022", "2023", "2024", "2025"])
        #expect(t.major.first == 58_484) // MJD of 2019-01-01
        #expect(t.minor.count > 20)      // quarters
    }

    @Test func severalMonthsTickOnFirstOfMonth() {
        // 2021-01-05 … 2021-07-20: a month step at most 8 intervals.
        let lo = Double(CivilDate(year: 2021, month: 1, day: 5).days), hi = Double(CivilDate(year: 2021, month: 7, day: 20).days)
        let t = Ticks.calendar(lower: lo, upper: hi, maxCount: 8, unixEpochAt: 0)
        #expect(t.labels == ["2021-02", "2021-03", "2021-04", "2021-05", "2021-06", "2021-07"])
        let threeMonthly = Ticks.calendar(lower: lo, upper: hi, maxCount: 3, unixEpochAt: 0)
        // Counted between the ticks that fall inside: 2-month steps give 2 intervals, within 3.
        #expect(threeMonthly.labels == ["2021-03", "2021-05", "2021-07"])
        #expect(Ticks.calendar(lower: lo, upper: hi, maxCount: 1, unixEpochAt: 0).labels == ["2021-04", "2021-07"])
    }

    @Test func weeksOfDataTickOnDaysOfTheMonthWithoutCrowdingMonthEnds() {
        let lo = Double(CivilDate(year: 2021, month: 2, day: 1).days), hi = Double(CivilDate(year: 2021, month: 3, day: 20).days)
        let t = Ticks.calendar(lower: lo, upper: hi, maxCount: 12, unixEpochAt: 0)
        #expect(t.labels.first == "2021-02-01")
        #expect(t.labels.contains("2021-03-01"))
        // February's 26th would sit 3 days before March 1st: it is left out.
        #expect(!t.labels.contains("2021-02-26"))
        let gaps = zip(t.major.dropFirst(), t.major).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 4 })
    }

    @Test func oneNightTicksInHours() {
        let t = Ticks.calendar(lower: 59_215.1, upper: 59_215.6, maxCount: 4, unixEpochAt: Self.mjdEpoch)
        #expect(t.labels == ["01-01 03:00", "01-01 06:00", "01-01 09:00", "01-01 12:00"])
        #expect(t.minor.contains { abs($0 - (59_215 + 4.0 / 24)) < 1e-9 })
    }

    @Test func degenerateSpanStillLabelsTheDay() {
        let t = Ticks.calendar(lower: 59_215.5, upper: 59_215.5, maxCount: 5, unixEpochAt: Self.mjdEpoch)
        #expect(t.labels == ["2021-01-01"])
    }

    @Test func chartWithCalendarAxisUsesDateLabelsThatFit() {
        let points = stride(from: 58_300.0, through: 59_700, by: 50).map { DataPoint(x: $0, y: 18) }
        let chart = Chart(xAxis: Axis(title: "date (UTC)", labeling: .calendar(unixEpochAt: Self.mjdEpoch)),
                          yAxis: Axis(title: "mag", inverted: true),
                          series: [Series(role: "g", points: points, marker: MarkerStyle(shape: .circle, size: 4, fill: .black, stroke: nil))])
        let layout = ChartLayout(chart: chart, frame: Rect(x: 0, y: 0, width: 300, height: 200), style: .screen,
                                 measurer: ApproximateTextMeasurer())
        let labels = layout.items().filter { $0.role == "axis.x.ticklabel" }.compactMap { $0.text?.string }
        #expect(!labels.isEmpty)
        #expect(labels.allSatisfy { $0.count == 4 || $0.count == 7 })  // years or months at this span
        #expect(labels.allSatisfy { $0.hasPrefix("20") })
    }
}
