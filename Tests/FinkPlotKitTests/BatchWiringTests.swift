import CairoRender
import FinkAPI
import FinkTestServer
import Foundation
import Testing
@testable import FinkPlotKit

/// `anomaly --render` and `render` as a user runs them: the `finkplot` binary against the
/// in-process server, checked through its request log, the manifest and the files.
@Suite struct BatchWiringTests {
    /// The anomaly fixture with its six newest alerts naming `objectIds` (newest first) at
    /// distinct times; the older alerts keep theirs.
    func anomalyRows(naming objectIds: [String]) throws -> [FixtureRow] {
        var rows = try FixtureServer.rows(fromFile: fixturesDirectory().appendingPathComponent("anomaly.json"))
        rows.sort { ($0["i:jd"]?.doubleValue ?? 0) > ($1["i:jd"]?.doubleValue ?? 0) }
        for (i, id) in objectIds.enumerated() {
            rows[i]["i:objectId"] = .string(id)
            rows[i]["i:jd"] = .number(String(2_461_123.5 - 0.01 * Double(i)))
        }
        return rows
    }

    @Test func anomalyRenderCutoutsGoesThroughTheRunner() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 3, rows: fixtureSources, cutouts: try cutoutsFixture(), maxRows: 4)
        let unknown = "ZTF99aaaaaaa", malformed = "ZTF21"
        // Two alerts of ids[0]: it is drawn once.
        await server.setAnomalyRows(try anomalyRows(naming: [ids[0], ids[1], ids[0], ids[2], unknown, malformed]))
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let grids = dir.appendingPathComponent("grids")
        let arguments = ["anomaly", "--api-url", server.baseURL.absoluteString, "--n", "6", "-o", dir.appendingPathComponent("anomaly.png").path,
                         "--render", "cutouts", "--output-dir", grids.path, "--chunk-size", "2", "--cache",
                         dir.appendingPathComponent("cache").path, "--rps", "100", "--quiet"]

        let first = try await runFinkplot(arguments)
        #expect(first.status == 1, "an empty and an invalid object make the run incomplete: \(first.err)")
        #expect(first.lastLine == "5 ids: 3 rendered, 0 skipped, 1 empty, 1 invalid, 0 failed", "\(first.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("anomaly.png").path), "the chart is still written")
        #expect(first.out.isEmpty, "standard output carries data alone: \(first.out)")

        // Alerts first, then the objects in chunks of two, then the shown alert's stamps.
        let requests = await server.requests
        #expect(requests.first?.path == "/api/v1/anomaly")
        #expect(requests.filter { $0.path == "/api/v1/anomaly" }.count == 1)
        let chunks = await objectsRequests(server)
        #expect(Set(chunks) == [[ids[0], ids[1]], [ids[2], unknown]], "newest first, in chunks of --chunk-size, \(malformed) never sent")
        let cutouts = requests.filter { $0.path == "/api/v1/cutouts" }
        #expect(cutouts.count == 3, "one alert per object")
        for id in ids {
            let expected = try #require(SyntheticObjects.latestValidCandid(await server.rows(for: id)))
            let asked = cutouts.filter { $0.arguments["objectId"] == id }
            #expect(asked.map { $0.arguments["candid"] } == [String(expected)], "\(id): the latest alert's stamps only")
            let objects = try #require(requests.first { $0.path == "/api/v1/objects" && ($0.arguments["objectId"] ?? "").contains(id) })
            #expect(asked.allSatisfy { $0.index > objects.index }, "\(id): stamps after its rows")
        }

        // One grid per object (`<id>_cutouts.<ext>` now), and a manifest line for every anomalous object.
        let manifest = Manifest.load(grids.appendingPathComponent("manifest.jsonl"))
        #expect(Set(manifest.keys) == Set(ids + [unknown, malformed]))
        for id in ids { #expect(manifest[id]?.status == .rendered && manifest[id]?.outputs == ["\(id)_cutouts.png"]) }
        #expect(manifest[unknown]?.status == .empty && manifest[malformed]?.status == .invalid)
        let files = try FileManager.default.contentsOfDirectory(atPath: grids.path).sorted()
        #expect(files == (ids.map { "\($0)_cutouts.png" } + ["manifest.jsonl"]).sorted())

        // A re-run skips what is done: only the empty object is asked for again.
        await server.clearRequests()
        let again = try await runFinkplot(arguments)
        #expect(again.lastLine == "5 ids: 0 rendered, 3 skipped, 1 empty, 1 invalid, 0 failed", "\(again.err)")
        #expect(await server.requests.map(\.path) == ["/api/v1/anomaly", "/api/v1/objects"])
        #expect(await objectsRequests(server) == [[unknown]])
    }

    @Test func anomalyRenderOfflineAsksForTheAlertsOnly() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let id = SyntheticObjects.id(7)
        await server.setAnomalyRows(try anomalyRows(naming: [id]))
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        let result = try await runFinkplot([
            "anomaly", "--api-url", server.baseURL.absoluteString, "--n", "1", "-o", dir.appendingPathComponent("a.svg").path,
            "--render", "lightcurve", "--output-dir", dir.appendingPathComponent("lc").path, "--offline", "--cache", cache.path, "--quiet"])
        #expect(result.status == 1)
        // Entries are kept per source: the missing one is that of the --api-url given.
        let missing = ObjectCache(directory: cache).objectURL(try ztfKey(id), location: server.baseURL.absoluteString).path
        #expect(result.err.contains("error: \(id): no cached data for \(id) (\(missing) is missing; --offline never asks the API)"),
                "\(result.err)")
        #expect(await server.requests.map(\.path) == ["/api/v1/anomaly"])
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("a.svg").path))
    }

    @Test func anomalyLightcurvesRecordASpecThatRenderRemakesFromTheCache() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 1, rows: fixtureSources, maxRows: 12)
        await server.setAnomalyRows(try anomalyRows(naming: ids))
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache").path
        let drawn = try await runFinkplot([
            "anomaly", "--api-url", server.baseURL.absoluteString, "--n", "1", "-o", dir.appendingPathComponent("a.png").path,
            "--render", "lightcurve", "--output-dir", dir.path, "--style", "paper", "--dpi", "100", "--cache", cache, "--quiet"])
        #expect(drawn.status == 0, "\(drawn.err)")
        let png = try Data(contentsOf: dir.appendingPathComponent("\(ids[0])_lightcurve.png"))
        let chunks = Dictionary(try PNGText.read(png).map { ($0.keyword, $0.text) }, uniquingKeysWith: { x, _ in x })
        let embedded = try #require(chunks["finkplot:spec"])
        let spec = try JSONDecoder().decode(FigureSpec.self, from: Data(embedded.utf8))
        #expect(spec.command == .lightcurve && spec.objectIds == ids && spec.options.style == .paper && spec.options.dpi == 100)
        #expect(spec.source.apiURL == server.baseURL.absoluteString)

        let specFile = dir.appendingPathComponent("spec.json")
        try Data(embedded.utf8).write(to: specFile)
        await server.clearRequests()
        let again = dir.appendingPathComponent("again.png")
        let render = try await runFinkplot(["render", specFile.path, "--offline", "--cache", cache, "-o", again.path, "--quiet"])
        #expect(render.status == 0, "\(render.err)")
        #expect(try Data(contentsOf: again) == png)
        #expect(await server.requests.isEmpty)
    }

    @Test func anomalyBatchOptionsNeedRender() async throws {
        let saved = fixturesDirectory().appendingPathComponent("anomaly.json").path
        let result = try await runFinkplot(["anomaly", "--from", saved, "--cache", "/tmp/x"])
        #expect(result.status == 64)
        #expect(result.err.contains("only make sense with --render"), "\(result.err)")
        let conflict = try await runFinkplot(["anomaly", "--from", saved, "--render", "card", "--offline",
                                              "--objects-from", "/tmp"])
        #expect(conflict.status == 64)
        // --objects-from is an alias of --from (a directory: the objects' answers).
        #expect(conflict.err.contains("--offline reads the cache only: it excludes --from DIR"), "\(conflict.err)")
    }

    @Test func renderRemakesASpecFromTheCacheWhateverItsAge() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 2, rows: fixtureSources, cutouts: try cutoutsFixture(), maxRows: 12)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let api = ["--api-url", server.baseURL.absoluteString, "--cache", path("cache"), "--rps", "100", "--quiet"]
        let small = ["--width", "400", "--height", "200", "--dpi", "50"]

        // Lightcurves first: each run fetches its objects afresh, so its figures record the run's own
        // query time, as its saved spec does (a figure drawn from the cache records the entry's).
        let lightcurves = try await runFinkplot(["lightcurve"] + ids + ["--output-dir", path("lc"), "--save-spec", path("lc.json")] + api + small)
        #expect(lightcurves.status == 0, "\(lightcurves.err)")
        let card = try await runFinkplot(["card", ids[0], "-o", path("card.png"), "--save-spec", path("card.json")] + api)
        #expect(card.status == 0, "\(card.err)")

        // The server now fails everything, and every cached object is a month old.
        await server.setFaultHook { _ in .respond(status: 500, body: "<p>Internal Server Error</p>", contentType: "text/html") }
        await server.clearRequests()
        let cache = ObjectCache(directory: dir.appendingPathComponent("cache"))
        let location = server.baseURL.absoluteString
        for raw in ids {
            let entry = try #require(cache.entry(try ztfKey(raw), location: location, maxAge: nil, needs: .lightcurve))
            try cache.store(entry.data, location: entry.location, now: Date(timeIntervalSinceNow: -30 * 86_400))
        }

        let cardAgain = try await runFinkplot(["render", path("card.json"), "--cache", path("cache"), "-o", path("card_again.png"), "--quiet"])
        #expect(cardAgain.status == 0, "\(cardAgain.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("card_again.png"))) == Data(contentsOf: URL(fileURLWithPath: path("card.png"))))
        let lcAgain = try await runFinkplot(["render", path("lc.json"), "--cache", path("cache"), "--output-dir", path("lc_again"), "--quiet"])
        #expect(lcAgain.status == 0 && lcAgain.lastLine == "2 ids: 2 rendered, 0 skipped, 0 empty, 0 invalid, 0 failed", "\(lcAgain.err)")
        for id in ids {
            #expect(try Data(contentsOf: dir.appendingPathComponent("lc_again/\(id)_lightcurve.png")) == Data(contentsOf: dir.appendingPathComponent("lc/\(id)_lightcurve.png")))
        }
        #expect(await server.requests.isEmpty, "rows and stamps came from the cache")

        // --max-age makes old entries stale again: they are asked for (and the server fails).
        let stale = try await runFinkplot(["render", path("lc.json"), "--cache", path("cache"), "--max-age", "1d", "--retries", "0",
                                           "--output-dir", path("lc_stale"), "--quiet"])
        #expect(stale.status == 1 && stale.err.contains("HTTP 500"), "\(stale.err)")
        #expect(await objectsRequests(server) == [ids])

        // Only what the cache lacks is fetched.
        await server.setFaultHook(nil)
        await server.clearRequests()
        try FileManager.default.removeItem(at: cache.objectURL(try ztfKey(ids[1]), location: location))
        let partial = try await runFinkplot(["render", path("lc.json"), "--cache", path("cache"), "--output-dir", path("lc_partial"), "--quiet"])
        #expect(partial.status == 0, "\(partial.err)")
        #expect(await objectsRequests(server) == [[ids[1]]])
        #expect(try Data(contentsOf: dir.appendingPathComponent("lc_partial/\(ids[1])_lightcurve.png")) == Data(contentsOf: dir.appendingPathComponent("lc/\(ids[1])_lightcurve.png")))
    }

    @Test func renderOfflineWithAnEmptyCacheFailsClearly() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 1, rows: fixtureSources, maxRows: 4)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = dir.appendingPathComponent("lc.json").path
        let saved = try await runFinkplot(["lightcurve", ids[0], "--api-url", server.baseURL.absoluteString, "--no-cache",
                                           "-o", dir.appendingPathComponent("lc.png").path, "--save-spec", spec,
                                           "--width", "400", "--height", "200", "--dpi", "50", "--quiet"])
        #expect(saved.status == 0, "\(saved.err)")
        await server.clearRequests()
        let empty = dir.appendingPathComponent("empty-cache")
        let out = dir.appendingPathComponent("again.png")
        let result = try await runFinkplot(["render", spec, "--offline", "--cache", empty.path, "-o", out.path, "--quiet"])
        #expect(result.status == 1)
        let missing = ObjectCache(directory: empty).objectURL(try ztfKey(ids[0]), location: server.baseURL.absoluteString).path
        #expect(result.err.contains("error: \(ids[0]): no cached data for \(ids[0]) (\(missing) is missing; --offline never asks the API)"),
                "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(await server.requests.isEmpty)
    }
}
