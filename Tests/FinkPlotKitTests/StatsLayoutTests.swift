import FinkAPI
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// How `stats` and `anomaly` pages are laid out (issue #13): a stack shares one labelled time
/// axis, its plots are equally tall, units read alike, month labels name the bar above them,
/// slides stay 16:9, and titles stay on the page.
@Suite struct StatsLayoutTests {
    let measurer = ApproximateTextMeasurer()

    static let nights = Result {
        try NightStatistics.decode(try Data(contentsOf: fixturesDirectory().appendingPathComponent("statistics_2021.json")), source: "fixture")
    }

    func rects(_ list: DisplayList, _ role: String) -> [Rect] {
        list.items(role: role).compactMap { if case let .rect(r, _, _) = $0.primitive { r } else { nil } }
    }
    func texts(_ list: DisplayList, _ role: String) -> [TextItem] { list.items(role: role).compactMap(\.text) }

    func page(_ preset: StylePreset, plot: StatsPlot = .all) -> FigureSize {
        var size = preset.size()
        size.heightPixels = StatsFigure.pageHeightPixels(plot: plot, size: size, preset: preset)
        return size
    }

    @Test func aStackLabelsItsSharedTimeAxisOnceUnderTheBottomPanel() throws {
        for preset in [StylePreset.screen, .paper, .paperWide] {
            let figure = StatsFigure.figure(try Self.nights.get(), plot: .all, size: page(preset), style: preset.style,
                                            bin: .week, arrangement: .init(preset))
            let list = figure.displayList(measurer: measurer)
            let frames = rects(list, "axis.frame")
            #expect(frames.count == 3)
            let titles = texts(list, "axis.x.title")
            #expect(titles.count == 1, "\(preset): one x title, not one per panel")
            #expect(titles.first.map { $0.position.y > frames[2].maxY } == true, "under the bottom panel")
            #expect(titles.first?.string == "date (UTC); bars: weeks from Monday", "it says how the bars are binned")
            let labels = texts(list, "axis.x.ticklabel")
            #expect(!labels.isEmpty && labels.allSatisfy { $0.position.y > frames[2].maxY }, "\(preset): tick labels under the bottom panel only")
            // Every panel keeps its ticks, so the upper panels still read against the shared axis.
            #expect(list.items(role: "axis.x.tick").count == 3)
        }
    }

    @Test func stackedPlotsAreEquallyTallWhateverTheirLegends() throws {
        for preset in [StylePreset.screen, .paper] {
            let figure = StatsFigure.figure(try Self.nights.get(), plot: .all, size: page(preset), style: preset.style,
                                            arrangement: .init(preset))
            let frames = rects(figure.displayList(measurer: measurer), "axis.frame")
            let heights = frames.map(\.height)
            #expect((heights.max() ?? 0) - (heights.min() ?? 0) < 0.5, "\(preset): plot heights \(heights)")
            #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.maxY < $1.minY }, "panels do not overlap")
            #expect(frames.last.map { $0.maxY < figure.size.height } == true)
        }
    }

    @Test func aPageNeverMixesUnitWordsWithPowersOfTen() throws {
        for preset in StylePreset.allCases {
            let figure = StatsFigure.figure(try Self.nights.get(), plot: .all, size: page(preset), style: preset.style,
                                            arrangement: .init(preset))
            let titles = texts(figure.displayList(measurer: measurer), "axis.y.title").map(\.string)
            let words = titles.filter { $0.contains("thousands") || $0.contains("millions") }
            let powers = titles.filter { $0.contains("10³") || $0.contains("10⁶") }
            #expect(words.isEmpty || powers.isEmpty, "\(preset): \(titles)")
        }
    }

    @Test func aPaperStackFitsAJournalColumn() {
        let size = page(.paper)
        #expect(size.widthPixels == 1020)
        let inches = Double(size.heightPixels) / size.dpi
        #expect(inches > 4.5 && inches < 6, "3.4 in wide, \(inches) in tall")
        #expect(page(.paper, plot: .nightly).heightPixels == 780, "one panel keeps the preset's page")
    }

    @Test func slidesAre16by9WithPanelsInALevelRow() throws {
        for preset in [StylePreset.talk, .dark] {
            let size = page(preset)
            #expect(size.widthPixels == 1920 && size.heightPixels == 1080)
            let figure = StatsFigure.figure(try Self.nights.get(), plot: .all, size: size, style: preset.style,
                                            arrangement: .init(preset))
            let list = figure.displayList(measurer: measurer)
            let frames = rects(list, "axis.frame")
            #expect(frames.count == 3)
            #expect(Set(frames.map { ($0.minY * 100).rounded() }).count == 1 && Set(frames.map { ($0.maxY * 100).rounded() }).count == 1,
                    "\(preset): plots level: \(frames)")
            #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.maxX < $1.minX }, "side by side")
            // Panel titles too wide for a third of the slide go on two lines, never cut, and the
            // three keep one size, the style's (they were set smaller, each its own size).
            #expect(Set(texts(list, "title").map(\.style.size)) == [preset.style.titleSize])
            #expect(texts(list, "title").count > 3, "a long title on two lines")
            for title in texts(list, "title") {
                let width = measurer.width(of: title.string, style: title.style)
                #expect(title.position.x - width / 2 >= 0 && title.position.x + width / 2 <= figure.size.width, "\(title.string)")
            }
            // Neighbours on one line keep apart (a title's second line sits under its first).
            let titles = texts(list, "title").sorted { ($0.position.y, $0.position.x) < ($1.position.y, $1.position.x) }
            for (a, b) in zip(titles, titles.dropFirst()) where abs(a.position.y - b.position.y) < 0.5 {
                let wa = measurer.width(of: a.string, style: a.style), wb = measurer.width(of: b.string, style: b.style)
                #expect(a.position.x + wa / 2 <= b.position.x - wb / 2, "'\(a.string)' runs into '\(b.string)'")
            }
            // Two 6-month intervals, not two bare years, under a year on a third of a slide.
            let labels = texts(list, "axis.x.ticklabel").map(\.string)
            #expect(labels.contains("2021-07"), "\(labels)")
        }
    }

    @Test func monthLabelsSitUnderTheMiddleOfTheirMonthsBar() throws {
        let figure = StatsFigure.figure(try Self.nights.get(), plot: .nightly, size: StylePreset.screen.size(), bin: .month)
        let list = figure.displayList(measurer: measurer)
        let bars = rects(list, "bar.raw")
        #expect(bars.count == 12)
        let labels = texts(list, "axis.x.ticklabel")
        #expect(!labels.isEmpty)
        for label in labels {
            let month = try #require(Int(label.string.suffix(2)))
            let bar = bars[month - 1]
            #expect(abs(label.position.x - bar.midX) < 1, "\(label.string) at \(label.position.x), its bar at \(bar.midX)")
        }
        #expect(!labels.contains { $0.string == "2022-01" }, "no label for a month the axis does not hold")
    }

    @Test func anomalyPagesFitTheirRowsAndSlidesStay16by9() throws {
        let alerts = try AnomalyAlert.decode(try Data(contentsOf: fixturesDirectory().appendingPathComponent("anomaly.json")), source: "fixture").alerts
        for preset in [StylePreset.screen, .paper, .paperWide] {
            var size = preset.size()
            size.heightPixels = AnomalyFigure.pageHeightPixels(alerts, size: size, preset: preset)
            let list = AnomalyFigure.figure(alerts, size: size, style: preset.style).displayList(measurer: measurer)
            let title = try #require(texts(list, "axis.x.title").first)
            // The value axis's title is the lowest text: little page is left under it.
            let below = size.points.height - (title.position.y + TextMetrics.lineHeight(title.style.size))
            #expect(below > 0 && below < 2 * preset.style.fontSize, "\(preset): \(below) pt empty under the chart")
            let width = measurer.width(of: title.string, style: title.style)
            #expect(title.position.x + width / 2 <= size.points.width && title.position.x - width / 2 >= 0, "\(preset): x title on the page")
        }
        for preset in [StylePreset.talk, .dark] {
            let size = preset.size()
            #expect(AnomalyFigure.pageHeightPixels(alerts, size: size, preset: preset) == 1080)
            let list = AnomalyFigure.figure(alerts, size: size, style: preset.style).displayList(measurer: measurer)
            let bar = try #require(rects(list, "bar.fail").first)
            #expect(abs(bar.midY - size.points.height / 2) < size.points.height / 4, "rows centred on the slide, not a strip at the top")
        }
    }

    @Test func anAxisTitleWiderThanItsPlotStaysOnThePage() throws {
        // A long date range under bars pushed right by a wide label column (`paper`).
        let chart = HorizontalBarChart(title: "t", groups: [.init(role: "class", color: .black, bars: [
            .init(label: "A very long SIMBAD class name", value: 3, valueLabel: "3"),
        ])], valueAxis: Axis(title: "alerts, 2026-03-01 to 2026-03-22 (UTC) in a long title"))
        let style = StylePreset.paper.style
        let frame = Rect(x: 0, y: 0, width: 245, height: 120)
        let items = HorizontalBarLayout(chart: chart, frame: frame, style: style, measurer: measurer).items()
        let title = try #require(items.first { $0.role == "axis.x.title" }?.text)
        let width = measurer.width(of: title.string, style: title.style)
        #expect(title.position.x + width / 2 <= frame.maxX + 0.01 && title.position.x - width / 2 >= -0.01, "\(title.position.x) ± \(width / 2)")
    }
}
