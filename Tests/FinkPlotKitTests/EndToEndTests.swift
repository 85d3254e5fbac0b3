import CairoRender
import FinkAPI
import FinkTestServer
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// Lightcurves and cutouts fetched over HTTP from the in-process Fink emulator.
@Suite struct EndToEndTests {
    func server() async throws -> FixtureServer {
        let server = try await FixtureServer()
        for id in ["ZTF18aabjigr", "ZTF18acefvuh"] {
            _ = try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("\(id).json"))
        }
        let cutouts = fixturesDirectory().appendingPathComponent("cutouts/ZTF18acefvuh_1034527953215010006.json")
        await server.setCutouts(try Data(contentsOf: cutouts), objectId: "ZTF18acefvuh", candid: 1_034_527_953_215_010_006)
        return server
    }

    @Test func lightcurvesAreFetchedWithTheNeededColumnsAndWritten() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Through the batch runner (LightcurveRun is gone), one id per /objects request as LightcurveRun asked.
        let runner = BatchRunner(job: LightcurveJob(target: .directory(dir), format: .png),
                                 sources: SourceSet([FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))]),
                                 configuration: BatchConfiguration(chunkSize: 1))
        let outcomes = try await runner.entries(of: ["ZTF18aabjigr", "ZTF99zzzzzzz", "ZTF21", "ZTF18acefvuh"])
        // In input order (the old run listed refused ids first).
        #expect(outcomes.map(\.id) == ["ZTF18aabjigr", "ZTF99zzzzzzz", "ZTF21", "ZTF18acefvuh"])
        #expect(outcomes.map(\.status) == [.rendered, .empty, .invalid, .rendered])
        #expect(outcomes[1].reason == "no data for ZTF99zzzzzzz at \(server.baseURL.absoluteString)/api/v1/objects")
        let reason = try #require(outcomes[2].reason, "a refused id says why")
        // The entry names the id; its reason says what is wrong without repeating it.
        #expect(reason.hasPrefix("invalid objectId: ") && reason.contains("this one has 5"), "\(reason)")

        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["ZTF18aabjigr_lightcurve.png", "ZTF18acefvuh_lightcurve.png"], "no file for failures, no temporary left")
        let png = try PNGDecoder.decode(try Data(contentsOf: dir.appendingPathComponent("ZTF18aabjigr_lightcurve.png")))
        #expect(png.width == 1200 && png.height == 600)

        let requests = await server.requests
        #expect(requests.count == 3, "the malformed id is never sent")
        for request in requests {
            #expect(request.method == "POST" && request.path == "/api/v1/objects")
            let body = try #require(request.json)
            #expect(body["withupperlim"] == .bool(true))
            #expect(body["withcutouts"] == nil || body["withcutouts"] == .bool(false), "a lightcurve needs no stamps")
            let columns = try #require(body["columns"]?.stringValue).split(separator: ",").map(String.init)
            #expect(Set(columns).isSuperset(of: ["i:jd", "i:fid", "i:magpsf", "i:sigmapsf", "i:diffmaglim", "i:objectId"]))
        }
    }

    @Test func cutoutsComeFromTheCutoutsEndpointForTheChosenAlertOnly() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("grid.png")
        // One grid through the batch runner, written once every object is in (CutoutRun is gone).
        let job = CutoutGridJob(output: output, choice: .latest, rendering: try StampRendering(), scale: 2, dpi: 150,
                                colorbars: false, format: .png, rawDirectory: dir)
        let runner = BatchRunner(job: job, sources: SourceSet([FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))]))
        let outcomes = try await runner.entries(of: ["ZTF18acefvuh"])
        #expect(outcomes.map(\.status) == [.rendered], "\(outcomes)")
        #expect(try job.finish(order: [try ztfKey("ZTF18acefvuh")]), "the grid is written")
        let requests = await server.requests
        #expect(requests.map(\.path) == ["/api/v1/objects", "/api/v1/cutouts"])
        let objects = try #require(requests.first?.json)
        #expect(objects["withcutouts"] == nil || objects["withcutouts"] == .bool(false), "never withcutouts for a whole object")
        let cutouts = try #require(requests.last?.json)
        #expect(cutouts["candid"]?.stringValue == "1034527953215010006" || cutouts["candid"] == .int(1_034_527_953_215_010_006))
        #expect(cutouts["output-format"]?.stringValue == "array")
        #expect(FileManager.default.fileExists(atPath: output.path))
        let raw = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("ZTF18acefvuh_") }.sorted()
        #expect(raw == ["ZTF18acefvuh_1034527953215010006_Difference.png", "ZTF18acefvuh_1034527953215010006_Science.png",
                        "ZTF18acefvuh_1034527953215010006_Template.png"])
    }

    @Test func stampsOfSeveralAlertsComeBackInOrderOneRequestEach() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let data = try await fixtureObject("ZTF18acefvuh")
        let alerts = try CutoutFigure.choose(.all, from: data)
        #expect(alerts.count == 16)
        // The runner's stamp fetch (each alert's stamps by its id), from saved answers and from the API.
        func stamps(_ source: any ObjectDataSource, _ alerts: [PhotometryPoint]) async throws -> [Int64: [StampKind: Stamp]] {
            try await BatchFetcher(sources: SourceSet([source]), needs: .card).stamps(of: data, alerts: alerts, counter: AttemptCounter()).stamps
        }
        let ids = try alerts.map { try #require($0.alertId) }
        // Offline: the newest alert has its saved /cutouts answer, the older ones no stamps in the fixture.
        let offline = try await stamps(DirectorySource(directory: fixturesDirectory()), alerts)
        #expect(offline.count == alerts.count)
        #expect(offline[ids[0]]?.count == 3 && ids.dropFirst().allSatisfy { offline[$0]?.isEmpty == true })
        // Online: one /cutouts request per alert, each naming its candid.
        let client = FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))
        let newest = Array(alerts.prefix(1))
        let online = try await stamps(client, newest)
        #expect(online == [ids[0]: try #require(offline[ids[0]])])
        let requests = await server.requests
        #expect(requests.map(\.path) == ["/api/v1/cutouts"])
    }

    @Test func aServerErrorFailsTheObjectWithTheServersText() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        await server.setFaultHook { _ in .respond(status: 503, body: "<html>Service Unavailable</html>", contentType: "text/html") }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let runner = BatchRunner(job: LightcurveJob(target: .file(dir.appendingPathComponent("x.png")), format: .png),
                                 sources: SourceSet([FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))]))
        let outcome = try #require(try await runner.entries(of: ["ZTF18aabjigr"]).first)
        #expect(outcome.status == .failed, "should fail")
        let reason = try #require(outcome.reason, "a failure says why")
        #expect(reason.contains("HTTP 503") && reason.contains("Service Unavailable"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

@Suite struct LightcurveBaselineTests {
    @Test func fixtureLightcurveMatchesItsBaseline() async throws {
        let source = DirectorySource(directory: fixturesDirectory())
        let rows = try await source.detections(of: try ObjectId(validating: "ZTF18aabjigr"), options: FetchOptions())
        let chart = try LightcurveBuilder.build(objectId: "ZTF18aabjigr", detections: rows).chart
        let size = FigureSize(widthPixels: 600, heightPixels: 300, dpi: 75)
        let png = try FigureRenderer.render(Figure(size: size.points, chart: chart), format: .png, size: size)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Baselines/ZTF18aabjigr.png")
        if let problem = try ImageComparison.mismatch(png, baseline: url) { Issue.record("lightcurve baseline: \(problem)") }
    }

    @Test func pngSvgAndPdfShowTheSameLayout() async throws {
        let source = DirectorySource(directory: fixturesDirectory())
        let rows = try await source.detections(of: try ObjectId(validating: "ZTF19acihgng"), options: FetchOptions())
        let chart = try LightcurveBuilder.build(objectId: "ZTF19acihgng", detections: rows).chart
        let size = FigureSize()
        let svg = String(decoding: try FigureRenderer.render(Figure(size: size.points, chart: chart), format: .svg, size: size), as: UTF8.self)
        #expect(svg.contains("width=\"1200px\" height=\"600px\""))
        let pdf = String(decoding: try FigureRenderer.render(Figure(size: size.points, chart: chart), format: .pdf, size: size), as: UTF8.self)
        #expect(pdf.contains("/MediaBox [ 0 0 576 288 ]"), "1200 px at 150 dpi is 8 in = 576 pt")
        #expect(!pdf.contains("/Type3"), "fonts are embedded TrueType, not Type 3")
    }
}
