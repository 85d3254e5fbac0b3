import FinkAPI
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// Palette, time axes, y quantities, windows and the drawn-points table, checked through the
/// display list.
@Suite struct LightcurveModeTests {
    let id = "ZTF18aabjigr"
    let measurer = ApproximateTextMeasurer()
    let frame = Rect(x: 0, y: 0, width: 576, height: 288)

    var rows: [Detection] {
        [
            Detection(objectId: id, candid: 11, jd: 2_458_800.5, fid: 1, tag: .valid, magpsf: 18.0, sigmapsf: 0.1,
                      isdiffpos: true, magnr: 17.0, sigmagnr: 0.02, distnr: 0.4),
            Detection(objectId: id, candid: 12, jd: 2_458_801.5, fid: 1, tag: .valid, magpsf: 17.5, sigmapsf: 0.05,
                      isdiffpos: false, magnr: 17.0, sigmagnr: 0.02, distnr: 0.5),
            Detection(objectId: id, candid: 13, jd: 2_458_802.5, fid: 2, tag: .valid, magpsf: 17.8, sigmapsf: 0.08,
                      isdiffpos: true, magnr: 16.5, sigmagnr: 0.03, distnr: 3.2),
            Detection(objectId: id, candid: 14, jd: 2_458_805.5, fid: 3, tag: .valid, magpsf: 18.2, sigmapsf: 0.1,
                      isdiffpos: true),
            Detection(objectId: id, jd: 2_458_790.5, fid: 1, tag: .upperLimit, diffmaglim: 20.1),
            Detection(objectId: id, jd: 2_458_796.5, fid: 2, tag: .badQuality, magpsf: 19.0, sigmapsf: 0.3, isdiffpos: true),
        ]
    }

    func laidOut(_ rows: [Detection], _ options: LightcurveOptions) throws -> (Lightcurve, ChartLayout, [DisplayItem]) {
        let lc = try LightcurveBuilder.build(objectId: id, detections: rows, options: options)
        let layout = ChartLayout(chart: lc.chart, frame: frame, style: .screen, measurer: measurer)
        return (lc, layout, layout.items())
    }

    /// A tick label's number (labels use a typographic minus).
    func value(_ label: String) -> Double? { Double(label.replacingOccurrences(of: "\u{2212}", with: "-")) }

    // MARK: palette

    @Test func colorblindPaletteGivesEachBandItsOwnShapeAndOkabeItoColour() throws {
        let (_, _, items) = try laidOut(rows, LightcurveOptions(palette: .colorblind))
        var seen: [MarkerShape] = []
        for (band, shape, hex) in [("g", MarkerShape.circle, "#0072B2"), ("r", .square, "#D55E00"), ("i", .diamond, "#009E73")] {
            let m = try #require(items.first { $0.role == "data.\(band).valid" }.flatMap(markerPoints))
            #expect(m.style.shape == shape && m.style.fill == Color(hex: hex), "\(band)")
            seen.append(m.style.shape)
        }
        #expect(Set(seen).count == 3)
        // The legend shows the shapes, and drops the neutral "detection" circle that would contradict them.
        let symbols = items.filter { $0.role == "legend.symbol" }.compactMap(markerPoints).map(\.style.shape)
        #expect(symbols.starts(with: [.circle, .square, .diamond]))
        let labels = items.compactMap { $0.role == "legend.label" ? $0.text?.string : nil }
        #expect(!labels.contains("detection"))
    }

    @Test func defaultPaletteKeepsFinkColoursAndCircles() throws {
        let (_, _, items) = try laidOut(rows, LightcurveOptions())
        let r = try #require(items.first { $0.role == "data.r.valid" }.flatMap(markerPoints))
        #expect(r.style.shape == .circle && r.style.fill == Color(hex: "#F5622E"))
        #expect(throws: LightcurveOptionError.self) { try BandPalette(parsing: "rainbow") }
    }

    // MARK: time axes

    @Test func sinceFirstPutsTheFirstValidAlertAtZero() throws {
        let (lc, layout, items) = try laidOut(rows, LightcurveOptions(time: .sinceFirst))
        #expect(lc.t0 == 58_800.0, "the first *valid* alert, not the earlier upper limit")
        #expect(lc.chart.xAxis.title == "Days since first detection (MJD 58800.00)")
        let g = try #require(items.first { $0.role == "data.g.valid" }.flatMap(markerPoints))
        #expect(abs(g.points[0].x - layout.xScale(0)) < 1e-9)
        let limit = try #require(items.first { $0.role == "data.g.upperlim" }.flatMap(markerPoints))
        #expect(abs(limit.points[0].x - layout.xScale(-10)) < 1e-9, "earlier limits fall at negative days")
        let labels = items.filter { $0.role == "axis.x.ticklabel" }.compactMap(\.text)
        let zero = try #require(labels.first { value($0.string) == 0 }, "a tick at day 0")
        #expect(abs(zero.position.x - layout.xScale(0)) < 1e-9)
        #expect(labels.contains { value($0.string) == -10 })
        #expect(labels.allSatisfy { !$0.string.contains(".") }, "whole days, no 2.5-day steps: \(labels.map(\.string))")
    }

    @Test func sinceT0CountsFromTheGivenMJD() throws {
        let (lc, _, _) = try laidOut(rows, LightcurveOptions(time: .sinceT0(58_795.5)))
        #expect(lc.chart.xAxis.title == "Days since MJD 58795.5")
        #expect(lc.points.first { $0.alertId == 11 }?.x == 4.5)
        #expect(throws: LightcurveOptionError.self) { try TimeAxisMode(parsing: "since-t0", t0: nil) }
        #expect(try TimeAxisMode(parsing: "since-t0", t0: 1) == .sinceT0(1))
        #expect(throws: LightcurveOptionError.self) { try TimeAxisMode(parsing: "jd", t0: nil) }
    }

    @Test func topAxisShowsTheSameInstantsInItsOwnUnits() throws {
        let (_, layout, items) = try laidOut(rows, LightcurveOptions(time: .mjd, topAxis: .sinceFirst))
        let secondary = try #require(layout.chart.secondaryX)
        let ticks = try #require(layout.secondaryTicks)
        #expect(secondary.title.hasPrefix("Days since first detection"))
        let labels = items.filter { $0.role == "axis.x2.ticklabel" }.compactMap(\.text)
        #expect(labels.count >= 2)
        // A top label reading "0" sits exactly above MJD 58800 (the first valid alert).
        let zero = try #require(labels.first { value($0.string) == 0 })
        #expect(abs(zero.position.x - layout.xScale(58_800)) < 1e-9)
        #expect(zero.position.y < layout.plotRect.minY)
        #expect(ticks.major.contains(0))
        // The top edge shows the secondary ticks, not a mirror of the bottom ones.
        let top = try #require(items.first { $0.role == "axis.x2.tick" }?.primitive.segments, "no top ticks, or not segments").segments
        let bottom = try #require(items.first { $0.role == "axis.x.tick" }?.primitive.segments, "no bottom ticks, or not segments").segments
        #expect(top.allSatisfy { $0.from.y == layout.plotRect.minY })
        #expect(bottom.allSatisfy { $0.from.y == layout.plotRect.maxY })
        let title = try #require(items.first { $0.role == "axis.x2.title" }?.text)
        #expect(textBox(title, measurer).maxY <= labels.map { textBox($0, measurer).minY }.min()!)
    }

    @Test func dateAxisLabelsCalendarDatesAtTheirMJD() throws {
        let (lc, layout, items) = try laidOut(rows, LightcurveOptions(time: .date))
        #expect(lc.chart.xAxis.title == "Date (UTC)")
        let labels = items.filter { $0.role == "axis.x.ticklabel" }.compactMap(\.text)
        #expect(labels.count >= 2 && labels.allSatisfy { $0.string.hasPrefix("2019-") || $0.string.hasPrefix("2019") })
        // MJD 58800 is 2019-11-13 00:00 UTC: if that day is labelled, it is at that MJD.
        if let label = labels.first(where: { $0.string == "2019-11-13" }) {
            #expect(abs(label.position.x - layout.xScale(58_800)) < 1e-9)
        }
        for label in labels {
            let mjd = try TimeParsing.mjd(label.string.count == 7 ? label.string + "-01" : label.string, option: "test")
            #expect(abs(label.position.x - layout.xScale(mjd)) < 1e-6, "\(label.string)")
        }
    }

    @Test func windowsDropRowsOutsideAndSayHowMany() throws {
        let (lc, _, items) = try laidOut(rows, LightcurveOptions(since: 58_796, until: 58_802.5))
        #expect(Set(lc.points.compactMap(\.alertId)) == [11, 12, 13])
        #expect(lc.points.allSatisfy { (58_796...58_802.5).contains($0.mjd) })
        #expect(lc.notes.contains { $0.hasPrefix("2 of 6 rows lie outside") })
        #expect(!items.contains { $0.role == "data.g.upperlim" })
        #expect(throws: FigureError.self) { try LightcurveBuilder.build(objectId: id, detections: rows,
                                                                        options: LightcurveOptions(since: 60_000)) }
    }

    @Test func datesAndMJDsParseAlike() throws {
        #expect(try TimeParsing.mjd("2019-11-20", option: "--since") == 58_807)
        #expect(try TimeParsing.mjd("2019-11-20", option: "--until", endOfDay: true) == 58_808)
        #expect(try TimeParsing.mjd("2019-11-20T12:00", option: "--since") == 58_807.5)
        #expect(try TimeParsing.mjd("58807.25", option: "--since") == 58_807.25)
        #expect(try TimeParsing.mjd("1970-01-01", option: "--since") == 40_587)
        for bad in ["2019-02-30", "2019-13-01", "yesterday", "2019-11-20T25:00"] {
            #expect(throws: LightcurveOptionError.self) { try TimeParsing.mjd(bad, option: "--since") }
        }
        #expect(TimeParsing.utcString(mjd: 58_807.5) == "2019-11-20T12:00")
    }

    // MARK: y quantities

    /// A real alert (ZTF19acihgng, candid 1060135832015015002): magpsf 18.6323394775 ± 0.1349036247,
    /// magnr 18.0450000763 ± 0.057 at 0.62 px, isdiffpos t. By hand (Fink's formula):
    /// f_ref = 10^(−0.4·18.0450000763), f_diff = 10^(−0.4·18.6323394775), f = f_ref + f_diff,
    /// m = −2.5 log10 f = 17.546854, σ_m = √((0.057 f_ref)² + (0.1349 f_diff)²) / f = 0.061335.
    @Test func dcMagnitudeMatchesAHandComputationForAFixtureRow() async throws {
        let rows = try await fixtureRows("ZTF19acihgng")
        let row = try #require(rows.first { $0.candid == 1_060_135_832_015_015_002 })
        let dc = try #require(Photometry.apparentMagnitude(row))
        #expect(abs(dc.mag - 17.546854) < 1e-5)
        #expect(abs(dc.sigma - 0.061335) < 1e-5)
        let lc = try LightcurveBuilder.build(objectId: "ZTF19acihgng", detections: rows, options: LightcurveOptions(y: .apparentMagnitude))
        let drawn = try #require(lc.points.first { $0.alertId == row.candid })
        #expect(drawn.y == dc.mag && drawn.yError == dc.sigma)
        #expect(lc.chart.yAxis.inverted && lc.chart.yAxis.title == "Apparent (DC) magnitude")
    }

    @Test func dcMagnitudeNeedsAReferenceSourceUnderTheAlertAndDrawsItsLine() throws {
        let (lc, layout, items) = try laidOut(rows, LightcurveOptions(y: .apparentMagnitude))
        // r's only valid alert has its reference 3.2 px away; i has none: neither is drawn.
        #expect(!items.contains { $0.role == "data.r.valid" || $0.role == "data.i.valid" })
        #expect(!items.contains { $0.role.hasSuffix(".upperlim") }, "limits are not drawn in DC magnitude")
        #expect(lc.notes.contains("1 upper limits are not drawn in DC magnitude"))
        // r's valid alert (3.2 px), i's (no reference) and r's bad-quality one (no reference).
        #expect(lc.notes.contains { $0.hasPrefix("3 detections have no reference source within 1.5 px") })
        // g: 18.0 on a 17.0 reference, brighter; 17.5 fainter than the template, subtracted.
        let g = lc.points.filter { $0.band == "g" && $0.tag == .detection }
        let fRef = pow(10, -0.4 * 17.0)
        #expect(abs(g[0].y - (-2.5 * log10(fRef + pow(10, -0.4 * 18.0)))) < 1e-12)
        #expect(abs(g[1].y - (-2.5 * log10(fRef - pow(10, -0.4 * 17.5)))) < 1e-12)
        #expect(g[1].y > 17.0, "a negative alert is fainter than its reference")
        // A dashed g reference line at the median magnr, with a legend entry.
        let line = try #require(items.first { $0.role == "reference.g.magnr" })
        let (points, stroke) = try #require(line.primitive.polyline, "not a line")
        #expect(!stroke.dash.isEmpty && abs(points[0].y - layout.yScale(17.0)) < 1e-9)
        #expect(items.contains { $0.role == "legend.label" && $0.text?.string == "g reference 17.00" })
    }

    @Test func dcMagnitudeDropsPointsWithLargeErrorsOrNoFlux() {
        var faint = rows[0]
        faint.sigmagnr = 3  // σ_m ≥ 1
        #expect(Photometry.apparentMagnitude(faint) == nil)
        var gone = rows[1]
        gone.magpsf = 16.9  // fainter than the template by more than the reference: no flux left
        #expect(Photometry.apparentMagnitude(gone) == nil)
        var far = rows[0]
        far.distnr = 1.6
        #expect(Photometry.apparentMagnitude(far) == nil)
    }

    @Test func fluxIsNegativeForFadingAlertsInMilliJanskyOnANormalAxis() throws {
        let (lc, layout, items) = try laidOut(rows, LightcurveOptions(y: .differenceFlux))
        let g = lc.points.filter { $0.band == "g" && $0.tag == .detection }
        // 3631 Jy × 10^(−0.4·18) = 0.2290 mJy; error 0.1 / 1.0857 of it.
        let error = try #require(g[0].yError)
        #expect(abs(g[0].y - 0.229_100_2) < 1e-6 && abs(error - 0.021_101) < 1e-5)
        #expect(g[1].y < 0 && abs(g[1].y + 3631e3 * pow(10, -0.4 * 17.5)) < 1e-12, "isdiffpos f: negative")
        let limit = try #require(lc.points.first { $0.tag == .upperLimit })
        #expect(abs(limit.y - 3631e3 * pow(10, -0.4 * 20.1)) < 1e-12)
        #expect(!lc.chart.yAxis.inverted && lc.chart.yAxis.title == "Difference flux (mJy)")
        #expect(layout.yScale(0.2) < layout.yScale(0), "more flux is higher")
        #expect(items.contains { $0.role == "reference.zero" })
    }

    // MARK: table

    @Test func tableHoldsExactlyTheDrawnMarkers() async throws {
        for options in [LightcurveOptions(), LightcurveOptions(time: .sinceFirst, y: .differenceFlux),
                        LightcurveOptions(time: .date, y: .apparentMagnitude)] {
            let rows = try await fixtureRows(id)
            let lc = try LightcurveBuilder.build(objectId: id, detections: rows, options: options)
            let layout = ChartLayout(chart: lc.chart, frame: frame, style: .screen, measurer: measurer)
            let csv = LightcurveTable.csv(lc, objectId: id)
            let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let header = lines[0]
            #expect(header.prefix(5) == ["objectId", "band", "tag", "candid", "mjd"])
            // Group table rows by role and map them through the layout's scales.
            var fromTable: [String: [Point]] = [:]
            for f in lines.dropFirst() {
                let mjd = try #require(Double(f[4]))
                let x = options.time == .date ? mjd : try #require(Double(f[5]))
                #expect(abs(x - (mjd - (lc.t0 ?? 0))) < 1e-9)
                fromTable["data.\(f[1]).\(f[2])", default: []].append(Point(layout.xScale(x), layout.yScale(try #require(Double(f[6])))))
            }
            var fromList: [String: [Point]] = [:]
            var sizes: [String: Double] = [:]
            for item in layout.items() where item.role.hasPrefix("data.") {
                let markers = try #require(markerPoints(item))
                fromList[item.role, default: []] += markers.points
                sizes[item.role] = markers.style.size
            }
            #expect(fromTable.keys.sorted() == fromList.keys.sorted())
            for (role, points) in fromList {
                let table = try #require(fromTable[role])
                #expect(table.count == points.count, "\(role)")
                // A marker that coincided with another band's is spread sideways by at most 1.2 of
                // its size (ChartLayout.spreadCoincident); its value axis position never moves.
                let spread = 1.2 * (sizes[role] ?? 0) + 1e-6
                for (a, b) in zip(table, points) { #expect(abs(a.x - b.x) <= spread && abs(a.y - b.y) < 1e-6, "\(role)") }
            }
        }
    }

    @Test func tableIsWrittenBesideTheFigure() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Through the batch runner, as `finkplot lightcurve --table` draws: the job collects the
        // points, the caller writes the table once the batch is done.
        let points = PointTable(url: dir.appendingPathComponent("points.csv"))
        let job = LightcurveJob(target: .file(dir.appendingPathComponent("f.png")), format: .png,
                                options: LightcurveOptions(time: .date, y: .differenceFlux), points: points)
        let runner = BatchRunner(job: job, sources: SourceSet([DirectorySource(directory: fixturesDirectory())]))
        let outcome = try #require(try await runner.entries(of: ["ZTF18acefvuh"]).first)
        #expect(outcome.status == .rendered, "\(outcome)")
        let written = try #require(try points.write(order: [try ObjectId(validating: "ZTF18acefvuh").key]))
        #expect(written.objects == 1 && written.rows > 10)
        let csv = try String(contentsOf: dir.appendingPathComponent("points.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines[0] == "objectId,band,tag,candid,mjd,x_utc,y_flux_mjy,y_err")
        #expect(lines.count > 10)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("ZTF18acefvuh,") })
        // Every valid alert of this object is fainter than its template: all fluxes negative.
        let valid = lines.filter { $0.contains(",valid,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(!valid.isEmpty && valid.allSatisfy { (Double($0[6]) ?? 0) < 0 && $0[5].hasPrefix("2019-") })
    }
}
