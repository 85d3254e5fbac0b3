import FinkAPI
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

@Suite struct LightcurveFigureTests {
    let id = "ZTF18aabjigr"
    let measurer = ApproximateTextMeasurer()

    var rows: [Detection] {
        [
            Detection(objectId: id, candid: 1, jd: 2_458_800.5, fid: 1, tag: .valid, magpsf: 18.0, sigmapsf: 0.1),
            Detection(objectId: id, candid: 2, jd: 2_458_801.5, fid: 1, tag: .valid, magpsf: 17.5, sigmapsf: 0.05),
            Detection(objectId: id, candid: 3, jd: 2_458_802.5, fid: 2, tag: .valid, magpsf: 17.8, sigmapsf: 0.08),
            Detection(objectId: id, jd: 2_458_790.5, fid: 1, tag: .upperLimit, diffmaglim: 20.1),
            Detection(objectId: id, jd: 2_458_791.5, fid: 2, tag: .upperLimit, diffmaglim: 19.7),
            Detection(objectId: id, jd: 2_458_795.5, fid: 3, tag: .upperLimit, diffmaglim: 19.2),
            Detection(objectId: id, jd: 2_458_796.5, fid: 2, tag: .badQuality, magpsf: 19.0, sigmapsf: 0.3),
        ]
    }

    func layout(_ rows: [Detection]) throws -> (ChartLayout, [DisplayItem]) {
        let lc = try LightcurveBuilder.build(objectId: id, detections: rows)
        let l = ChartLayout(chart: lc.chart, frame: Rect(x: 0, y: 0, width: 576, height: 288), style: .screen, measurer: measurer)
        return (l, l.items())
    }

    @Test func eachUpperLimitIsAnOpenDownwardTriangleAtItsLimitingMagnitude() throws {
        let (layout, items) = try layout(rows)
        for (band, limit, mjd) in [("g", 20.1, 58_790.0), ("r", 19.7, 58_791.0), ("i", 19.2, 58_795.0)] {
            let item = try #require(items.first { $0.role == "data.\(band).upperlim" }, "no \(band) limits")
            let (points, style) = try #require(item.primitive.markers, "\(band) limits are not markers")
            #expect(style.shape == .triangleDown)
            #expect(style.fill == nil, "upper limits are open symbols")
            #expect(points.count == 1)
            #expect(abs(points[0].y - layout.yScale(limit)) < 1e-9)
            #expect(abs(points[0].x - layout.xScale(mjd)) < 1e-9)
            #expect(!items.contains { $0.role == "errorbar.\(band).upperlim" }, "limits have no error bars")
        }
    }

    @Test func validPointsAreFilledCirclesWithErrorBarsAndBrighterIsHigher() throws {
        let (layout, items) = try layout(rows)
        let item = try #require(items.first { $0.role == "data.g.valid" })
        let (points, style) = try #require(item.primitive.markers, "not markers")
        #expect(style.shape == .circle && style.fill == Color(hex: "#15284F"))
        #expect(points.count == 2)
        // Sorted by time: 18.0 then 17.5; 17.5 is brighter so its y pixel is smaller.
        #expect(points[1].y < points[0].y)
        let bars = try #require(items.first { $0.role == "errorbar.g.valid" }?.primitive.segments, "no g error bars, or not segments").segments
        #expect(bars.count == 2)
        #expect(abs(bars[0].from.y - layout.yScale(17.9)) < 1e-9 && abs(bars[0].to.y - layout.yScale(18.1)) < 1e-9)
    }

    @Test func badQualityPointsAreLighterUpwardTrianglesWithErrorBars() throws {
        let (_, items) = try layout(rows)
        let item = try #require(items.first { $0.role == "data.r.badquality" })
        let style = try #require(item.primitive.markers, "not markers").style
        #expect(style.shape == .triangleUp)
        let fill = try #require(style.fill)
        let r = Color(hex: "#F5622E")
        #expect(fill != r && fill.green > r.green, "drawn lighter than the valid points")
        #expect(items.contains { $0.role == "errorbar.r.badquality" })
    }

    @Test func limitsAreDrawnFirstAndValidPointsLast() throws {
        let (_, items) = try layout(rows)
        let order = items.filter { $0.role.hasPrefix("data.") }.map(\.role)
        #expect(order == ["data.g.upperlim", "data.r.upperlim", "data.i.upperlim", "data.r.badquality",
                          "data.g.valid", "data.r.valid"])
    }

    @Test func legendDefinesEverySymbolShownWithCountsPerBand() throws {
        let (_, items) = try layout(rows)
        let labels = items.filter { $0.role == "legend.label" }.compactMap(\.text).map(\.string)
        // Each band counts what is drawn of it; the bad-quality point has its own entry.
        #expect(labels == ["g: 2 detections, 1 limit", "r: 1 detection, 1 limit", "i: no detections, 1 limit",
                           "upper limit (3)", "bad quality (1)"])

        let onlyValid = rows.filter { $0.tag == .valid && $0.fid == 1 }
        let (_, fewer) = try layout(onlyValid)
        #expect(fewer.filter { $0.role == "legend.label" }.compactMap(\.text).map(\.string) == ["g: 2 detections"])
    }

    @Test func onlyUpperLimitsStillDraw() throws {
        let (layout, items) = try layout(rows.filter { $0.tag == .upperLimit })
        #expect(items.filter { $0.role.hasPrefix("data.") }.count == 3)
        #expect(layout.yTicks.major.count >= 2)
    }

    @Test func rowsWithoutAnythingToDrawAreCountedNotDrawn() throws {
        var extra = rows
        extra.append(Detection(objectId: id, jd: 2_458_803.5, fid: 1, tag: .valid, magpsf: nil))
        extra.append(Detection(objectId: id, jd: 2_458_804.5, fid: 1, tag: .upperLimit, diffmaglim: .nan))
        let lc = try LightcurveBuilder.build(objectId: id, detections: extra)
        #expect(lc.skippedRows == 2)
        #expect(lc.counts["g"]?[.detection] == 2)
    }

    @Test func noPlottableRowIsAClearError() {
        let empty = [Detection(objectId: id, jd: 2_458_803.5, fid: 1, tag: .valid)]
        #expect(throws: FigureError.nothingToPlot(objectId: id, rows: 1)) {
            try LightcurveBuilder.build(objectId: id, detections: empty)
        }
        #expect(throws: FigureError.self) { try LightcurveBuilder.build(objectId: id, detections: []) }
    }

    @Test func axesAreMJDAndInvertedMagnitudeWithTheIdAsTitle() throws {
        let lc = try LightcurveBuilder.build(objectId: id, detections: rows)
        #expect(lc.chart.title == id)
        #expect(lc.chart.xAxis.title == "MJD")
        #expect(lc.chart.yAxis.inverted)
        let (layout, _) = try layout(rows)
        #expect(layout.xScale.domain.contains(58_790.0) && layout.xScale.domain.contains(58_802.0))
    }
}
