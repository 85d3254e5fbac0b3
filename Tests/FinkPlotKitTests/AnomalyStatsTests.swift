import CairoRender
import FinkAPI
import FinkTestServer
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// `finkplot anomaly` and `finkplot stats`: figures through their display lists, tables, and runs
/// against the in-process Fink emulator.
@Suite struct AnomalyStatsTests {
    let measurer = ApproximateTextMeasurer()

    func anomalyRows() throws -> [FixtureRow] {
        try FixtureServer.rows(fromFile: fixturesDirectory().appendingPathComponent("anomaly.json"))
    }

    /// The fixture with varied classes: its ten alerts are all "Unknown".
    func mixedAlerts() throws -> [AnomalyAlert] {
        var rows = try anomalyRows()
        let labels = ["Unknown", "EB*", "Fail 504", "Unknown", "RRLyr", "Fail 500", "EB*", "Unknown", "Fail 504", "Candidate_YSO"]
        for i in rows.indices { rows[i]["d:cdsxmatch"] = .string(labels[i]) }
        rows[3]["d:lc_features_g"] = "[1.0, 2.0"
        return try AnomalyAlert.decode(FixtureJSON.array(rows.map { .object($0) }).data(), source: "mixed").alerts
    }

    func rects(_ list: DisplayList, _ role: String) -> [Rect] {
        list.items(role: role).compactMap { if case let .rect(r, _, _) = $0.primitive { r } else { nil } }
    }

    /// Decoded once for the suite: a year of nights costs a noticeable second in a debug build,
    /// and the other suites' timing bounds share the two cores.
    static let decodedStatistics = Result {
        try NightStatistics.decode(try Data(contentsOf: fixturesDirectory().appendingPathComponent("statistics_2021.json")), source: "fixture")
    }

    func statistics() throws -> [NightStatistics] { try Self.decodedStatistics.get() }

    // MARK: Anomaly

    @Test func classesSortedFailuresApart() throws {
        let (classes, failures) = AnomalyFigure.classCounts(try mixedAlerts())
        // "Unknown" is no class: it goes with the failed cross-matches, below a gap.
        #expect(classes.map(\.0) == ["EB*", "Candidate_YSO", "RRLyr"], "by count, then name")
        #expect(classes.map(\.1) == [2, 1, 1])
        #expect(failures.map(\.0) == ["Unknown", "Fail 504", "Fail 500"])

        let list = AnomalyFigure.figure(try mixedAlerts(), size: FigureSize()).displayList(measurer: measurer)
        let labels = list.items(role: "bar.label").compactMap(\.text?.string)
        #expect(labels == ["EB*", "Candidate_YSO", "RRLyr", "Unknown", "Fail 504", "Fail 500"])
        #expect(list.items.contains { $0.text?.string == "no SIMBAD class" })
        let classBars = rects(list, "bar.class"), failBars = rects(list, "bar.fail")
        #expect(classBars.count == 3 && failBars.count == 3)
        #expect(failBars.allSatisfy { f in classBars.allSatisfy { $0.maxY < f.minY } }, "failures below every class")
        #expect(list.items(role: "bar.value").compactMap(\.text?.string) == ["2", "1", "1", "3", "2", "1"])
        let title = try #require(list.items(role: "title").first?.text?.string)
        #expect(title == "SIMBAD classes of 10 anomalous alerts")
        #expect(list.items(role: "axis.x.title").first?.text?.string == "alerts, 2026-03-22 (UTC)")
    }

    @Test func manyClassesFoldIntoOther() throws {
        var alerts = try mixedAlerts()
        alerts = (0..<40).map { i in
            var a = alerts[i % alerts.count]
            a.cdsxmatch = "class \(i % 20)"
            return a
        }
        let chart = AnomalyFigure.chart(alerts, maxRows: 8)
        let bars = chart.groups[0].bars
        #expect(bars.count == 8)
        #expect(bars.last?.label == "other classes (13)" && bars.last?.value == 26)
        #expect(bars.reduce(0) { $0 + $1.value } == 40, "nothing lost in the fold")
    }

    @Test func tableHasNamedFeatureColumnsInFinksOrder() throws {
        let alerts = try mixedAlerts()
        let text = String(decoding: AnomalyFigure.table(alerts), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 11)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header.count == 7 + 52 + 1)
        #expect(Array(header[7..<33]) == LightcurveFeatures.names.map { "g_\($0)" })
        #expect(Array(header[33..<59]) == LightcurveFeatures.names.map { "r_\($0)" })
        #expect(header.last == "note")

        let first = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(first[0] == "ZTF25ackyyzk" && first[1] == "3367537290415015010")
        #expect(first[4] == "2026-03-22T12:53:42Z")
        #expect(first[7..<33].allSatisfy { $0.isEmpty }, "no g features: empty cells")
        #expect(Double(first[33]) != nil, "r_mean present")
        // The malformed string: empty g cells and a note saying why.
        let broken = lines[4].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(broken[7..<33].allSatisfy { $0.isEmpty })
        // The note quotes the bad text, comma and quote included: RFC 4180 quoting.
        #expect(lines[4].hasSuffix(#","d:lc_features_g: not a JSON array of numbers: ""[1.0, 2.0""""#), "\(lines[4].suffix(80))")
    }

    @Test func csvQuotesPerRFC4180() {
        #expect(CSVWriter.field("plain") == "plain")
        #expect(CSVWriter.field("Fail, 504") == "\"Fail, 504\"")
        #expect(CSVWriter.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.field("two\nlines") == "\"two\nlines\"")
        let data = CSVWriter.table(header: ["a", "b"], rows: [["1,5", nil]])
        #expect(String(decoding: data, as: UTF8.self) == "a,b\r\n\"1,5\",\r\n")
        #expect(CountFormat.grouped(1_234_567) == "1\u{2009}234\u{2009}567" && CountFormat.grouped(999) == "999")
    }

    // MARK: Stats

    @Test func nightlyDrawsANightWithAMissingValue() throws {
        var nights = try statistics()
        nights[3].counters["basic:raw"] = .some(nil)
        nights[4].counters["basic:sci"] = .some(nil)
        let chart = StatsFigure.nightly(nights)
        #expect(chart.yAxis.title == "alerts per night (thousands)", "never 2e+05 on the axis")
        let raw = chart.bars[0].bars, sci = chart.bars[1].bars
        #expect(raw.count == nights.count - 1 && sci.count == nights.count - 1)
        let day3 = Double(nights[3].night.daysSinceUnixEpoch), day4 = Double(nights[4].night.daysSinceUnixEpoch)
        #expect(!raw.contains { $0.x == day3 } && sci.contains { $0.x == day3 }, "its processed count still drawn")
        #expect(raw.contains { $0.x == day4 } && !sci.contains { $0.x == day4 })
        #expect(sci.first?.top == 118.655)

        let list = Figure(size: FigureSize().points, chart: chart).displayList(measurer: measurer)
        #expect(rects(list, "bar.sci").count == nights.count - 1)
        let ticks = list.items(role: "axis.y.ticklabel").compactMap(\.text?.string)
        #expect(ticks.allSatisfy { $0.count <= 3 && !$0.contains("e") }, "\(ticks)")
        let xTicks = list.items(role: "axis.x.ticklabel").compactMap(\.text?.string)
        #expect(xTicks.contains("2021-03") || xTicks.contains("2021-05"), "months on a year's axis: \(xTicks)")
    }

    @Test func cumulativeIsMonotoneAndEndsAtTheSum() throws {
        var nights = try statistics()
        nights[10].counters["basic:raw"] = .some(nil)
        let points = StatsFigure.cumulative(nights, column: "basic:raw")
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.y <= $1.y })
        #expect(points[10].y == points[9].y, "a missing night adds nothing")
        let sum = nights.reduce(0) { $0 + ($1["basic:raw"] ?? 0) }
        #expect(points.last?.y == sum)
        let chart = StatsFigure.cumulativeChart(nights)
        #expect(chart.yAxis.title.hasSuffix("(millions)"))
        #expect(chart.yAxis.limits?.lowerBound == 0)
    }

    @Test func classesTopNPlusOther() throws {
        let nights = try statistics()
        let chart = StatsFigure.classesChart(nights, top: 3)
        let roles = chart.bars.map(\.role)
        #expect(roles == ["class.Unknown", "class.Solar System MPC", "class.EB*", "class.other"])
        #expect(!roles.contains("class.simbad_tot"), "aggregates are never stacked")
        #expect(chart.legend.map(\.label).first?.hasPrefix("other (") == true, "the legend reads top-down like the stack")

        // Per night, the stack adds up to every class column but the aggregates.
        let night = nights[0]
        let day = Double(night.night.daysSinceUnixEpoch)
        let top = chart.bars.flatMap(\.bars).filter { $0.x == day }.map(\.top).max() ?? 0
        let expected = night.counters.filter { $0.key.hasPrefix("class:") && !StatsFigure.aggregateClasses.contains($0.key) }
            .reduce(0) { $0 + ($1.value ?? 0) }
        #expect(abs(top * 1000 - expected) < 1e-6)
        // Layers touch: each starts where the one below ends.
        let layers = chart.bars.map { $0.bars.first { $0.x == day } }
        #expect(layers.compactMap { $0 }.count >= 2, "the night has layers to check")
        for (below, above) in zip(layers, layers.dropFirst()) {
            if let below, let above { #expect(abs(above.base - below.top) < 1e-9) }
        }

        let chosen = StatsFigure.classesChart(nights, chosen: ["SN candidate", "class:Kilonova candidate"])
        #expect(chosen.bars.map(\.role) == ["class.SN candidate", "class.Kilonova candidate"])
        #expect(chosen.yAxis.title == "alerts per night", "small counts stay in units")
    }

    @Test func statsTable() throws {
        var nights = try statistics()
        nights[0].counters["basic:sci"] = .some(nil)
        let text = String(decoding: StatsFigure.table(Array(nights.prefix(2))), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(Array(header.prefix(10)) == ["night", "key:key", "basic:raw", "basic:sci", "basic:n_g", "basic:n_r",
                                             "basic:exposures", "basic:fields", "class:simbad_gal", "class:simbad_tot"])
        #expect(lines[1].hasPrefix("2021-01-02,ztf_20210102,171888,,81406,"), "a missing count is an empty cell")
        #expect(header.contains("class:SN candidate"))
    }

    @Test func allPanelsShareTheTimeAxis() throws {
        let figure = StatsFigure.figure(try statistics(), plot: .all, size: FigureSize(widthPixels: 1200, heightPixels: 1500))
        #expect(figure.panels.count == 3)
        let list = figure.displayList(measurer: measurer)
        let frames = rects(list, "axis.frame")
        #expect(frames.count == 3)
        #expect(Set(frames.map(\.minX)).count == 1 && Set(frames.map(\.maxX)).count == 1)
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.maxY < $1.minY }, "panels do not overlap")
        let page = Rect(x: 0, y: 0, width: figure.size.width, height: figure.size.height)
        for t in list.items.compactMap(\.text) {
            #expect(page.contains(t.position), "\(t.string) off the page")
        }
    }

    // MARK: Runs against the fixture server

    @Test func anomalyRunWritesChartTableAndNamesObjects() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        var rows = try anomalyRows()
        rows[2]["d:cdsxmatch"] = "Fail 504"
        rows[5]["i:objectId"] = "ZTF25ackyyzk"  // two alerts of one object: drawn once
        await server.setAnomalyRows(rows)
        _ = try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF25ackyyzk.json"))
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let client = FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))

        let since = try CivilDate(iso: "2026-03-22", name: "--since")
        let result = try await AnomalyRun(source: client, n: 10, since: since).fetch()
        #expect(result.alerts.count == 10)
        #expect(result.objectIds.count == 9 && result.objectIds.first?.rawValue == "ZTF25ackyyzk", "unique, newest first")
        let body = try #require(await server.requests.last?.json)
        #expect(body["n"] == 10 && body["start_date"] == "2026-03-22")

        let png = dir.appendingPathComponent("anomaly.png"), csv = dir.appendingPathComponent("anomaly.csv")
        try AnomalyRun.write(result, chart: png, format: .png, size: FigureSize(heightPixels: 400), table: csv)
        let image = try PNGDecoder.decode(try Data(contentsOf: png))
        #expect(image.width == 1200 && image.height == 400)
        let table = String(decoding: try Data(contentsOf: csv), as: UTF8.self)
        #expect(table.contains("Fail 504"))

        #expect(result.objectList.count == 9 && result.objectList.first == "ZTF25ackyyzk")

        // Step two: the objects, through the batch runner.
        let source = FigureSpec.Source(apiURL: server.baseURL.absoluteString)
        let lightcurves = try AnomalyRun.objectJob(.lightcurve, directory: dir,
                                                   format: .png, source: source)
        let outcomes = try await BatchRunner(job: lightcurves, sources: SourceSet([client]))
            .entries(of: result.objectIds.prefix(2).map(\.rawValue))
        #expect(outcomes.map(\.status) == [.rendered, .empty], "ZTF25ackyyzk is served; the next object is unknown here")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ZTF25ackyyzk_lightcurve.png").path))
        // Cards need the alert's stamps from /cutouts: the fixtures have them for ZTF18acefvuh.
        _ = try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF18acefvuh.json"))
        let stamps = fixturesDirectory().appendingPathComponent("cutouts/ZTF18acefvuh_1034527953215010006.json")
        await server.setCutouts(try Data(contentsOf: stamps), objectId: "ZTF18acefvuh", candid: 1_034_527_953_215_010_006)
        let card = try AnomalyRun.objectJob(.card, directory: dir, format: .pdf,
                                            source: source)
        let cards = try await BatchRunner(job: card, sources: SourceSet([client])).entries(of: ["ZTF18acefvuh"])
        #expect(cards.map(\.status) == [.rendered], "\(cards)")
        // Cards are `<id>_card.<ext>` now, so they can share a directory with lightcurves.
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ZTF18acefvuh_card.pdf").path))
    }

    @Test func anomalyRowsWithoutIdOrDateAreNoted() async throws {
        var rows = try anomalyRows()
        rows[1]["i:objectId"] = nil
        rows[4]["i:objectId"] = .null
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        await server.setAnomalyRows(rows)
        let client = FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))
        let served = try await AnomalyRun(source: client, n: 10).fetch()
        #expect(served.alerts.count == 8)
        let candids = [rows[1], rows[4]].compactMap { $0["i:candid"] }.map(\.description)
        #expect(served.notes.first == "2 anomaly rows without i:objectId were skipped (candid \(candids.joined(separator: ", ")))",
                "\(served.notes)")

        // A saved answer: the server would have dropped a row without a date; a file can hold one.
        rows[7]["i:jd"] = .null
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("anomaly.json")
        try FixtureJSON.array(rows.map { .object($0) }).data().write(to: file)
        let saved = try await AnomalyRun(source: SavedAnswerFile(file), n: 10).fetch()
        #expect(saved.alerts.count == 7)
        #expect(saved.notes.contains { $0.hasPrefix("2 anomaly rows without i:objectId were skipped") }, "\(saved.notes)")
        #expect(saved.notes.contains { $0.hasPrefix("1 anomaly row without i:jd was skipped (candid ") }, "\(saved.notes)")
    }

    @Test func statsRunFromServerAndFromFile() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let file = fixturesDirectory().appendingPathComponent("statistics_2021.json")
        _ = try await server.load(statisticsFile: file)
        let client = FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))
        let date = try StatisticsDate(validating: "202103")

        let (served, notes) = try await StatsRun(source: client, date: date).fetch()
        let (saved, _) = try await StatsRun(source: SavedAnswerFile(file), date: date).fetch()
        #expect(served.count == 23 && served == saved, "a saved answer is filtered as the server would")
        #expect(notes.isEmpty)
        let none = await #expect(throws: FinkError.self) {
            _ = try await StatsRun(source: client, date: try StatisticsDate(validating: "2019")).fetch()
        }
        #expect(none?.description.contains("statistics for 2019") == true)

        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let size = FigureSize(widthPixels: 1200, heightPixels: 1500)
        let data = try FigureRenderer.render(StatsFigure.figure(served, plot: .all, size: size), format: .pdf, size: size)
        #expect(data.starts(with: Data("%PDF".utf8)))
    }
}
