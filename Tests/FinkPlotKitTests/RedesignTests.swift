import CairoRender
import FinkAPI
import FinkTestServer
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

// What the two-survey redesign promises: cache entries keyed by source and survey, manifest
// entries keyed by job, provenance without private paths, and version-2 specs that still read
// version 1.

/// A PNG's text chunks by keyword.
func pngText(_ png: Data) throws -> [String: String] {
    Dictionary(try PNGText.read(png).map { ($0.keyword, $0.text) }, uniquingKeysWith: { a, _ in a })
}

/// Figure size options that keep the test's lightcurves cheap.
let smallFigure = ["--width", "400", "--height", "200", "--dpi", "50"]

/// The points of each key's data, -1 for a key without data.
func pointCounts(_ answers: [ObjectKey: Result<ObjectData, any Error>], _ keys: [ObjectKey]) -> [Int] {
    keys.map { key in (try? answers[key]?.get())?.points.count ?? -1 }
}

// MARK: - Cache identity

@Suite struct CacheIdentityTests {
    /// Two servers holding the same ids, with each object's 4 newest rows on one and its 12 newest
    /// on the other: an answer served from the wrong one shows in the number of points.
    func twoServers() async throws -> (a: FixtureServer, b: FixtureServer, ids: [String]) {
        let a = try await FixtureServer(), b = try await FixtureServer()
        let ids = try await a.loadSynthetic(count: 2, rows: fixtureSources, maxRows: 4)
        #expect(try await b.loadSynthetic(count: 2, rows: fixtureSources, maxRows: 12) == ids)
        return (a, b, ids)
    }

    @Test func anEntryFetchedFromOneAPIIsNeverServedForAnother() async throws {
        let (a, b, ids) = try await twoServers()
        defer { Task { await a.stop(); await b.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir)
        let keys = try ids.map(ztfKey)
        let fromA = CachedSource(fastClient(a), cache: cache, maxAge: 86_400)
        let fromB = CachedSource(fastClient(b), cache: cache, maxAge: 86_400)

        #expect(pointCounts(try await fromA.objects(keys, needs: .lightcurve), keys) == [4, 4])
        #expect(pointCounts(try await fromB.objects(keys, needs: .lightcurve), keys) == [12, 12], "B's data, not A's entries")
        #expect(await objectsRequests(b) == [ids], "B is asked although A's answers are cached")
        #expect(cache.folder(survey: .ztf, location: fromA.location) != cache.folder(survey: .ztf, location: fromB.location))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("ztf").path).count == 2,
                "one folder per API")

        // Each reads back its own entries, asking nobody.
        await a.clearRequests()
        await b.clearRequests()
        #expect(pointCounts(try await fromA.objects(keys, needs: .lightcurve), keys) == [4, 4])
        #expect(pointCounts(try await fromB.objects(keys, needs: .lightcurve), keys) == [12, 12])
        #expect(await a.requests.isEmpty)
        #expect(await b.requests.isEmpty)
    }

    @Test func theCommandLineCacheKeepsEachAPIsEntriesApart() async throws {
        let (a, b, ids) = try await twoServers()
        defer { Task { await a.stop(); await b.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache").path
        func lightcurves(_ server: FixtureServer, into name: String) async throws -> FinkplotResult {
            try await runFinkplot(["lightcurve"] + ids + ["--api-url", server.baseURL.absoluteString, "--cache", cache,
                                                          "--output-dir", dir.appendingPathComponent(name).path, "--rps", "100",
                                                          "--quiet"] + smallFigure)
        }
        func pixels(_ name: String, _ id: String) throws -> RGBAImage {
            try PNGDecoder.decode(try Data(contentsOf: dir.appendingPathComponent("\(name)/\(id)_lightcurve.png")))
        }

        let first = try await lightcurves(a, into: "a")
        #expect(first.status == 0, "\(first.err)")
        let second = try await lightcurves(b, into: "b")
        #expect(second.status == 0, "\(second.err)")
        #expect(await objectsRequests(b) == [ids], "--api-url B is asked although A's answers are in --cache")
        for id in ids { #expect(try pixels("a", id) != pixels("b", id), "\(id): B's figure shows B's rows") }

        // A again: its own entries, nothing asked, the same figures.
        await a.clearRequests()
        let third = try await lightcurves(a, into: "a-again")
        #expect(third.status == 0, "\(third.err)")
        #expect(await a.requests.isEmpty)
        for id in ids { #expect(try pixels("a-again", id) == pixels("a", id)) }
    }

    @Test func anEntryOfAnotherSurveyIsNotServed() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 1, rows: fixtureSources, maxRows: 4)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir)
        let client = fastClient(server)
        let ztf = try ztfKey(ids[0])
        // The same id text, from the same API, for another survey.
        let other = ObjectKey(survey: Survey("lsst"), validatedId: ids[0])
        let point = PhotometryPoint(mjd: 60_000, band: "g", kind: .detection, alertId: 1, magnitude: PhotometricValue(20, unit: .abMagnitude))
        try cache.store(ObjectData(key: other, points: [point], timeScale: .tai), location: client.location)
        #expect(cache.entry(other, location: client.location, maxAge: nil, needs: .lightcurve) != nil, "kept under its own survey")
        #expect(cache.entry(ztf, location: client.location, maxAge: nil, needs: .lightcurve) == nil)

        // Even copied into the ZTF folder, another survey's entry is not taken for the ZTF object.
        let ztfFile = cache.objectURL(ztf, location: client.location)
        try FileManager.default.createDirectory(at: ztfFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: cache.objectURL(other, location: client.location), to: ztfFile)
        #expect(cache.entry(ztf, location: client.location, maxAge: nil, needs: .lightcurve) == nil)

        let answers = try await CachedSource(client, cache: cache, maxAge: nil).objects([ztf], needs: .lightcurve)
        #expect(pointCounts(answers, [ztf]) == [4], "the server's rows, not the other survey's point")
        #expect(await objectsRequests(server) == [ids])
    }

    @Test func offlineReadsOnlyTheEntriesOfTheResolvedURL() async throws {
        let (a, b, ids) = try await twoServers()
        defer { Task { await a.stop(); await b.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cacheDir = dir.appendingPathComponent("cache")
        func lightcurves(_ server: FixtureServer, into name: String, offline: Bool) async throws -> FinkplotResult {
            try await runFinkplot(["lightcurve"] + ids + ["--api-url", server.baseURL.absoluteString, "--cache", cacheDir.path,
                                                          "--output-dir", dir.appendingPathComponent(name).path, "--rps", "100",
                                                          "--quiet"] + (offline ? ["--offline"] : []) + smallFigure)
        }
        let filled = try await lightcurves(a, into: "a", offline: false)
        #expect(filled.status == 0, "\(filled.err)")
        await a.clearRequests()

        // Offline for B's URL: A's entries are not B's.
        let offB = try await lightcurves(b, into: "b", offline: true)
        #expect(offB.status == 1)
        #expect(offB.lastLine == "2 ids: 0 rendered, 0 skipped, 0 empty, 0 invalid, 2 failed", "\(offB.err)")
        let missing = ObjectCache(directory: cacheDir).objectURL(try ztfKey(ids[0]), location: b.baseURL.absoluteString).path
        #expect(offB.err.contains("no cached data for \(ids[0]) (\(missing) is missing; --offline never asks the API)"), "\(offB.err)")
        // Offline for A's URL: its entries.
        let offA = try await lightcurves(a, into: "a-offline", offline: true)
        #expect(offA.status == 0 && offA.lastLine == "2 ids: 2 rendered, 0 skipped, 0 empty, 0 invalid, 0 failed", "\(offA.err)")
        #expect(await a.requests.isEmpty)
        #expect(await b.requests.isEmpty)

        // The same through the kit.
        let cache = ObjectCache(directory: cacheDir)
        let keys = try ids.map(ztfKey)
        let forB = try await CachedSource(offline: .ztf, location: b.baseURL.absoluteString, cache: cache).objects(keys, needs: .lightcurve)
        #expect(pointCounts(forB, keys) == [-1, -1])
        #expect(keys.allSatisfy { key in
            if case let .failure(error)? = forB[key] { return error is BatchError } else { return false }
        }, "not cached, said so")
        let forA = try await CachedSource(offline: .ztf, location: a.baseURL.absoluteString, cache: cache).objects(keys, needs: .lightcurve)
        #expect(pointCounts(forA, keys) == [4, 4])
    }

    @Test func anEntryDatedInTheFutureIsStale() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 1, rows: fixtureSources, maxRows: 4)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir)
        let client = fastClient(server)
        let key = try ztfKey(ids[0])
        let placeholder = ObjectData(key: key, points: [], timeScale: .utc)

        // A few seconds ahead is clock skew between machines sharing a cache: still fresh.
        try cache.store(placeholder, location: client.location, now: Date(timeIntervalSinceNow: 30))
        #expect(cache.entry(key, location: client.location, maxAge: 86_400, needs: .lightcurve) != nil)
        // An hour ahead (a clock set back, a copy from a machine ahead of ours) is not fresh.
        try cache.store(placeholder, location: client.location, now: Date(timeIntervalSinceNow: 3600))
        #expect(cache.entry(key, location: client.location, maxAge: 86_400, needs: .lightcurve) == nil)
        #expect(cache.entry(key, location: client.location, maxAge: nil, needs: .lightcurve) != nil, "without an age limit it is still there")

        let answers = try await CachedSource(client, cache: cache, maxAge: 86_400).objects([key], needs: .lightcurve)
        #expect(pointCounts(answers, [key]) == [4], "fetched again")
        #expect(await objectsRequests(server) == [ids])
        #expect(cache.entry(key, location: client.location, maxAge: 86_400, needs: .lightcurve)?.data.points.count == 4, "and replaced")
    }
}

// MARK: - Job identity

@Suite struct JobIdentityTests {
    @Test func anotherCommandOrOtherOptionsInTheSameDirectoryAreNotSkipped() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let figures = dir.appendingPathComponent("figures")
        let ids = ["ZTF18aabjigr", "ZTF18acefvuh"]
        let common = ids + ["--from", fixturesDirectory().path, "--output-dir", figures.path, "--quiet"]
        func lightcurves(_ extra: [String] = []) async throws -> FinkplotResult {
            try await runFinkplot(["lightcurve"] + common + smallFigure + extra)
        }
        func cards() async throws -> FinkplotResult { try await runFinkplot(["card"] + common + ["--dpi", "50"]) }
        let done = "2 ids: 2 rendered, 0 skipped, 0 empty, 0 invalid, 0 failed"
        let skipped = "2 ids: 0 rendered, 2 skipped, 0 empty, 0 invalid, 0 failed"

        let lc = try await lightcurves()
        #expect(lc.status == 0 && lc.lastLine == done, "\(lc.err)")
        let card = try await cards()
        #expect(card.status == 0 && card.lastLine == done, "cards are not skipped for the lightcurves done: \(card.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: figures.path).sorted()
            == ["ZTF18aabjigr_card.png", "ZTF18aabjigr_lightcurve.png", "ZTF18acefvuh_card.png", "ZTF18acefvuh_lightcurve.png", "manifest.jsonl"])

        // The same commands again: each finds its own entries.
        let lcAgain = try await lightcurves()
        #expect(lcAgain.status == 0 && lcAgain.lastLine == skipped, "\(lcAgain.err)")
        let cardAgain = try await cards()
        #expect(cardAgain.status == 0 && cardAgain.lastLine == skipped, "\(cardAgain.err)")

        // Other options are another job: drawn again, then skipped when repeated.
        let before = try Data(contentsOf: figures.appendingPathComponent("ZTF18aabjigr_lightcurve.png"))
        let dark = try await lightcurves(["--style", "dark"])
        #expect(dark.status == 0 && dark.lastLine == done, "--style dark is not the default style's job: \(dark.err)")
        #expect(try PNGDecoder.decode(Data(contentsOf: figures.appendingPathComponent("ZTF18aabjigr_lightcurve.png"))) != PNGDecoder.decode(before))
        let darkAgain = try await lightcurves(["--style", "dark"])
        #expect(darkAgain.status == 0 && darkAgain.lastLine == skipped, "\(darkAgain.err)")

        // Every manifest line names its job: the lightcurves, the cards, the dark lightcurves.
        let entries = try manifestLines(figures.appendingPathComponent("manifest.jsonl"))
        #expect(entries.allSatisfy { $0.job != nil })
        let jobs = Set(entries.compactMap(\.job))
        #expect(jobs.count == 3, "\(jobs)")
        #expect(jobs.filter { $0.hasPrefix("card ") }.count == 1 && jobs.filter { $0.hasPrefix("lightcurve ") }.count == 2)
    }
}

extension JobIdentityTests {
    /// A job's files drawn over by another job are no longer that job's: its re-run must draw
    /// them again: the runner skips an id only when its last entry of this job is done, the files
    /// exist, and no other job wrote them since.
    @Test func filesOverwrittenByAnotherJobAreDrawnAgain() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = ["lightcurve", "ZTF18aabjigr", "--from", fixturesDirectory().path, "--output-dir", dir.path, "--quiet"] + smallFigure
        let screen = try await runFinkplot(arguments)
        #expect(screen.status == 0, "\(screen.err)")
        let dark = try await runFinkplot(arguments + ["--style", "dark"])
        #expect(dark.status == 0, "\(dark.err)")
        let again = try await runFinkplot(arguments)
        #expect(again.status == 0, "\(again.err)")
        #expect(again.lastLine == "1 id: 1 rendered, 0 skipped, 0 empty, 0 invalid, 0 failed", "\(again.err)")
        let once = try await runFinkplot(arguments)
        #expect(once.lastLine == "1 id: 0 rendered, 1 skipped, 0 empty, 0 invalid, 0 failed", "then it is done: \(once.err)")
    }
}

// MARK: - Provenance without private paths

@Suite struct ProvenanceTests {
    /// Figures drawn from saved answers at an absolute path record the directory (or file) by
    /// its name, never the path of this machine; a relative path is recorded as given.
    @Test func figuresNeverRecordTheAbsolutePathTheyWereDrawnFrom() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let samples = dir.appendingPathComponent("data/samples")
        try FileManager.default.createDirectory(at: samples.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixturesDirectory(), to: samples)
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        func path(_ name: String) -> String { out.appendingPathComponent(name).path }
        func file(_ name: String) throws -> Data { try Data(contentsOf: out.appendingPathComponent(name)) }
        let from = ["--from", samples.path, "--quiet"]

        for arguments in [["lightcurve", "ZTF18aabjigr", "-o", path("lc.png"), "--save-spec", path("lc.json")] + from + smallFigure,
                          ["lightcurve", "ZTF18aabjigr", "-o", path("lc.pdf")] + from + smallFigure,
                          ["card", "ZTF18acefvuh", "-o", path("card.pdf"), "--dpi", "50"] + from,
                          ["card", "ZTF18acefvuh", "-o", path("card.png"), "--dpi", "50"] + from,
                          ["cutouts", "ZTF18acefvuh", "-o", path("grid.png")] + from,
                          ["anomaly", "--from", samples.appendingPathComponent("anomaly.json").path, "-o", path("a.png")],
                          ["stats", "--from", samples.appendingPathComponent("statistics_2021.json").path, "--date", "202103",
                           "--plot", "nightly", "-o", path("s.pdf")]] {
            let result = try await runFinkplot(arguments)
            #expect(result.status == 0, "\(arguments): \(result.err)")
        }
        for name in ["lc.png", "lc.pdf", "card.pdf", "card.png", "grid.png", "a.png", "s.pdf"] {
            let bytes = try file(name)
            #expect(bytes.range(of: Data(dir.path.utf8)) == nil, "\(name) records the absolute path \(dir.path)")
            // PDF information strings may be UTF-16: read them decoded too.
            if name.hasSuffix(".pdf") {
                let info = PDFInfo.read(bytes)
                #expect(info["Subject"] != nil && info.values.allSatisfy { !$0.contains(dir.path) }, "\(name): \(info)")
            }
        }

        // What they record instead: the directory's (or file's) name.
        let lc = try pngText(try file("lc.png"))
        #expect(lc["Source"] == "directory samples")
        #expect(lc["Description"]?.contains("data from directory samples, queried ") == true)
        let embedded = try JSONDecoder().decode(FigureSpec.self, from: Data(try #require(lc["finkplot:spec"]).utf8))
        #expect(embedded.source.directory == "samples")
        #expect(try pngText(try file("card.png"))["Source"] == "directory samples")
        #expect(try pngText(try file("grid.png"))["Source"] == "directory samples")
        #expect(try pngText(try file("a.png"))["Source"] == "file anomaly.json")
        for name in ["lc.pdf", "card.pdf"] {
            #expect(PDFInfo.read(try file(name))["Subject"]?.contains("data from directory samples, queried ") == true, "\(name)")
        }
        #expect(PDFInfo.read(try file("s.pdf"))["Subject"]?.contains("data from file statistics_2021.json, queried ") == true)

        // The spec saved with --save-spec keeps the directory as given (it replays from anywhere);
        // the one a figure carries names it, and replays beside the directory.
        let again = try await runFinkplot(["render", path("lc.json"), "-o", path("again.png"), "--quiet"])
        #expect(again.status == 0, "\(again.err)")
        #expect(try PNGDecoder.decode(try file("again.png")) == PNGDecoder.decode(try file("lc.png")))
        try Data(try #require(lc["finkplot:spec"]).utf8).write(to: out.appendingPathComponent("embedded.json"))
        let beside = try await runFinkplot(["render", path("embedded.json"), "-o", path("beside.png"), "--quiet"],
                                          in: samples.deletingLastPathComponent())
        #expect(beside.status == 0, "\(beside.err)")
        #expect(try PNGDecoder.decode(try file("beside.png")) == PNGDecoder.decode(try file("lc.png")))

        // A relative path is recorded as given.
        let relative = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", "data/samples", "-o", path("rel.png"), "--quiet"]
                                             + smallFigure, in: dir)
        #expect(relative.status == 0, "\(relative.err)")
        #expect(try pngText(try file("rel.png"))["Source"] == "directory data/samples")
    }

    @Test func anomalyAndStatsFiguresRecordToolServiceAndQueryTime() async throws {
        let server = try await serviceFixtureServer()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let api = server.baseURL.absoluteString
        let before = Provenance.now()
        let anomaly = try await runFinkplot(["anomaly", "--api-url", api, "--n", "5", "-o", dir.appendingPathComponent("a.png").path])
        #expect(anomaly.status == 0, "\(anomaly.err)")
        let stats = try await runFinkplot(["stats", "--api-url", api, "--date", "202103", "--plot", "nightly",
                                           "-o", dir.appendingPathComponent("s.pdf").path])
        #expect(stats.status == 0, "\(stats.err)")
        let after = Provenance.now()

        let chunks = try pngText(try Data(contentsOf: dir.appendingPathComponent("a.png")))
        #expect(chunks["Software"] == FinkPlotVersion.software)
        #expect(chunks["Source"] == api)
        #expect(chunks["finkplot:options"] == "anomaly --count 5")
        let time = try #require(chunks["Creation Time"])
        // ISO 8601 UTC to the second: text order is time order.
        #expect(before <= time && time <= after, "\(before) ≤ \(time) ≤ \(after)")
        #expect(chunks["Description"]?.contains("data from \(api), queried \(time)") == true, "\(chunks)")

        let info = PDFInfo.read(try Data(contentsOf: dir.appendingPathComponent("s.pdf")))
        #expect(info["Creator"] == FinkPlotVersion.software)
        let subject = try #require(info["Subject"])
        let service = try #require(subject.range(of: "data from \(api), queried "), "the subject names the service: \(subject)")
        let queried = String(subject[service.upperBound...].prefix(20))
        #expect(before <= queried && queried <= after, "\(before) ≤ \(queried) ≤ \(after)")
        #expect(subject.contains("options: stats --date 202103 --plot nightly"))
        // Cairo 1.16 writes the date without PDF's "D:" prefix.
        let date = queried.prefix(19).filter(\.isNumber)
        #expect(info["CreationDate"]?.hasPrefix(date) == true || info["CreationDate"]?.hasPrefix("D:\(date)") == true,
                "the creation date is the query time: \(info)")
    }
}

// MARK: - Spec version 2

@Suite struct SpecVersionTests {
    /// Specs as finkplot 0.1 wrote them: version 1, options as strings, the directory made absolute.
    func versionOne(_ command: String, options: String, id: String, output: String) -> String {
        """
        {
          "command" : "\(command)",
          "objectIds" : [
            "\(id)"
          ],
          "options" : \(options),
          "output" : {
            "file" : "\(output)"
          },
          "queryTime" : "2024-03-01T12:00:00Z",
          "software" : "finkplot 0.1.0",
          "source" : {
            "directory" : "\(fixturesDirectory().path)"
          },
          "version" : 1
        }
        """
    }

    @Test func aVersionOneSpecStillReplays() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func file(_ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }
        let from = ["--from", fixturesDirectory().path, "--quiet"]

        let lightcurve = versionOne("lightcurve", options: """
            {"dpi" : 50, "format" : "png", "height" : 200, "palette" : "colorblind", "style" : "paper", "time" : "since-first", \
            "topAxis" : "date", "width" : 400, "y" : "flux"}
            """, id: "ZTF18aabjigr", output: path("v1.png"))
        try Data(lightcurve.utf8).write(to: dir.appendingPathComponent("v1.json"))
        // Version 1 recorded output paths as given, here absolute: a spec's paths are data, so a
        // replay names its output (issue #12) and the rest of the spec replays unchanged.
        let refused = try await runFinkplot(["render", path("v1.json"), "--quiet"])
        #expect(refused.status == 64 && refused.err.contains("is an absolute path"), "\(refused.err)")
        let replay = try await runFinkplot(["render", path("v1.json"), "-o", path("v1.png"), "--quiet"])
        #expect(replay.status == 0, "\(replay.err)")
        // The figure today's command line draws with those options.
        let now = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--style", "paper", "--palette", "colorblind", "--time", "since-first",
                                         "--top-axis", "date", "--y", "flux", "-o", path("now.png")] + from + smallFigure)
        #expect(now.status == 0, "\(now.err)")
        #expect(try PNGDecoder.decode(try file("v1.png")) == PNGDecoder.decode(try file("now.png")))
        let replayed = try pngText(try file("v1.png")), drawn = try pngText(try file("now.png"))
        #expect(replayed["finkplot:options"] == drawn["finkplot:options"])
        #expect(replayed["Creation Time"] == "2024-03-01T12:00:00Z", "the spec's query time")
        #expect(replayed["Source"] == "directory \(fixturesDirectory().lastPathComponent)", "no absolute path, even from a version-1 spec")

        let card = versionOne("card", options: #"{"alert" : "peak", "dpi" : 50, "format" : "png"}"#, id: "ZTF18acefvuh",
                              output: path("v1_card.png"))
        try Data(card.utf8).write(to: dir.appendingPathComponent("v1_card.json"))
        let cardReplay = try await runFinkplot(["render", path("v1_card.json"), "-o", path("v1_card.png"), "--quiet"])
        #expect(cardReplay.status == 0, "\(cardReplay.err)")
        let cardNow = try await runFinkplot(["card", "ZTF18acefvuh", "--alert", "peak", "--dpi", "50", "-o", path("now_card.png")] + from)
        #expect(cardNow.status == 0, "\(cardNow.err)")
        #expect(try PNGDecoder.decode(try file("v1_card.png")) == PNGDecoder.decode(try file("now_card.png")))
    }

    @Test func aVersionTwoSpecRecordsTheSurveyWhenForced() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let common = ["lightcurve", "ZTF18aabjigr", "--from", fixturesDirectory().path, "--quiet"] + smallFigure
        let forced = try await runFinkplot(common + ["--survey", "ztf", "-o", path("forced.png"), "--save-spec", path("forced.json")])
        #expect(forced.status == 0, "\(forced.err)")
        let plain = try await runFinkplot(common + ["-o", path("plain.png"), "--save-spec", path("plain.json")])
        #expect(plain.status == 0, "\(plain.err)")

        let spec = try FigureSpec.load(from: dir.appendingPathComponent("forced.json"))
        #expect(spec.version == 2 && spec.survey == .ztf)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("forced.json"))) as? [String: Any])
        #expect(json["survey"] as? String == "ztf" && json["version"] as? Int == 2)
        let plainJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("plain.json"))) as? [String: Any])
        #expect(plainJSON["survey"] == nil, "each id's survey follows from its shape")
        #expect(try FigureSpec.load(from: dir.appendingPathComponent("plain.json")).survey == nil)
        let chunks = try pngText(try Data(contentsOf: dir.appendingPathComponent("forced.png")))
        #expect(chunks["finkplot:options"]?.contains("--survey ztf") == true)
        let embedded = try JSONDecoder().decode(FigureSpec.self, from: Data(try #require(chunks["finkplot:spec"]).utf8))
        #expect(embedded.survey == .ztf)

        let again = try await runFinkplot(["render", path("forced.json"), "-o", path("again.png"), "--quiet"])
        #expect(again.status == 0, "\(again.err)")
        #expect(try PNGDecoder.decode(try Data(contentsOf: dir.appendingPathComponent("again.png")))
            == PNGDecoder.decode(try Data(contentsOf: dir.appendingPathComponent("forced.png"))))
    }

    /// A spec of several surveys records one API URL per survey: it must load, and its source
    /// must stand for the same URLs.
    @Test func aSpecWithPerSurveyAPIURLsLoads() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = FigureSpec(command: .lightcurve, objectIds: ["ZTF18aabjigr"], source: .init(apiURLs: ["ztf": "https://ztf.example.org"]),
                              options: .init(format: .png), output: nil, queryTime: "2024-03-01T12:00:00Z")
        let url = dir.appendingPathComponent("s.json")
        try spec.json().write(to: url)
        #expect(try FigureSpec.load(from: url) == spec)
        #expect(SourceSettings.from(spec.source, surveys: [.ztf]).apiURLs == ["ztf=https://ztf.example.org"])
        #expect(try spec.provenance().source == "https://ztf.example.org")
    }
}
