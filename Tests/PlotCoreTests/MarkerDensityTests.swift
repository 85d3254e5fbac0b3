import Testing
@testable import PlotCore

@Suite struct MarkerDensityTests {
    /// Plot area of a one-chart figure with a title and a legend, as a lightcurve has.
    func plotArea(page: Size, style: Style) -> Double {
        let chart = Chart(title: "ZTF18aabjigr", xAxis: Axis(title: "MJD"), yAxis: Axis(title: "Magnitude", inverted: true),
                          series: [], legend: [LegendEntry("g (120)", symbol: .swatch(.black)),
                                               LegendEntry("r (130)", symbol: .swatch(.black))])
        let r = ChartLayout(chart: chart, frame: Rect(x: 0, y: 0, width: page.width, height: page.height),
                            style: style, measurer: ApproximateTextMeasurer()).plotRect
        return r.width * r.height
    }

    var paper: Style {
        var s = Style(fontSize: 8, labelSize: 9, titleSize: 9, lineWidth: 0.6, markerSize: 3.6, gridColor: nil)
        s.legendPlacement = .top
        return s
    }

    @Test func aNormalLightcurveKeepsItsBaseSizes() {
        // screen: 8×4 in; paper: a 3.4×2.6 in column (the presets' pages).
        for (page, style) in [(Size(576, 288), Style.screen), (Size(244.8, 187.2), paper)] {
            let area = plotArea(page: page, style: style)
            for n in [1, 50, 150] {
                let s = MarkerDensity.scaled(markerSize: style.markerSize, errorBarWidth: 0.8, pointCount: n, plotArea: area)
                #expect(s == .init(markerSize: style.markerSize, errorBarWidth: 0.8, factor: 1), "\(n) points on \(page)")
            }
        }
    }

    @Test func sizesShrinkMonotonicallyWithCountAndGrowWithArea() {
        var last = MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 1, plotArea: 100_000)
        for n in stride(from: 100, through: 100_000, by: 100) {
            let s = MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: n, plotArea: 100_000)
            #expect(s.markerSize <= last.markerSize && s.errorBarWidth <= last.errorBarWidth && s.factor <= last.factor)
            last = s
        }
        let small = MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 3000, plotArea: 50_000)
        let large = MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 3000, plotArea: 200_000)
        #expect(large.markerSize > small.markerSize)
    }

    @Test func beyondTheThresholdSizeFollowsOneOverRootDensity() {
        // 5 pt markers on 100 000 pt²: the 10% coverage threshold is at 400 points.
        let at1600 = MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 1600, plotArea: 100_000)
        #expect(abs(at1600.factor - 0.5) < 1e-12)
        #expect(abs(at1600.markerSize - 2.5) < 1e-12 && abs(at1600.errorBarWidth - 0.5) < 1e-12)
        #expect(MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 400, plotArea: 100_000).factor == 1)
        #expect(MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 401, plotArea: 100_000).factor < 1)
    }

    @Test func floorsKeepPointsAndBarsVisible() {
        let s = MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 1_000_000, plotArea: 10_000)
        #expect(s.markerSize == 5 * MarkerDensity.minimumMarkerFraction)
        #expect(s.errorBarWidth == MarkerDensity.minimumErrorBarWidth)
        #expect(s.factor < MarkerDensity.minimumMarkerFraction, "the raw factor is reported before the floors")
        // A hairline thinner than the floor is never thickened.
        #expect(MarkerDensity.scaled(markerSize: 5, errorBarWidth: 0.2, pointCount: 1_000_000, plotArea: 10_000).errorBarWidth == 0.2)
    }

    @Test func degenerateInputKeepsTheBase() {
        let base = MarkerDensity.Scaled(markerSize: 5, errorBarWidth: 1, factor: 1)
        #expect(MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 0, plotArea: 100) == base)
        #expect(MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 10_000, plotArea: 0) == base)
        #expect(MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 10_000, plotArea: .infinity) == base)
        #expect(MarkerDensity.scaled(markerSize: 5, errorBarWidth: 1, pointCount: 10_000, plotArea: .nan) == base)
    }
}
