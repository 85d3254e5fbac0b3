import CairoRender
import FinkAPI
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// Issue #13's lightcurve encodings, through the display list: negative alerts, flux limits,
/// limits in band shapes, legend markers and counts, bad quality on dark pages.
@Suite struct LegendAndLimitsTests {
    let id = "ZTF18aabjigr"
    let measurer = ApproximateTextMeasurer()
    let frame = Rect(x: 0, y: 0, width: 576, height: 288)

    /// g: one positive and one negative detection, two limits; r: one detection, one bad-quality
    /// point; i: limits only.
    var rows: [Detection] {
        [
            Detection(objectId: id, candid: 11, jd: 2_458_800.5, fid: 1, tag: .valid, magpsf: 18.0, sigmapsf: 0.1, isdiffpos: true),
            Detection(objectId: id, candid: 12, jd: 2_458_801.5, fid: 1, tag: .valid, magpsf: 17.5, sigmapsf: 0.05, isdiffpos: false),
            Detection(objectId: id, candid: 13, jd: 2_458_802.5, fid: 2, tag: .valid, magpsf: 17.8, sigmapsf: 0.08, isdiffpos: true),
            Detection(objectId: id, jd: 2_458_790.5, fid: 1, tag: .upperLimit, diffmaglim: 20.1),
            Detection(objectId: id, jd: 2_458_792.5, fid: 1, tag: .upperLimit, diffmaglim: 19.9),
            Detection(objectId: id, jd: 2_458_796.5, fid: 2, tag: .badQuality, magpsf: 19.0, sigmapsf: 0.3, isdiffpos: true),
            Detection(objectId: id, jd: 2_458_791.5, fid: 3, tag: .upperLimit, diffmaglim: 20.4),
            Detection(objectId: id, jd: 2_458_793.5, fid: 3, tag: .upperLimit, diffmaglim: 20.2),
        ]
    }

    func laidOut(_ options: LightcurveOptions, style: Style = .screen) throws -> (Lightcurve, ChartLayout, [DisplayItem]) {
        let lc = try LightcurveBuilder.build(objectId: id, detections: rows, style: style, options: options)
        let layout = ChartLayout(chart: lc.chart, frame: frame, style: style, measurer: measurer)
        return (lc, layout, layout.items())
    }

    func labels(_ items: [DisplayItem]) -> [String] {
        items.filter { $0.role == "legend.label" }.compactMap { if case let .text(t) = $0.primitive { t.string } else { nil } }
    }

    @Test func negativeAlertsAreOpenInDifferenceMagnitudeAndSaySo() throws {
        let (lc, _, items) = try laidOut(LightcurveOptions(y: .differenceMagnitude))
        let positive = try #require(items.first { $0.role == "data.g.valid" }.flatMap(markerPoints))
        let negative = try #require(items.first { $0.role == "data.g.negative" }.flatMap(markerPoints))
        #expect(positive.points.count == 1 && negative.points.count == 1)
        // Filled with the band's colour vs. filled with the page: a fading alert no longer reads as a brightening.
        #expect(positive.style.fill == lc.chart.series.first { $0.role == "g.valid" }?.marker.fill)
        #expect(negative.style.fill == Style.screen.background)
        #expect(negative.style.stroke?.color == positive.style.fill)
        #expect(labels(items).contains("fainter than reference (1)"))
        // The table names the point as drawn.
        let csv = LightcurveTable.csv(lc, objectId: id)
        #expect(csv.contains(",g,negative,12,"))
        #expect(csv.contains(",g,valid,11,"))
    }

    @Test func fluxAndDCMagnitudeKeepOneDetectionMarker() throws {
        // Flux shows the sign on the axis; no "negative" series, no legend entry.
        for y in [YQuantity.differenceFlux] {
            let (_, _, items) = try laidOut(LightcurveOptions(y: y))
            #expect(!items.contains { $0.role == "data.g.negative" })
            #expect(!labels(items).contains { $0.hasPrefix("fainter than reference") })
            let g = try #require(items.first { $0.role == "data.g.valid" }.flatMap(markerPoints))
            #expect(g.points.count == 2)
        }
    }

    @Test func fluxLimitsAreCappedBarsFromMinusToPlusFiveSigma() throws {
        let (lc, layout, items) = try laidOut(LightcurveOptions(y: .differenceFlux))
        let limits = try #require(lc.chart.series.first { $0.role == "g.upperlim" })
        let bars = try #require(items.first { $0.role == "errorbar.g.upperlim" })
        guard case let .segments(segments, _) = bars.primitive else { Issue.record("not segments"); return }
        // Per limit: the bar and two caps.
        #expect(segments.count == 3 * limits.points.count)
        for p in limits.points {
            let x = layout.xScale(p.x)
            let vertical = segments.first { (s: Segment) -> Bool in abs(s.from.x - x) < 1e-9 && abs(s.to.x - x) < 1e-9 }
            let bar = try #require(vertical)
            let ends: [Double] = [bar.from.y, bar.to.y].sorted()
            #expect(abs(ends[0] - layout.yScale(abs(p.y))) < 1e-9)
            #expect(abs(ends[1] - layout.yScale(-abs(p.y))) < 1e-9)
        }
        // No ▽ marker a reader could take for "below +F": the point itself is not drawn.
        let markers = try #require(items.first { $0.role == "data.g.upperlim" }.flatMap(markerPoints))
        #expect(markers.style.size == 0 && markers.style.fill == nil && markers.style.stroke == nil)
        #expect(labels(items).contains("|flux| below 5σ (4)"))
    }

    @Test func limitsTakeTheBandShapeWithAnArrowWhenBandsHaveShapes() throws {
        var options = LightcurveOptions(y: .differenceMagnitude)
        options.palette = .colorblind
        let (lc, _, items) = try laidOut(options)
        let g = try #require(lc.chart.series.first { $0.role == "g.valid" })
        let gLimits = try #require(lc.chart.series.first { $0.role == "g.upperlim" })
        let iLimits = try #require(lc.chart.series.first { $0.role == "i.upperlim" })
        #expect(gLimits.marker.shape == g.marker.shape)
        #expect(gLimits.marker.shape != iLimits.marker.shape)
        #expect(gLimits.marker.fill == nil && gLimits.downArrow > 0)
        // Each limit has an arrow of three strokes pointing down the page.
        guard case let .segments(segments, _) = try #require(items.first { $0.role == "errorbar.g.upperlim" }).primitive else {
            Issue.record("no arrows"); return
        }
        #expect(segments.count == 3 * gLimits.points.count)
        #expect(segments.allSatisfy { $0.to.y >= $0.from.y })
        // The default palette keeps ▽.
        let (plain, _, _) = try laidOut(LightcurveOptions(y: .differenceMagnitude))
        #expect(plain.chart.series.first { $0.role == "g.upperlim" }?.marker.shape == .triangleDown)
    }

    @Test func limitArrowsStayInsideThePlot() throws {
        var options = LightcurveOptions(y: .differenceMagnitude)
        options.palette = .colorblind
        let (_, layout, items) = try laidOut(options, style: StylePreset.paper.style)
        for item in items where item.role.hasPrefix("errorbar.") && item.role.hasSuffix(".upperlim") {
            guard case let .segments(segments, _) = item.primitive else { continue }
            for s in segments { #expect(max(s.from.y, s.to.y) < layout.plotRect.maxY, "\(item.role)") }
        }
    }

    @Test func bandEntriesShowTheirMarkerAndCountWhatIsDrawn() throws {
        let (lc, _, items) = try laidOut(LightcurveOptions(y: .differenceMagnitude))
        let entries = lc.chart.legend
        let g = try #require(entries.first { $0.label.hasPrefix("g:") })
        #expect(g.label == "g: 2 detections, 2 limits")
        #expect(entries.contains { $0.label == "r: 1 detection" })
        #expect(entries.contains { $0.label == "i: no detections, 2 limits" })
        // The symbol is the band's detection marker, not a square swatch.
        guard case let .marker(marker, _, _, _) = g.symbol else { Issue.record("g's legend symbol is \(g.symbol)"); return }
        let drawn = try #require(lc.chart.series.first { $0.role == "g.valid" })
        #expect(marker.shape == drawn.marker.shape && marker.fill == drawn.marker.fill)
        #expect(!entries.contains { if case .swatch = $0.symbol { true } else { false } })
        #expect(labels(items).contains("bad quality (1)"))
    }

    @Test func aNarrowLegendAboveThePlotUsesTheShortWording() throws {
        let lc = try LightcurveBuilder.build(objectId: id, detections: rows, style: StylePreset.paper.style, options: LightcurveOptions())
        let narrow = ChartLayout(chart: lc.chart, frame: Rect(x: 0, y: 0, width: 245, height: 180), style: StylePreset.paper.style, measurer: measurer)
        #expect(narrow.legendPlacement == .top)
        let shown = labels(narrow.items())
        #expect(shown.contains("g: 2 det., 2 lim."))
        #expect(shown.contains("i: no det., 2 lim."))
        // A wide figure keeps the words.
        let wide = ChartLayout(chart: lc.chart, frame: frame, style: .screen, measurer: measurer)
        #expect(labels(wide.items()).contains("g: 2 detections, 2 limits"))
    }

    /// A paper column's legend with bands and four kinds of points (ZTF18acefvuh: negative
    /// alerts, limits, bad quality; ZTF17aaacxxf in band shapes, whose limit entry says
    /// "open + arrow") takes two rows, not three: band entries then count detections only, the
    /// limits being counted in their own entry, and every band entry is worded alike.
    @Test(arguments: [("ZTF18acefvuh", BandPalette.fink), ("ZTF17aaacxxf", .colorblind)])
    func aPaperLegendWithFourKindsTakesTwoRows(object: String, palette: BandPalette) async throws {
        let data = try await fixtureObject(object)
        let style = StylePreset.paper.style
        let lc = try LightcurveBuilder.build(data, style: style, options: LightcurveOptions(palette: palette))
        let measurer = try CairoTextMeasurer()
        let page = StylePreset.paper.size().points
        let layout = ChartLayout(chart: lc.chart, frame: Rect(x: 0, y: 0, width: page.width, height: page.height), style: style,
                                 measurer: measurer)
        #expect(layout.legendPlacement == .top)
        let items = layout.items()
        let rows = Set(items.filter { $0.role == "legend.label" }.compactMap(\.text).map { ($0.position.y * 10).rounded() })
        #expect(rows.count == 2, "\(rows.count) legend rows: \(labels(items))")
        let bands = labels(items).filter { $0.hasPrefix("g:") || $0.hasPrefix("r:") }
        #expect(bands.count == 2 && bands.allSatisfy { $0.hasSuffix(" det.") }, "\(bands)")
        #expect(labels(items).contains { $0.hasPrefix("fainter than ref. (") })
    }

    @Test func badQualityKeepsThreeToOneContrastOnDarkPages() throws {
        for style in [StylePreset.dark.style, StylePreset.screen.style, StylePreset.talk.style] {
            let lc = try LightcurveBuilder.build(objectId: id, detections: rows, style: style, options: LightcurveOptions())
            let bad = try #require(lc.chart.series.first { $0.role == "r.badquality" })
            let fill = try #require(bad.marker.fill)
            #expect(Color.contrastRatio(fill, style.background) >= 3, "\(style.background)")
        }
    }
}

@Suite struct EmptyAnomalyAnswerTests {
    /// No anomalous alerts is said, and is a failure (exit 1) with no figure: an empty 0–1 axis
    /// would look like a result.
    @Test func anEmptyAnswerIsAnErrorNotAnEmptyChart() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("[]".utf8).write(to: dir.appendingPathComponent("empty.json"))
        let result = try await runFinkplot(["anomaly", "--from", dir.appendingPathComponent("empty.json").path, "-o", "a.png"], in: dir)
        #expect(result.status == 1)
        #expect(result.err.contains("no anomalous alerts in this range"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a.png").path))
    }
}
