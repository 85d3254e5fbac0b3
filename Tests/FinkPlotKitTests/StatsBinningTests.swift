import FinkAPI
import Foundation
import PlotCore
import Testing
@testable import FinkPlotKit

/// `finkplot stats --bin`: nights summed into weeks (from Monday) or months, checked through the
/// charts' bars and the display list they draw.
@Suite struct StatsBinningTests {
    let measurer = ApproximateTextMeasurer()

    /// Nights from JSON as the server sends them: `[("20210301", raw, sci)]`, nil for null.
    func nights(_ rows: [(String, Double?, Double?)], extra: [String: Double] = [:]) throws -> [NightStatistics] {
        func cell(_ v: Double?) -> String { v.map { String($0) } ?? "null" }
        let body = rows.map { key, raw, sci in
            let more = extra.map { #", "\#($0.key)": \#($0.value)"# }.joined()
            return #"{"key:key": "ztf_\#(key)", "basic:raw": \#(cell(raw)), "basic:sci": \#(cell(sci))\#(more)}"#
        }.joined(separator: ",")
        return try NightStatistics.decode(Data("[\(body)]".utf8), source: "test")
    }

    func day(_ compact: String) -> Double { Double(CivilDate(compact: compact)!.daysSinceUnixEpoch) }

    func rects(_ list: DisplayList, _ role: String) -> [Rect] {
        list.items(role: role).compactMap { if case let .rect(r, _, _) = $0.primitive { r } else { nil } }
    }

    func texts(_ list: DisplayList, _ role: String) -> [String] { list.items(role: role).compactMap(\.text?.string) }

    /// The 2021 fixture copied into each of `years` (29 February dropped).
    func years(_ years: ClosedRange<Int>) throws -> [NightStatistics] {
        let year = try NightStatistics.decode(
            try Data(contentsOf: fixturesDirectory().appendingPathComponent("statistics_2021.json")), source: "fixture")
        return years.flatMap { y in
            year.compactMap { n -> NightStatistics? in
                guard let date = CivilDate(year: y, month: n.night.month, day: n.night.day) else { return nil }
                var copy = n
                copy.night = date
                copy.key = "ztf_" + date.compact
                return copy
            }
        }
    }

    @Test func weeksStartOnMondayAndMonthsSpanTheirDays() {
        // 2021-03-01 was a Monday, 2021-03-07 a Sunday.
        let monday = Int(day("20210301"))
        #expect(StatsBin.week.span(containing: monday) == monday...(monday + 6))
        #expect(StatsBin.week.span(containing: monday + 6) == monday...(monday + 6))
        #expect(StatsBin.week.span(containing: monday + 7) == (monday + 7)...(monday + 13))
        #expect(StatsBin.month.span(containing: Int(day("20240215"))) == Int(day("20240201"))...Int(day("20240229")), "leap year")
        #expect(StatsBin.month.span(containing: Int(day("20211231"))) == Int(day("20211201"))...Int(day("20211231")))
        #expect(StatsBin.week.span(containing: -4) == -10...(-4), "before 1970: 1969-12-28 was a Sunday")
    }

    @Test func aWeekOfNightsSumsExactlyAndMissingValuesAreGaps() throws {
        // Monday to Sunday, then the next Monday; one night lacks sci, and the second week has none.
        let week = try nights([("20210301", 1000, 700), ("20210302", 2000, nil), ("20210304", 4000, 3000),
                               ("20210307", 500, 100), ("20210308", 9000, nil)])
        let chart = StatsFigure.nightly(week, bin: .week)
        #expect(chart.title == "Alerts per week")
        #expect(chart.yAxis.title == "alerts per week", "7500 alerts stay in units")
        #expect(chart.xAxis.title == "week from Monday (UTC)")
        let raw = chart.bars[0].bars, sci = chart.bars[1].bars
        #expect(raw.map(\.top) == [7500, 9000])
        #expect(sci.map(\.top) == [3800], "a sum over the nights that have it; a week without any: no bar")
        #expect(raw[0].x - raw[0].width / 2 == day("20210301") - 0.5 && raw[0].x + raw[0].width / 2 == day("20210307") + 0.5)

        let totals = StatsBinTotals.group(week, by: .week)
        #expect(totals.map(\.nights) == [4, 1])
        #expect(totals[1]["basic:sci"] == nil && totals[1].counters.keys.contains("basic:sci"))

        // Drawn: one rect per bar, the first across its seven days.
        let frame = Rect(x: 0, y: 0, width: 864, height: 432)
        let layout = ChartLayout(chart: chart, frame: frame, style: .screen, measurer: measurer)
        let list = Figure(size: Size(frame.width, frame.height), chart: chart).displayList(measurer: measurer)
        let drawn = rects(list, "bar.raw")
        #expect(drawn.count == 2 && rects(list, "bar.sci").count == 1)
        #expect(abs(drawn[0].minX - layout.xScale(day("20210301") - 0.5)) < 1e-6)
        #expect(abs(drawn[0].maxX - layout.xScale(day("20210307") + 0.5)) < 1e-6)
    }

    @Test func aMonthBarSpansItsMonthAndStacksClassSums() throws {
        let feb = try nights([("20210203", 10, 5), ("20210227", 20, 10), ("20210301", 40, 20)],
                             extra: ["class:SN candidate": 3, "class:Unknown": 10, "class:simbad_tot": 99])
        let chart = StatsFigure.classesChart(feb, bin: .month)
        #expect(chart.title == "Classes per month (top 2)")
        #expect(chart.yAxis.title == "alerts per month")
        #expect(chart.bars.map(\.role) == ["class.Unknown", "class.SN candidate"])
        let unknown = chart.bars[0].bars, sn = chart.bars[1].bars
        #expect(unknown.map(\.top) == [20, 10] && sn.map(\.base) == [20, 10] && sn.map(\.top) == [26, 13])
        #expect(unknown[0].x - unknown[0].width / 2 == day("20210201") - 0.5)
        #expect(unknown[0].x + unknown[0].width / 2 == day("20210228") + 0.5)

        let frame = Rect(x: 0, y: 0, width: 864, height: 432)
        let layout = ChartLayout(chart: chart, frame: frame, style: .screen, measurer: measurer)
        let drawn = rects(Figure(size: Size(frame.width, frame.height), chart: chart).displayList(measurer: measurer), "bar.class.Unknown")
        #expect(drawn.count == 2)
        #expect(abs(drawn[0].maxX - layout.xScale(day("20210228") + 0.5)) < 1e-6)
        #expect(abs(drawn[1].minX - layout.xScale(day("20210301") - 0.5)) < 1e-6, "March starts where February ends")
    }

    @Test func autoPicksNightsWeeksOrMonthsByBarWidth() throws {
        let size = FigureSize(widthPixels: 1200, heightPixels: 1500)
        let year = try years(2021...2021)
        let march = year.filter { $0.night.year == 2021 && $0.night.month == 3 }
        func auto(_ nights: [NightStatistics], _ size: FigureSize = size) -> StatsBin {
            StatsFigure.autoBin(nights, plotPixels: StatsFigure.plotWidthPixels(nights, plot: .all, size: size))
        }
        #expect(auto(march) == .night)
        // A year over about 880 plot pixels: a night is 2.4 px, a week 17.
        #expect(auto(year) == .week)
        #expect(auto(year, FigureSize(widthPixels: 2400, heightPixels: 3000, dpi: 150)) == .night, "twice as wide: nights again")
        // Six years: a week is under 3 px.
        let six = try years(2019...2024)
        #expect(auto(six) == .month)
        #expect(StatsBin.auto(days: 6 * 365, plotPixels: 3000) == .week)

        // The figure draws what auto chose, with the bin in every bar panel's titles.
        let list = StatsFigure.figure(six, plot: .all, size: size).displayList(measurer: measurer)
        #expect(texts(list, "title") == ["Alerts per month", "Cumulative alerts since 2019-01-02", "Classes per month (top 6 + other)"])
        #expect(texts(list, "axis.y.title") == ["alerts per month (thousands)", "total alerts (millions)", "alerts per month (thousands)"])
        #expect(texts(list, "axis.x.title") == ["date (UTC); bars: calendar months"], "one shared axis, which says the bars' bin")
        #expect(rects(list, "bar.raw").count == 72, "six years of months")
        let weekly = StatsFigure.figure(year, plot: .nightly, size: size).displayList(measurer: measurer)
        #expect(texts(weekly, "title") == ["Alerts per week"])
        #expect(texts(weekly, "axis.y.title") == ["alerts per week (thousands)"])
        // 2021-01-02 falls in the week from Monday 2020-12-28: the first bar covers it.
        let first = try #require(StatsFigure.nightly(year, bin: .week).bars[0].bars.first)
        #expect(first.x - first.width / 2 < day("20201228"))
    }

    @Test func stackedPanelsShareTheBinnedTimeAxis() throws {
        let six = try years(2019...2024)
        let figure = StatsFigure.figure(six, plot: .all, size: FigureSize(widthPixels: 1200, heightPixels: 1500))
        let list = figure.displayList(measurer: measurer)
        let frames = rects(list, "axis.frame")
        #expect(frames.count == 3 && Set(frames.map(\.minX)).count == 1 && Set(frames.map(\.maxX)).count == 1)
        let ticks = texts(list, "axis.x.ticklabel")
        #expect(ticks.filter { $0 == "2020" }.count == 1, "labelled once, under the bottom panel: \(ticks)")
        let tickMarks = list.items(role: "axis.x.tick").compactMap { if case let .segments(s, _) = $0.primitive { s.map(\.from.x) } else { nil } }
        #expect(tickMarks.count == 3 && Set(tickMarks.map { Set($0.map { ($0 * 100).rounded() }) }).count == 1, "the same ticks in every panel")
        // Month bars wide enough to see a gap have one: neighbours do not touch.
        let bars = rects(list, "bar.raw").sorted { $0.minX < $1.minX }
        #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.maxX < $1.minX })
    }

    @Test func aJournalColumnGetsTheShortAxisTitle() throws {
        let six = try years(2019...2024)
        let figure = StatsFigure.figure(six, plot: .all, size: FigureSize(widthPixels: 1020, heightPixels: 1950, dpi: 300),
                                        style: StylePreset.paper.style)
        let list = figure.displayList(measurer: measurer)
        let titles = texts(list, "axis.y.title")
        #expect(titles.contains("alerts/month (10³)"), "\(titles)")
        #expect(list.items(role: "axis.y.title").allSatisfy { item in
            guard let t = item.text else { return false }
            let half = measurer.width(of: t.string, style: t.style) / 2
            return t.position.y - half >= 0 && t.position.y + half <= figure.size.height
        }, "no axis title runs off the page")
    }
}
