import CairoRender
import FinkAPI
import FinkTestServer
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

@Suite struct SexagesimalTests {
    @Test func rightAscensionIsHoursMinutesSecondsWithCarries() {
        #expect(Sexagesimal.rightAscension(0) == "00:00:00.00")
        #expect(Sexagesimal.rightAscension(125.9993991) == "08:23:59.86")
        #expect(Sexagesimal.rightAscension(15) == "01:00:00.00")
        // 59.999 s rounds to the next minute, and the minute carries into the hour.
        #expect(Sexagesimal.rightAscension((1 + 59.0 / 60 + 59.999 / 3600) * 15) == "02:00:00.00")
        #expect(Sexagesimal.rightAscension((23 + 59.0 / 60 + 59.999 / 3600) * 15) == "00:00:00.00", "24 h wraps to 0 h")
        #expect(Sexagesimal.rightAscension(-15) == "23:00:00.00")
        #expect(Sexagesimal.rightAscension(360 + 30) == "02:00:00.00")
        #expect(Sexagesimal.rightAscension(.nan) == "–")
    }

    @Test func declinationIsSignedDegreesMinutesSecondsWithCarries() {
        #expect(Sexagesimal.declination(8.1824911) == "+08:10:57.0")
        #expect(Sexagesimal.declination(-0.5) == "-00:30:00.0", "the sign survives a zero degree part")
        #expect(Sexagesimal.declination(-(12 + 59.0 / 60 + 59.96 / 3600)) == "-13:00:00.0")
        #expect(Sexagesimal.declination(-0.00000001) == "+00:00:00.0", "no negative zero")
        #expect(Sexagesimal.declination(90) == "+90:00:00.0")
        #expect(Sexagesimal.declination(-91) == "-90:00:00.0")
        #expect(Sexagesimal.declination(.infinity) == "–")
    }
}

@Suite struct CardTests {
    let id = try! ObjectId(validating: "ZTF18acefvuh")

    /// A card's rows: upper limits, every column, no stamps (those come from /cutouts).
    func rows(_ name: String = "ZTF18acefvuh") async throws -> [Detection] {
        try await DirectorySource(directory: fixturesDirectory())
            .detections(of: try ObjectId(validating: name), options: FetchOptions(withUpperLimits: true, withCutouts: false))
    }

    @Test func factsCountRowsAndGivePositionDatesAndClasses() async throws {
        let facts = CardFacts(objectId: "ZTF18acefvuh", rows: try await rows())
        #expect(facts.validPerBand.map(\.band) == ["g", "r"] && facts.validPerBand.map(\.count) == [8, 8])
        #expect(facts.upperLimits == 7 && facts.badQuality == 3)
        #expect(facts.positionNote == "mean of 16 valid alerts", "the position is the mean of the 16 valid alerts")
        #expect(facts.simbad == nil, "'Unknown' is not shown")
        let block = facts.textBlock
        #expect(block.title == "ZTF18acefvuh")
        let values = Dictionary(block.rows.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(values["RA"] == "08:57:45.45\n134.439396°")
        #expect(values["Dec"] == "+20:27:46.2\n+20.462833°")
        #expect(values["First"] == "2019-10-04 11:38 UTC\nMJD 58760.485")
        #expect(values["Last"] == "2019-11-01 12:40 UTC\nMJD 58788.528")
        #expect(values["Detections"] == "16 (g 8, r 8)")
        #expect(values["Fink class"] == nil)

        let sn = CardFacts(objectId: "ZTF25ackyyzk", rows: try await rows("ZTF25ackyyzk"))
        #expect(sn.classification == "SN candidate")
        let eb = CardFacts(objectId: "ZTF18aabjigr", rows: try await rows("ZTF18aabjigr"))
        #expect(eb.simbad == "EB*")
    }

    @Test func meanRightAscensionIsRightAcrossZero() {
        let rows = [359.9, 0.1, 0.2].map { Detection(objectId: "ZTF20aaaaaaa", candid: 1, jd: 2_459_000.5, fid: 1, ra: $0, dec: -10) }
        let facts = CardFacts(objectId: "ZTF20aaaaaaa", rows: rows)
        #expect(abs((facts.ra ?? 0) - 0.0666667) < 1e-6)
        #expect(facts.dec == -10)
    }

    @Test func cardShowsLightcurveWithMarkedEpochMetadataAndThreeStampsInOrder() async throws {
        let data = try await fixtureObject(id.rawValue)
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let stamps = try await fixtureStamps(data, alert: alert)
        let measurer = try CairoTextMeasurer()
        let figure = try ObjectCard.figure(data, alert: alert, choice: .latest, stamps: stamps,
                                           rendering: try StampRendering(), measurer: measurer)
        #expect(figure.size == Size(576, 432), "1200×900 px at 150 dpi")
        let list = figure.displayList(measurer: measurer)

        // Stamps: science, template, difference, left to right, below the lightcurve.
        let tiles = list.items.filter { $0.role.hasPrefix("tile.") && $0.role != "tile.frame" }
        #expect(tiles.map(\.role) == ["tile.science", "tile.template", "tile.difference"])
        let rects = tiles.compactMap { $0.primitive.image?.rect }
        #expect(rects.count == 3 && rects[0].maxX < rects[1].minX && rects[1].maxX < rects[2].minX)
        #expect(rects.allSatisfy { $0.maxY <= figure.size.height && $0.minX >= 0 && $0.maxX <= figure.size.width })

        // The epoch marker and the ring are at the alert's MJD (and the ring at its magnitude).
        let chart = try #require(figure.panels[0].content.chart, "no chart first")
        let layout = ChartLayout(chart: chart, frame: figure.panels[0].frame, style: figure.style, measurer: measurer)
        let line = try #require(list.items(role: "marker.chosen").first?.primitive.polyline, "no epoch marker line").points
        let ring = try #require(list.items(role: "data.chosen").first?.primitive.markers, "no ring").points
        #expect(line.allSatisfy { abs($0.x - layout.xScale(alert.mjd)) < 1e-9 })
        #expect(ring.count == 1 && abs(ring[0].x - layout.xScale(58788.52795)) < 0.01)
        #expect(abs(ring[0].y - layout.yScale(try #require(alert.magnitude?.value))) < 1e-9)
        #expect(rects.allSatisfy { $0.minY > layout.plotRect.maxY }, "stamps are below the lightcurve")

        // Metadata block right of the chart, naming the object and its position.
        let values = list.items(role: "textblock.value").compactMap(\.text).map(\.string)
        #expect(values.contains("08:57:45.45") && values.contains("+20:27:46.2") && values.contains("134.439396°"))
        let title = try #require(list.items(role: "textblock.title").first?.text)
        #expect(title.string == "ZTF18acefvuh" && title.position.x > layout.plotRect.maxX)
        #expect(list.items(role: "textblock.note").allSatisfy { !($0.text?.string.contains("stamp") ?? false) })
    }

    @Test func anAlertWithoutStampsDrawsNoDataTilesAndSaysSo() async throws {
        let data = try await fixtureObject("ZTF17aaacxxf")
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let stamps = try await fixtureStamps(data, alert: alert)
        #expect(stamps.isEmpty)
        let measurer = try CairoTextMeasurer()
        let list = try ObjectCard.figure(data, alert: alert, choice: .latest, stamps: stamps,
                                         rendering: try StampRendering(), measurer: measurer).displayList(measurer: measurer)
        #expect(list.items.filter { $0.role.hasSuffix(".nodata") }.map(\.role)
                == ["tile.science.nodata", "tile.template.nodata", "tile.difference.nodata"])
        let notes = list.items(role: "textblock.note").compactMap(\.text).map(\.string).joined(separator: " ")
        #expect(notes.contains("No science, template or difference stamp for this alert"))
    }

    @Test func peakAndCandidChooseTheirAlert() async throws {
        let rows = try await rows()
        let data = ZTFPhotometry.object(id.key, rows: rows, full: true)
        let peak = try CutoutFigure.choose(.peak, from: data)[0]
        let brightest = rows.filter { $0.tag == .valid }.compactMap(\.magpsf).min()
        #expect(peak.magnitude?.value == brightest)
        let any = try #require(rows.first { $0.tag == .valid && $0.candid != nil }?.candid)
        #expect(try CutoutFigure.choose(.candid(any), from: data)[0].alertId == any)
        #expect(throws: CutoutError.unknownCandid(objectId: "ZTF18acefvuh", candid: 42)) {
            try CutoutFigure.choose(.candid(42), from: data)
        }
    }

    @Test func cardRunFetchesFullRowsThenTheOneAlertsCutoutsAndStampsProvenance() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        _ = try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF18acefvuh.json"))
        let cutouts = fixturesDirectory().appendingPathComponent("cutouts/ZTF18acefvuh_1034527953215010006.json")
        await server.setCutouts(try Data(contentsOf: cutouts), objectId: "ZTF18acefvuh", candid: 1_034_527_953_215_010_006)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let provenance = Provenance(source: server.baseURL.absoluteString, objectIds: ["ZTF18acefvuh", "ZTF99zzzzzzz"],
                                    queryTime: "2024-03-01T12:00:00Z", options: "card --format png --alert latest")
        // Through the batch runner (CardRun is gone), one id per /objects request as CardRun asked.
        let job = CardJob(target: .directory(dir), format: .png, rendering: try StampRendering(),
                          metadata: { key, _ in provenance.forObject(key.id).metadata(title: "\(key.id) object card") })
        let runner = BatchRunner(job: job, sources: SourceSet([FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))]),
                                 configuration: BatchConfiguration(chunkSize: 1))
        let outcomes = try await runner.entries(of: ["ZTF18acefvuh", "ZTF99zzzzzzz", "bad"])
        #expect(outcomes.map(\.status) == [.rendered, .empty, .invalid])
        #expect(outcomes[0].notes == nil, "all three stamps arrived")

        // The runner asks for the next chunk while it draws this one: the two /objects requests may
        // come in either order, the one alert's /cutouts after its object's rows.
        let requests = await server.requests
        #expect(requests.map(\.path).sorted() == ["/api/v1/cutouts", "/api/v1/objects", "/api/v1/objects"], "the bad id is never sent")
        let objectRequests = requests.filter { $0.path == "/api/v1/objects" }
        #expect(Set(objectRequests.compactMap { $0.json?["objectId"]?.stringValue }) == ["ZTF18acefvuh", "ZTF99zzzzzzz"])
        for request in objectRequests {
            let objects = try #require(request.json)
            #expect(objects["withupperlim"] == .bool(true))
            #expect(objects["withcutouts"] == nil || objects["withcutouts"] == .bool(false))
            #expect(objects["columns"] == nil, "full rows: the server sends v:classification only without a column list")
        }
        let cutRequest = try #require(requests.first { $0.path == "/api/v1/cutouts" })
        let rowsRequest = try #require(objectRequests.first { $0.json?["objectId"]?.stringValue == "ZTF18acefvuh" })
        #expect(cutRequest.index > rowsRequest.index, "the stamps are asked for once the rows are in")
        let cut = try #require(cutRequest.json)
        #expect(cut["candid"]?.stringValue == "1034527953215010006" || cut["candid"] == .int(1_034_527_953_215_010_006))

        // Cards are `<id>_card.<ext>` now, so they can share a directory with lightcurves.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["ZTF18acefvuh_card.png"])
        let png = try Data(contentsOf: dir.appendingPathComponent("ZTF18acefvuh_card.png"))
        let image = try PNGDecoder.decode(png)
        #expect(image.width == 1200 && image.height == 900)
        let chunks = Dictionary(try PNGText.read(png).map { ($0.keyword, $0.text) }, uniquingKeysWith: { a, _ in a })
        #expect(chunks["Title"] == "ZTF18acefvuh object card")
        #expect(chunks["Source"] == server.baseURL.absoluteString)
        #expect(chunks["finkplot:objectIds"] == "ZTF18acefvuh", "each card names its own object")
        #expect(chunks["Creation Time"] == "2024-03-01T12:00:00Z")
        #expect(chunks["Software"] == FinkPlotVersion.software)
    }
}

@Suite struct FigureSpecTests {
    func spec(_ command: FigureSpec.Command, format: OutputFormat, output: FigureSpec.Output?) -> FigureSpec {
        FigureSpec(command: command, objectIds: ["ZTF18aabjigr"], source: .init(directory: fixturesDirectory().path),
                   options: command == .card ? .init(format: format, alert: .peak)
                       : .init(format: format, width: 600, height: 300, dpi: 75),
                   output: output, queryTime: "2024-03-01T12:00:00Z")
    }

    @Test func specSurvivesJSONAndSaysWhatItMeans() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = spec(.card, format: .pdf, output: .init(file: "card.pdf"))
        let url = dir.appendingPathComponent("card.json")
        try original.json().write(to: url)
        let loaded = try FigureSpec.load(from: url)
        #expect(loaded == original)
        #expect(loaded.alertChoice == .peak && loaded.format == .pdf)
        #expect(loaded.normalizedOptions == "card --format pdf --alert peak")
        let json = try #require(try JSONSerialization.jsonObject(with: original.json()) as? [String: Any])
        // Version 2 since the two-survey redesign (`survey`, per-survey API URLs).
        #expect(json["version"] as? Int == 2 && json["command"] as? String == "card")
        // What a figure records of its spec leaves out where it was written.
        let stored = try #require(try original.provenance().specJSON)
        #expect(!stored.contains("card.pdf") && stored.contains("ZTF18aabjigr"))
    }

    @Test func badSpecsAreRefusedNamingFileAndField() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func load(_ text: String) -> String {
            let url = dir.appendingPathComponent("s.json")
            try? Data(text.utf8).write(to: url)
            do { _ = try FigureSpec.load(from: url); return "loaded" } catch { return "\(error)" }
        }
        var good = try #require(try JSONSerialization.jsonObject(with: spec(.lightcurve, format: .png, output: nil).json()) as? [String: Any])
        #expect(load("not json").hasSuffix("s.json: not a JSON object"))
        #expect(load("{\"version\": 7}").contains("spec version 7 is not supported"))
        good["options"] = ["format": "gif"]
        let data = try JSONSerialization.data(withJSONObject: good)
        // Options are typed now: the format is read (and refused) with the rest of the spec.
        #expect(load(String(decoding: data, as: UTF8.self)).contains("s.json: field 'options.format': unknown format 'gif': use png, svg or pdf"))
        good.removeValue(forKey: "objectIds")
        let missing = try JSONSerialization.data(withJSONObject: good)
        #expect(load(String(decoding: missing, as: UTF8.self)).contains("missing field 'objectIds'"))
        let none = dir.appendingPathComponent("none.json")
        #expect(throws: FigureSpec.Failure.unreadable(path: none.path, reason: "no such file or not readable")) {
            try FigureSpec.load(from: none)
        }
    }

    /// Save a spec, render it twice (as the command and as `finkplot render` would): same bytes,
    /// because the spec carries the query time that becomes the files' creation time.
    @Test(arguments: [(FigureSpec.Command.lightcurve, "png"), (.card, "pdf"), (.card, "png")])
    func renderingASavedSpecGivesTheSameBytes(command: FigureSpec.Command, format: String) async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("first.\(format)"), again = dir.appendingPathComponent("again.\(format)")
        let spec = spec(command, format: try #require(OutputFormat(rawValue: format)), output: .init(file: first.path))
        let sources = SourceSet([DirectorySource(directory: fixturesDirectory())])
        #expect(try await BatchRunner(job: spec.batchJob(), sources: sources).entries(of: spec.objectIds)
            .map(\.status) == [.rendered])
        let specURL = dir.appendingPathComponent("spec.json")
        try spec.json().write(to: specURL)
        let loaded = try FigureSpec.load(from: specURL)
        #expect(try await BatchRunner(job: loaded.batchJob(target: .file(again)), sources: sources)
            .entries(of: loaded.objectIds).map(\.status) == [.rendered])
        let a = try Data(contentsOf: first), b = try Data(contentsOf: again)
        #expect(a == b)
        if format == "png" {
            let chunks = Dictionary(try PNGText.read(a).map { ($0.keyword, $0.text) }, uniquingKeysWith: { x, _ in x })
            let embedded = try #require(chunks["finkplot:spec"])
            let decoded = try JSONDecoder().decode(FigureSpec.self, from: Data(embedded.utf8))
            #expect(decoded.objectIds == ["ZTF18aabjigr"] && decoded.command == command && decoded.output == nil)
            #expect(chunks["finkplot:options"] == spec.normalizedOptions)
        } else {
            let text = String(decoding: a, as: UTF8.self)
            #expect(text.contains("/Title (ZTF18aabjigr object card)") && text.contains("/Creator (\(FinkPlotVersion.software))"))
            #expect(text.contains("/CreationDate (D:20240301120000") || text.contains("/CreationDate (20240301120000"))
            #expect(text.contains("/FontFile2") && !text.contains("/Type3"), "pdffonts would list only embedded TrueType")
        }
    }
}
