import TestSupport
import Testing
@testable import PlotCore

/// Approximate text boxes for layout checks, using the same measurer the layout used.
func box(_ t: TextItem, _ m: some TextMeasurer) -> Rect {
    let w = m.width(of: t.string, style: t.style)
    let h = TextMetrics.lineHeight(t.style.size)
    let baseline = TextMetrics.baseline(for: 0, anchor: t.vertical, size: t.style.size)
    let dx: Double = switch t.horizontal { case .start: 0; case .middle: -w / 2; case .end: -w }
    let top = baseline - TextMetrics.capHeight * t.style.size
    if t.rotation == 90 { // baseline runs upwards: swap axes
        return Rect(x: t.position.x + top, y: t.position.y - dx - w, width: h, height: w)
    }
    return Rect(x: t.position.x + dx, y: t.position.y + top, width: w, height: h)
}

@Suite struct ChartLayoutTests {
    let measurer = ApproximateTextMeasurer()
    let marker = MarkerStyle(shape: .circle, size: 5, fill: .black, stroke: nil)

    func chart(_ points: [DataPoint], inverted: Bool = true, legend: [LegendEntry] = [LegendEntry("g (3)", symbol: .swatch(.black))]) -> Chart {
        Chart(title: "ZTF18aabjigr",
              xAxis: Axis(title: "MJD", minimumSpan: 2),
              yAxis: Axis(title: "Difference magnitude", inverted: inverted, minimumSpan: 1),
              series: [Series(role: "g.valid", points: points, marker: marker, errorBar: Stroke(color: .black, width: 1))],
              legend: legend)
    }

    let points = [DataPoint(x: 58_100, y: 18.5, yError: 0.1), DataPoint(x: 58_300, y: 17.0, yError: 0.05),
                  DataPoint(x: 58_500, y: 19.2, yError: 0.2)]

    @Test func invertedAxisPutsBrighterMagnitudesHigher() throws {
        let figure = Figure(size: Size(576, 288), chart: chart(points))
        let list = figure.displayList(measurer: measurer)
        let centres = try #require(list.items(role: "data.g.valid").first?.primitive.markers, "no markers").points
        #expect(centres.count == 3)
        // Magnitude 17.0 (brightest) has the smallest y pixel, 19.2 the largest.
        #expect(centres[1].y < centres[0].y && centres[0].y < centres[2].y)
        // Time runs left to right.
        #expect(centres[0].x < centres[1].x && centres[1].x < centres[2].x)
    }

    @Test func normalAxisPutsLargerValuesHigher() throws {
        let layout = ChartLayout(chart: chart(points, inverted: false), frame: Rect(x: 0, y: 0, width: 576, height: 288),
                                 style: .screen, measurer: measurer)
        #expect(layout.yScale(19.2) < layout.yScale(17.0))
    }

    @Test func errorBarsAreDrawnBeneathTheirMarkersAndSpanOneSigma() throws {
        let layout = ChartLayout(chart: chart(points), frame: Rect(x: 0, y: 0, width: 576, height: 288),
                                 style: .screen, measurer: measurer)
        let items = layout.items()
        let barIndex = try #require(items.firstIndex { $0.role == "errorbar.g.valid" })
        let markerIndex = try #require(items.firstIndex { $0.role == "data.g.valid" })
        #expect(barIndex < markerIndex)
        let segments = try #require(items[barIndex].primitive.segments, "not segments").segments
        #expect(segments.count == 3)
        let s = segments[0]
        #expect(abs(s.from.y - layout.yScale(18.4)) < 1e-9 && abs(s.to.y - layout.yScale(18.6)) < 1e-9)
    }

    @Test func everyLabelStaysInsideTheFigureAndTheLegendClearsThePlot() throws {
        for size in [Size(576, 288), Size(245, 160), Size(1000, 700)] {
            let layout = ChartLayout(chart: chart(points), frame: Rect(x: 0, y: 0, width: size.width, height: size.height),
                                     style: .screen, measurer: measurer)
            let items = layout.items()
            let page = Rect(x: 0, y: 0, width: size.width, height: size.height)
            for t in items.compactMap(\.text) {
                let b = box(t, measurer)
                #expect(b.minX >= page.minX - 0.5 && b.maxX <= page.maxX + 0.5 && b.minY >= -0.5 && b.maxY <= page.maxY + 0.5,
                        "\(t.string) at \(b) leaves \(page)")
            }
            let legend = try #require(items.first { $0.role == "legend.frame" })
            let r = try #require(legend.primitive.rect, "the legend frame is not a rectangle").rect
            #expect(r.minX > layout.plotRect.maxX)
            #expect(r.maxX <= page.maxX)
            // Tick labels on the x axis do not overlap each other.
            let xLabels = items.filter { $0.role == "axis.x.ticklabel" }.compactMap(\.text).map { box($0, measurer) }
            for (a, b) in zip(xLabels, xLabels.dropFirst()) { #expect(a.maxX < b.minX) }
        }
    }

    @Test func aSinglePointStillGetsReadableAxes() {
        let layout = ChartLayout(chart: chart([DataPoint(x: 58_000.5, y: 18)]),
                                 frame: Rect(x: 0, y: 0, width: 576, height: 288), style: .screen, measurer: measurer)
        #expect(layout.xScale.domain.upperBound - layout.xScale.domain.lowerBound >= 2)
        #expect(layout.yScale.domain.upperBound - layout.yScale.domain.lowerBound >= 1)
        #expect(layout.xTicks.major.count >= 2 && layout.yTicks.major.count >= 2)
        #expect(layout.xScale.domain.contains(58_000.5) && layout.yScale.domain.contains(18))
    }

    @Test func dataSitsInsideTheClippedPlotArea() {
        let layout = ChartLayout(chart: chart(points), frame: Rect(x: 0, y: 0, width: 576, height: 288),
                                 style: .screen, measurer: measurer)
        let items = layout.items()
        let push = items.firstIndex { if case .pushClip = $0.primitive { true } else { false } }!
        let pop = items.firstIndex { if case .popClip = $0.primitive { true } else { false } }!
        let dataIndex = items.firstIndex { $0.role == "data.g.valid" }!
        #expect(push < dataIndex && dataIndex < pop)
        for p in points { #expect(layout.plotRect.contains(Point(layout.xScale(p.x), layout.yScale(p.y)))) }
    }
}
