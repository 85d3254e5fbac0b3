import Testing
@testable import PlotCore

/// Horizontal bar charts (class counts) and bars/lines inside x–y charts (counts per night).
@Suite struct BarChartTests {
    let measurer = ApproximateTextMeasurer()
    let page = Rect(x: 0, y: 0, width: 576, height: 288)

    func rects(_ list: DisplayList, _ role: String) -> [Rect] {
        list.items(role: role).compactMap { if case let .rect(r, _, _) = $0.primitive { r } else { nil } }
    }

    func horizontal(_ groups: [HorizontalBarChart.Group], size: Size = Size(576, 288)) -> DisplayList {
        let chart = HorizontalBarChart(title: "SIMBAD classes of 1234 anomalous alerts", groups: groups, valueAxis: Axis(title: "alerts"))
        return Figure(size: size, panels: [Panel(frame: Rect(x: 0, y: 0, width: size.width, height: size.height),
                                                 content: .horizontalBars(chart))]).displayList(measurer: measurer)
    }

    let classes = HorizontalBarChart.Group(role: "class", color: .black, bars: [
        .init(label: "Unknown", value: 120, valueLabel: "120"),
        .init(label: "EB*", value: 30, valueLabel: "30"),
        .init(label: "A very long SIMBAD class label that cannot fit in the column at all", value: 4, valueLabel: "4"),
    ])
    let failures = HorizontalBarChart.Group(role: "fail", title: "cross-match failed", color: .white, bars: [
        .init(label: "Fail 504", value: 7, valueLabel: "7"),
    ])

    @Test func barsInGivenOrderLengthsProportionalFailuresBelowAGap() throws {
        let list = horizontal([classes, failures])
        let bars = rects(list, "bar.class")
        #expect(bars.count == 3)
        #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.minY < $1.minY }, "top to bottom in the order given")
        #expect(Set(bars.map(\.minX)).count == 1, "all start at zero")
        #expect(abs(bars[1].width / bars[0].width - 30.0 / 120) < 1e-9)
        let fail = try #require(rects(list, "bar.fail").first)
        let heading = try #require(list.items(role: "group.title").first?.text)
        #expect(heading.string == "cross-match failed")
        #expect(heading.position.y > bars[2].maxY && fail.minY > heading.position.y, "heading between the groups")
        let pitch = bars[1].minY - bars[0].minY
        #expect(fail.minY - bars[2].minY > 2 * pitch, "a gap and a heading row apart, not just the next row")
        #expect(abs(fail.width / bars[0].width - 7.0 / 120) < 1e-9, "same scale as the classes")
    }

    @Test func labelsAndValuesStayOnThePage() throws {
        for size in [Size(576, 288), Size(300, 160), Size(160, 160)] {
            let list = horizontal([classes, failures], size: size)
            let page = Rect(x: 0, y: 0, width: size.width, height: size.height)
            let texts = list.items.compactMap(\.text)
            #expect(texts.count >= 8)
            for t in texts {
                let b = box(t, measurer)
                #expect(page.contains(Point(b.minX, b.minY), tolerance: 0.5) && page.contains(Point(b.maxX, b.maxY), tolerance: 0.5),
                        "\(t.string) leaves the \(size.width)×\(size.height) page: \(b)")
            }
            // The title may shrink to fit, never leave the page (checked above with its own size).
            #expect(list.items(role: "title").first?.text?.style.size ?? 0 > 4)
            let labels = list.items(role: "bar.label").compactMap(\.text)
            #expect(labels.contains { $0.string.hasSuffix("…") }, "the long label is shortened")
            // Each value label sits right after its bar, inside the frame.
            let values = list.items(role: "bar.value").compactMap(\.text)
            let bars = rects(list, "bar.class") + rects(list, "bar.fail")
            #expect(values.count == 4)
            for (value, bar) in zip(values, bars) {
                #expect(value.position.x > bar.maxX && value.position.x < bar.maxX + 10)
                #expect(abs(value.position.y - bar.midY) < 1e-9)
            }
        }
    }

    @Test(arguments: [1.0, 2, 3, 4, 7]) func wholeStepsForSmallCounts(largest: Double) throws {
        for width in [576.0, 400, 300] {
            let list = horizontal([.init(role: "class", color: .black, bars: [.init(label: "Unknown", value: largest, valueLabel: "n")])],
                                  size: Size(width, 200))
            let values = list.items(role: "axis.x.ticklabel").compactMap { $0.text.flatMap { Double($0.string) } }
            #expect(values.allSatisfy { $0 == $0.rounded() }, "whole alerts only: \(values)")
            if largest <= 3 {
                // Up to three, every count gets its tick (a step of 2 over 0…3.1 once left 3 unmarked).
                #expect(values == Array(stride(from: 0, through: largest, by: 1)), "\(values) at \(width) pt")
            }
        }
    }

    @Test func integerAxisForSmallCounts() throws {
        let list = horizontal([.init(role: "class", color: .black, bars: [.init(label: "Unknown", value: 2, valueLabel: "2")])])
        let labels = list.items(role: "axis.x.ticklabel").compactMap(\.text?.string)
        #expect(labels.first == "0" && labels.contains("2"))
        #expect(labels.allSatisfy { !$0.contains(".") }, "no tick between two whole alerts: \(labels)")
        // A single bar stays slim: rows are capped, not stretched over the page.
        let bar = try #require(rects(list, "bar.class").first)
        #expect(bar.height < 3 * 9)
    }

    // MARK: Bars and lines in x–y charts

    func dayChart(bars: [BarSeries], lines: [LineSeries] = []) -> Chart {
        Chart(xAxis: Axis(title: "night", minimumSpan: 7, labeling: .calendar(unixEpochAt: 0)),
              yAxis: Axis(title: "alerts per night (thousands)"), series: [], bars: bars, lines: lines)
    }

    @Test func stackedBarsStandOnZeroAndStack() throws {
        let lower = BarSeries(role: "class.Unknown", bars: [.init(x: 18_700, width: 0.8, top: 50), .init(x: 18_702, width: 0.8, top: 20)], fill: .black)
        let upper = BarSeries(role: "class.other", bars: [.init(x: 18_700, width: 0.8, base: 50, top: 80)], fill: .white)
        let layout = ChartLayout(chart: dayChart(bars: [lower, upper]), frame: page, style: .screen, measurer: measurer)
        #expect(layout.yScale.domain.lowerBound == 0, "bars start at the axis, not below it")
        let list = Figure(size: Size(576, 288), chart: dayChart(bars: [lower, upper])).displayList(measurer: measurer)
        let unknown = rects(list, "bar.class.Unknown"), other = rects(list, "bar.class.other")
        #expect(unknown.count == 2 && other.count == 1)
        #expect(abs(unknown[0].maxY - layout.plotRect.maxY) < 1e-9)
        #expect(abs(other[0].maxY - unknown[0].minY) < 1e-9, "the upper layer starts where the lower ends")
        #expect(abs(unknown[0].midX - layout.xScale(18_700)) < 1e-9, "centred on its night")
        // Bars come before (under) anything else in the plot.
        let roles = list.items.map(\.role)
        #expect(roles.firstIndex(of: "bar.class.other")! > roles.firstIndex(of: "bar.class.Unknown")!)
        #expect(roles.firstIndex(of: "bar.class.Unknown")! > roles.firstIndex(of: "plot.clip")!)
        let labels = list.items(role: "axis.x.ticklabel").compactMap(\.text?.string)
        #expect(labels.allSatisfy { $0.hasPrefix("2021-") }, "calendar dates on the night axis: \(labels)")
    }

    @Test func missingValuesBreakLines() throws {
        let line = LineSeries(role: "raw", points: [
            DataPoint(x: 1, y: 1), DataPoint(x: 2, y: 2), DataPoint(x: 3, y: .nan), DataPoint(x: 4, y: 4), DataPoint(x: 5, y: 5),
        ], stroke: Stroke(color: .black, width: 1), steps: true)
        let list = Figure(size: Size(576, 288), chart: dayChart(bars: [], lines: [line])).displayList(measurer: measurer)
        let polylines = list.items(role: "line.raw").compactMap { if case let .polyline(p, _) = $0.primitive { p } else { nil } }
        #expect(polylines.count == 2)
        #expect(polylines.map(\.count) == [3, 3], "two points plus the step corner each")
        #expect(polylines[0][1].y == polylines[0][0].y, "steps go across first, then up")
    }

    @Test func stackedPanelsShareTheirPlotEdges() throws {
        let small = BarSeries(role: "a", bars: [.init(x: 18_700, width: 0.8, top: 5)], fill: .black)
        let large = BarSeries(role: "b", bars: [.init(x: 18_700, width: 0.8, top: 123_456)], fill: .black)
        var a = dayChart(bars: [small]), b = dayChart(bars: [large])
        b.legend = [LegendEntry("a rather long legend label", symbol: .swatch(.black))]
        a.legend = [LegendEntry("short", symbol: .swatch(.black))]
        var figure = Figure(size: Size(576, 576), panels: [
            Panel(frame: Rect(x: 0, y: 0, width: 576, height: 288), content: .chart(a)),
            Panel(frame: Rect(x: 0, y: 288, width: 576, height: 288), content: .chart(b)),
        ])
        func frames() -> [Rect] { rects(figure.displayList(measurer: measurer), "axis.frame") }
        let loose = frames()
        #expect(loose[0].minX != loose[1].minX && loose[0].maxX != loose[1].maxX, "the test needs panels that differ")
        figure.alignsPlotAreas = true
        let aligned = frames()
        #expect(aligned[0].minX == aligned[1].minX && aligned[0].maxX == aligned[1].maxX)
        #expect(aligned[0].minX == max(loose[0].minX, loose[1].minX) && aligned[0].maxX == min(loose[0].maxX, loose[1].maxX))
    }
}
