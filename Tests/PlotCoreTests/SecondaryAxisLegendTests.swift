import Testing
@testable import PlotCore

@Suite struct SecondaryAxisLegendTests {
    let measurer = ApproximateTextMeasurer()
    let marker = MarkerStyle(shape: .circle, size: 5, fill: .black, stroke: nil)
    let points = [DataPoint(x: 58_100, y: 18.5), DataPoint(x: 58_300, y: 17.0), DataPoint(x: 58_500, y: 19.2)]

    func chart(legend: [LegendEntry] = [], secondary: SecondaryAxis? = nil) -> Chart {
        var c = Chart(title: "T", xAxis: Axis(title: "MJD"), yAxis: Axis(title: "mag", inverted: true),
                      series: [Series(role: "g.valid", points: points, marker: marker)], legend: legend)
        c.secondaryX = secondary
        return c
    }

    @Test func secondaryTicksAreChosenInTheirUnitsAndPlacedThroughThePrimaryScale() throws {
        // Top axis: days since MJD 58100, i.e. primary − 58100.
        let axis = SecondaryAxis(title: "Days", offset: -58_100)
        let layout = ChartLayout(chart: chart(secondary: axis), frame: Rect(x: 0, y: 0, width: 600, height: 300),
                                 style: .screen, measurer: measurer)
        let ticks = try #require(layout.secondaryTicks)
        #expect(ticks.major.contains(0) && ticks.major.contains(200), "round numbers in days, not in MJD")
        let items = layout.items()
        let labels = items.filter { $0.role == "axis.x2.ticklabel" }.compactMap(\.text)
        let label200 = try #require(labels.first { $0.string == "200" })
        #expect(abs(label200.position.x - layout.xScale(58_300)) < 1e-9)
        #expect(labels.allSatisfy { $0.position.y < layout.plotRect.minY })
        // The title sits above the secondary labels, the chart title above both.
        let title = try #require(items.first { $0.role == "title" }?.text)
        let x2title = try #require(items.first { $0.role == "axis.x2.title" }?.text)
        #expect(title.position.y < x2title.position.y && x2title.position.y < label200.position.y)
    }

    @Test func wholeNumberStepsSkipTheStepOfTwoAndAHalf() {
        let plain = Ticks.linear(lower: 58_760, upper: 58_776, maxCount: 7)
        #expect(plain.step == 2.5 && plain.labels.contains("58762.5"))
        let whole = Ticks.linear(lower: 58_760, upper: 58_776, maxCount: 7, wholeNumberSteps: true)
        #expect(whole.step == 5 && whole.labels == ["58760", "58765", "58770", "58775"])
        // Steps below one are left alone (a magnitude axis may step by 0.25).
        #expect(Ticks.linear(lower: 17, upper: 18.6, maxCount: 7, wholeNumberSteps: true).step == 0.25)
    }

    @Test func theYAxisHonoursWholeNumberSteps() {
        func steps(whole: Bool) -> [Double] {
            var c = chart()
            c.yAxis = Axis(title: "alerts", limits: 0...20)
            c.yAxis.wholeNumberSteps = whole
            return stride(from: 150.0, through: 400, by: 10).map { height in
                ChartLayout(chart: c, frame: Rect(x: 0, y: 0, width: 400, height: height), style: .screen,
                            measurer: measurer).yTicks.step
            }
        }
        #expect(steps(whole: false).contains(2.5), "some height asks for a step of 2.5")
        #expect(!steps(whole: true).contains(2.5))
    }

    @Test func aScaledSecondaryAxisMapsBothWays() {
        let axis = SecondaryAxis(title: "years", offset: 2000, scale: 1 / 365.25)
        #expect(abs(axis.primary(value: axis.value(primary: 58_000)) - 58_000) < 1e-9)
        let t = axis.ticks(domain: 0...3652.5, maxCount: 5)
        #expect(t.major.first == 2000 && t.major.last == 2010)
    }

    @Test func aTopLegendWrapsIntoRowsAboveThePlot() throws {
        var style = Style.screen
        style.legendPlacement = .top
        let legend = (1...8).map { LegendEntry("entry number \($0)", symbol: .swatch(.black)) }
        let frame = Rect(x: 0, y: 0, width: 250, height: 200)
        let layout = ChartLayout(chart: chart(legend: legend), frame: frame, style: style, measurer: measurer)
        let items = layout.items()
        let labels = items.filter { $0.role == "legend.label" }.compactMap(\.text)
        #expect(labels.count == 8)
        #expect(Set(labels.map(\.position.y)).count >= 3, "eight entries do not fit one 250 pt row")
        for label in labels {
            let w = measurer.width(of: label.string, style: label.style)
            #expect(label.position.x >= 0 && label.position.x + w <= frame.maxX + 1e-9)
            #expect(label.position.y + TextMetrics.lineHeight(label.style.size) < layout.plotRect.minY)
        }
        #expect(items.filter { $0.role == "legend.frame" }.isEmpty)
        // With the legend on top, the plot takes the whole width (no legend column); on a frame this
        // narrow a legend asked for on the right moves above the plot too, rather than squeeze it.
        let right = ChartLayout(chart: chart(legend: legend), frame: frame, style: .screen, measurer: measurer)
        #expect(right.legendPlacement == .top)
        let wide = ChartLayout(chart: chart(legend: legend), frame: Rect(x: 0, y: 0, width: 900, height: frame.height),
                               style: .screen, measurer: measurer)
        #expect(wide.legendPlacement == .right)
        #expect(wide.plotRect.width < 900 - 2 * 0.9 * Style.screen.fontSize - 100, "a right-hand legend takes a column")
    }
}
