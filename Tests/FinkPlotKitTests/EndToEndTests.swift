import CairoRender
import FinkAPI
import FinkTestServer
import Foundation
import PlotCore
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
        let run = LightcurveRun(source: FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30)),
                                target: .directory(dir), format: .png)
        let outcomes = await run.run(ids: ["ZTF18aabjigr", "ZTF99zzzzzzz", "ZTF21", "ZTF18acefvuh"])
        #expect(outcomes.map(\.objectId) == ["ZTF21", "ZTF18aabjigr", "ZTF99zzzzzzz", "ZTF18acefvuh"])
        #expect(outcomes.map(\.succeeded) == [false, true, false, true])
        #expect(outcomes[2].status == .failed(reason: "no data for ZTF99zzzzzzz at \(server.baseURL.absoluteString)/api/v1/objects"))
        guard case let .failed(reason) = outcomes[0].status else { return }
        #expect(reason.contains("'ZTF21'"))

        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["ZTF18aabjigr.png", "ZTF18acefvuh.png"], "no file for failures, no temporary left")
        let png = try PNGDecoder.decode(try Data(contentsOf: dir.appendingPathComponent("ZTF18aabjigr.png")))
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
        let run = CutoutRun(source: FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30)),
                            choice: .latest, rendering: try StampRendering(), scale: 2, dpi: 150, colorbars: false,
                            format: .png, output: output, rawDirectory: dir)
        let outcomes = await run.run(ids: ["ZTF18acefvuh"])
        #expect(outcomes.allSatisfy { $0.succeeded }, "\(outcomes)")
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
        let id = try ObjectId(validating: "ZTF18acefvuh")
        let directory = DirectorySource(directory: fixturesDirectory())
        let alerts = try await CutoutFigure.alerts(of: id, choice: .all, source: directory)
        #expect(alerts.count == 16)
        // Offline: the newest alert has its saved /cutouts answer, the older ones no stamps in the fixture.
        let offline = try await directory.stamps(of: id, alerts: alerts)
        #expect(offline.count == alerts.count)
        #expect(offline[0].count == 3 && offline.dropFirst().allSatisfy(\.isEmpty))
        // Online: one /cutouts request per alert, in the alerts' order, each naming its candid.
        let client = FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30))
        let newest = Array(alerts.prefix(1))
        let online = try await client.stamps(of: id, alerts: newest)
        #expect(online == offline.prefix(1).map { $0 })
        let requests = await server.requests
        #expect(requests.map(\.path) == ["/api/v1/cutouts"])
    }

    @Test func aServerErrorFailsTheObjectWithTheServersText() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        await server.setFaultHook { _ in .respond(status: 503, body: "<html>Service Unavailable</html>", contentType: "text/html") }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = LightcurveRun(source: FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 30)),
                                target: .file(dir.appendingPathComponent("x.png")), format: .png)
        let outcome = await run.render(try ObjectId(validating: "ZTF18aabjigr"))
        guard case let .failed(reason) = outcome.status else { Issue.record("should fail"); return }
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
