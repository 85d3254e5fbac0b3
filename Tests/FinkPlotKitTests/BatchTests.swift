import FinkAPI
import FinkTestServer
import Foundation
import Testing
@testable import FinkPlotKit

/// A job that writes the number of rows of each object to `<id>.txt`: the runner's behaviour
/// without the cost of drawing 300 figures.
struct RowCountJob: BatchJob {
    var directory: URL
    var stampsOfLatest = false
    var identity = "rowcount"

    var needs: DataNeeds { .lightcurve }

    func outputs(for id: ObjectKey) -> [URL] { [directory.appendingPathComponent("\(id.id).txt")] }

    func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint] {
        stampsOfLatest ? try CutoutFigure.choose(.latest, from: data) : []
    }

    func render(_ data: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let url = outputs(for: data.key)[0]
        // No fsync: 300 of them would hold the test pool's threads, and the fixture server with them.
        try AtomicFile.write(Data("\(data.points.count) \(stamps.count)".utf8), to: url, sync: false)
        return BatchRendered(outputs: [url])
    }
}

/// Thread-safe counter for fault hooks.
final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    /// Counts one more call for `key`, returning the new count.
    func next(_ key: String) -> Int { lock.withLock { counts[key, default: 0] += 1; return counts[key]! } }
}

/// The five fixture objects' rows, parsed once for all tests (a global `let` is initialised
/// lazily and once): parsing them, stamps included, costs the debug build about 0.4 s.
let fixtureSources: [[FixtureRow]] = ["ZTF18aabjigr", "ZTF18acefvuh", "ZTF19acihgng", "ZTF25ackyyzk", "ZTF17aaacxxf"].map {
    (try? FixtureServer.rows(fromFile: fixturesDirectory().appendingPathComponent("\($0).json"))) ?? []
}

func cutoutsFixture() throws -> Data {
    try Data(contentsOf: fixturesDirectory().appendingPathComponent("cutouts/ZTF18acefvuh_1034527953215010006.json"))
}

/// Fast retries: tests must not sleep through real back-off. A generous timeout: a request timing
/// out on a loaded machine would be retried and change the request counts the tests check.
func fastClient(_ server: FixtureServer, attempts: Int = 4) -> FinkClient {
    FinkClient(baseURL: server.baseURL, transport: RetryingTransport(
        base: URLSessionTransport(timeout: 30), policy: RetryPolicy(maxAttempts: attempts, baseDelay: 0.002, maxDelay: 0.01)))
}

func manifestLines(_ url: URL) throws -> [ManifestEntry] {
    let data = try Data(contentsOf: url)
    return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(ManifestEntry.self, from: $0) }
}

/// Ids the server was asked for in /objects requests, one list per request.
func objectsRequests(_ server: FixtureServer) async -> [[String]] {
    await server.requests.filter { $0.path == "/api/v1/objects" }.map {
        ($0.json?["objectId"]?.stringValue ?? "").split(separator: ",").map(String.init)
    }
}

@Suite struct BatchRunTests {
    @Test func threeHundredIdsWithFaultsEndCorrectInTheManifest() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        // Four rows per object: this test counts objects, and 300 full histories would cost the
        // whole suite's fixture servers their CPU.
        let ids = try await server.loadSynthetic(count: 300, rows: fixtureSources, maxRows: 4)
        let unknown = (0..<12).map { SyntheticObjects.id($0, year: 99) }
        let invalid = ["ZTF21", "../../etc/passwd", "ztf21aaxtctv", "ZTF21aaxtctv/.."]
        // Input order: known and unknown ids interleaved, a few repeated, invalid ones inside.
        var raw = ids
        for (k, u) in unknown.enumerated() { raw.insert(u, at: 20 * k + 3) }
        raw.insert(contentsOf: invalid, at: 50)
        raw += ids.prefix(5)

        // The chunk holding `poisoned` always gets a 500; other chunks get 503s, a 429, a cut body.
        let poisoned = ids[130]
        let calls = Calls()
        await server.setFaultHook { request in
            let list = request.json?["objectId"]?.stringValue ?? ""
            if list.contains(poisoned) { return .respond(status: 500, body: "<p>Internal Server Error</p>", contentType: "text/html") }
            let n = calls.next(list)
            switch (request.index % 4, n) {
            case (0, 1): return .respond(status: 503, body: "Service Unavailable")
            case (1, 1): return Fault(status: 429, body: Data("slow down".utf8), headers: ["Retry-After": "0"])
            case (2, 1): return .truncated(afterBytes: 300)
            default: return nil
            }
        }

        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifestURL = dir.appendingPathComponent("manifest.jsonl")
        let runner = BatchRunner(job: RowCountJob(directory: dir), sources: SourceSet([fastClient(server)]),
                                 configuration: BatchConfiguration(chunkSize: 25, concurrency: 3, manifestURL: manifestURL))
        let input = BatchInput(raw: raw)
        #expect(input.duplicates == 5 && input.items.count == 316)
        let summary = try await runner.run(input)

        let entries = try manifestLines(manifestURL)
        let byId = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(entries.count == 316 && byId.count == 316, "every distinct id once")
        let failedChunk = Set(try #require(await objectsRequests(server).first { $0.contains(poisoned) }))
        #expect(failedChunk.count == 25)
        for id in ids {
            let entry = try #require(byId[id])
            if failedChunk.contains(id) {
                #expect(entry.status == .failed && entry.reason?.contains("HTTP 500") == true && entry.attempts == 4, "\(entry)")
            } else {
                #expect(entry.status == .rendered && entry.outputs == ["\(id).txt"], "\(entry)")
            }
        }
        for id in unknown {
            let entry = try #require(byId[id])
            if failedChunk.contains(id) { #expect(entry.status == .failed) } else {
                #expect(entry.status == .empty && entry.reason == "no data for \(id) at \(server.baseURL.absoluteString)/api/v1/objects")
            }
        }
        for text in invalid { #expect(byId[text]?.status == .invalid && byId[text]?.reason?.contains("invalid objectId") == true) }
        #expect(entries.contains { $0.attempts == 2 }, "retried chunks count their attempts")

        let failedCount = failedChunk.count
        #expect(summary.count(.failed) == failedCount)
        #expect(summary.count(.rendered) + summary.count(.empty) + failedCount + 4 == 316)
        #expect(summary.line.hasPrefix("316 ids: \(summary.count(.rendered)) rendered, 0 skipped"))
        #expect(!summary.allDone && !summary.interrupted)

        // Chunking: 312 valid ids in chunks of 25 = 13 distinct lists, each sent until it passed.
        let lists = await objectsRequests(server)
        #expect(Set(lists.map { $0.joined(separator: ",") }).count == 13)
        #expect(lists.allSatisfy { $0.count <= 25 && !$0.contains { invalid.contains($0) } }, "invalid ids are never sent")
        let columns = try #require(await server.requests.first?.json?["columns"]?.stringValue).split(separator: ",").map(String.init)
        #expect(Set(columns) == Set(ZTFColumns.standard))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!files.contains { $0.hasSuffix(".tmp") })
        #expect(files.filter { $0.hasSuffix(".txt") }.count == summary.count(.rendered))
    }

    @Test func aCacheHitAsksNothingAndARerunSkipsWhatIsDone() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 12, rows: fixtureSources, cutouts: try cutoutsFixture(), maxRows: 4)
        let dir = try makeTempDirectory(), cacheDir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir); try? FileManager.default.removeItem(at: cacheDir) }
        let job = RowCountJob(directory: dir, stampsOfLatest: true)
        func runner(force: Bool) -> BatchRunner {
            BatchRunner(job: job, sources: SourceSet([CachedSource(fastClient(server), cache: ObjectCache(directory: cacheDir), maxAge: 86_400)]),
                        configuration: BatchConfiguration(chunkSize: 5, force: force,
                                                          manifestURL: dir.appendingPathComponent("manifest.jsonl")))
        }
        let first = try await runner(force: false).run(BatchInput(raw: ids))
        #expect(first.count(.rendered) == 12)
        let paths = await server.requests.map(\.path)
        #expect(paths.filter { $0 == "/api/v1/objects" }.count == 3, "12 ids in chunks of 5")
        #expect(paths.filter { $0 == "/api/v1/cutouts" }.count == 12, "the displayed alert's stamps only")
        let cutoutRequest = try #require(await server.requests.first { $0.path == "/api/v1/cutouts" })
        #expect(cutoutRequest.json?["withcutouts"] == nil)

        await server.clearRequests()
        let second = try await runner(force: false).run(BatchInput(raw: ids))
        #expect(second.count(.skipped) == 12 && second.allDone)
        let forced = try await runner(force: true).run(BatchInput(raw: ids))
        #expect(forced.count(.rendered) == 12)
        #expect(await server.requests.isEmpty, "rows and stamps both came from the cache")
        let entries = try manifestLines(dir.appendingPathComponent("manifest.jsonl"))
        #expect(entries.count == 36 && entries.suffix(12).allSatisfy { $0.attempts == 0 })
        #expect(try String(contentsOf: dir.appendingPathComponent("\(ids[0]).txt"), encoding: .utf8) == "4 1")
    }

    @Test func expiredCacheEntriesAreFetchedAgain() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 3, rows: fixtureSources)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir.appendingPathComponent("cache"))
        let old = Date(timeIntervalSinceNow: -7200)
        let client = fastClient(server)
        // Entries of this very API (a cache entry of another source would be a miss anyway).
        for id in ids { try cache.store(ObjectData(key: try ztfKey(id), points: [], timeScale: .utc), location: client.location, now: old) }
        let runner = BatchRunner(job: RowCountJob(directory: dir), sources: SourceSet([CachedSource(client, cache: cache, maxAge: 3600)]))
        let summary = try await runner.run(BatchInput(raw: ids))
        #expect(summary.count(.rendered) == 3)
        #expect(await objectsRequests(server) == [ids])
        let fresh = cache.entry(try ztfKey(ids[0]), location: client.location, maxAge: 3600, needs: .lightcurve)
        #expect(fresh?.data.points.count == 31)
    }

    @Test func offlineWithAnEmptyCacheFailsClearly() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir.appendingPathComponent("cache"))
        let api = FinkAPIConfig.defaultBaseURL
        let runner = BatchRunner(job: RowCountJob(directory: dir), sources: SourceSet([CachedSource(offline: .ztf, location: api, cache: cache)]),
                                 configuration: BatchConfiguration(manifestURL: dir.appendingPathComponent("manifest.jsonl")))
        let summary = try await runner.run(BatchInput(raw: ["ZTF18aabjigr"]))
        #expect(summary.count(.failed) == 1)
        let entry = try #require(try manifestLines(dir.appendingPathComponent("manifest.jsonl")).first)
        #expect(entry.reason == "no cached data for ZTF18aabjigr (\(cache.objectURL(try ztfKey("ZTF18aabjigr"), location: api).path) is missing; --offline never asks the API)")
    }

    @Test func anInterruptedRunResumesWhereItStopped() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 40, rows: fixtureSources, maxRows: 4)
        // The first two chunks are answered, the third hangs: the run is cut exactly there.
        await server.setFaultHook { $0.index >= 2 ? .delay(60) : nil }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifestURL = dir.appendingPathComponent("manifest.jsonl")
        let runner = BatchRunner(job: RowCountJob(directory: dir), sources: SourceSet([fastClient(server)]),
                                 configuration: BatchConfiguration(chunkSize: 4, concurrency: 1, manifestURL: manifestURL))
        let task = Task { try await runner.run(BatchInput(raw: ids)) }
        // Cancel once the first two chunks are done, as Ctrl-C would.
        let deadline = ContinuousClock.now + .seconds(60)
        while Manifest.load(manifestURL).count < 8 {
            let late = ContinuousClock.now >= deadline
            if late { task.cancel() }
            try #require(!late, "the first chunks never finished")
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        task.cancel()
        let interrupted = try await task.value
        #expect(interrupted.interrupted && !interrupted.allDone)
        #expect(interrupted.line == "40 ids: 8 rendered, 0 skipped, 0 empty, 0 invalid, 0 failed; interrupted with 32 not done: run again to resume")
        let done = Set(Manifest.load(manifestURL).filter { $0.value.status == .rendered }.keys)
        #expect(done == Set(ids.prefix(8)), "the hanging chunk's ids were not recorded as failed")

        // The re-run talks to a fresh server holding the same objects: a cancelled request of the
        // first run that a loaded machine parses late cannot then creep into this run's log.
        let again = try await FixtureServer()
        defer { Task { await again.stop() } }
        #expect(try await again.loadSynthetic(count: 40, rows: fixtureSources, maxRows: 4) == ids)
        let rerun = BatchRunner(job: RowCountJob(directory: dir), sources: SourceSet([fastClient(again)]),
                                configuration: BatchConfiguration(chunkSize: 4, concurrency: 1, manifestURL: manifestURL))
        let resumed = try await rerun.run(BatchInput(raw: ids))
        #expect(resumed.allDone && resumed.count(.skipped) == 8 && resumed.count(.rendered) == 32)
        let asked = await objectsRequests(again).flatMap { $0 }
        // Chunks may reach the server out of order (the next one is prefetched).
        #expect(asked.count == 32 && Set(asked) == Set(ids.dropFirst(8)), "only unfinished ids are fetched, each once")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!files.contains { $0.hasSuffix(".tmp") })
        #expect(files.filter { $0.hasSuffix(".txt") }.count == 40)
    }

    @Test func realJobsThroughTheServer() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 3, rows: fixtureSources, cutouts: try cutoutsFixture())
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let client = fastClient(server)
        let size = FigureSize(widthPixels: 400, heightPixels: 200, dpi: 50)
        let lightcurves = BatchRunner(job: LightcurveJob(target: .directory(dir), format: .png, size: size), sources: SourceSet([client]),
                                      configuration: BatchConfiguration(manifestURL: dir.appendingPathComponent("manifest.jsonl")))
        #expect(try await lightcurves.run(BatchInput(raw: ids)).allDone)
        let grids = dir.appendingPathComponent("grids")
        let cutouts = BatchRunner(job: CutoutsJob(directory: grids, choice: .latest, rendering: try StampRendering(), scale: 1, dpi: 72,
                                                  colorbars: false, format: .png, rawDirectory: nil),
                                  sources: SourceSet([client]), configuration: BatchConfiguration(manifestURL: grids.appendingPathComponent("manifest.jsonl")))
        #expect(try await cutouts.run(BatchInput(raw: ids)).allDone)
        for id in ids {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(id)_lightcurve.png").path))
            // Per-object grids are `<id>_cutouts.<ext>` now, so they can share a directory with lightcurves.
            #expect(FileManager.default.fileExists(atPath: grids.appendingPathComponent("\(id)_cutouts.png").path))
        }
        let cutoutRequests = await server.requests.filter { $0.path == "/api/v1/cutouts" }
        #expect(cutoutRequests.count == 3)
        let png = try Data(contentsOf: dir.appendingPathComponent("\(ids[0])_lightcurve.png"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test func cardsAskForEveryColumnAndTheirCacheServesLightcurves() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 1, rows: fixtureSources, cutouts: try cutoutsFixture())
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir.appendingPathComponent("cache"))
        let location = fastClient(server).location
        let cards = BatchRunner(job: CardJob(target: .directory(dir), format: .png, rendering: try StampRendering()),
                                sources: SourceSet([CachedSource(fastClient(server), cache: cache, maxAge: 86_400)]))
        #expect(try await cards.run(BatchInput(raw: ids)).allDone)
        let objects = await server.requests.filter { $0.path == "/api/v1/objects" }
        #expect(objects.count == 1 && objects[0].json?["columns"] == nil, "v:classification only comes without a column list")
        // The entry records that it holds every column (the full summary), as `columns == ["*"]` did.
        #expect(cache.entry(try ztfKey(ids[0]), location: location, maxAge: nil, needs: .card)?.data.hasFullSummary == true)

        await server.clearRequests()
        let lightcurves = BatchRunner(job: LightcurveJob(target: .directory(dir), format: .svg,
                                                         size: FigureSize(widthPixels: 300, heightPixels: 150, dpi: 50)),
                                      sources: SourceSet([CachedSource(fastClient(server), cache: cache, maxAge: 86_400)]))
        #expect(try await lightcurves.run(BatchInput(raw: ids)).allDone)
        #expect(await server.requests.isEmpty, "an every-column entry serves any job")
        // Every kind is `<id>_<kind>.<ext>`: the lightcurve beside the card is `<id>_lightcurve.svg`.
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(ids[0])_card.png").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(ids[0])_lightcurve.svg").path))
    }

    @Test func perObjectOutcomesComeInInputOrderFromOneChunkedRequest() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let ids = try await server.loadSynthetic(count: 3, rows: fixtureSources, maxRows: 4)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let runner = BatchRunner(job: RowCountJob(directory: dir), sources: SourceSet([fastClient(server)]))
        let outcomes = try await runner.entries(of: [ids[2], "ZTF99aaaaaaa", ids[0], ids[2]])
        #expect(outcomes.map(\.id) == [ids[2], "ZTF99aaaaaaa", ids[0]])
        #expect(outcomes.map(\.status) == [.rendered, .empty, .rendered])
        #expect(outcomes[0].outputs == [dir.appendingPathComponent("\(ids[2]).txt").standardizedFileURL.path])
        #expect(await objectsRequests(server) == [[ids[2], "ZTF99aaaaaaa", ids[0]]], "anomaly --render asks once for all its objects")
    }

    @Test func theDirectorySourceStillWorks() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let runner = BatchRunner(job: RowCountJob(directory: dir), sources: SourceSet([DirectorySource(directory: fixturesDirectory())]),
                                 configuration: BatchConfiguration(manifestURL: dir.appendingPathComponent("manifest.jsonl")))
        let summary = try await runner.run(BatchInput(raw: ["ZTF18aabjigr", "ZTF18acefvuh", "ZTF99zzzzzzz"]))
        #expect(summary.count(.rendered) == 2 && summary.count(.failed) == 1)
        #expect(try String(contentsOf: dir.appendingPathComponent("ZTF18acefvuh.txt"), encoding: .utf8) == "26 0")
    }
}

@Suite struct BatchInputTests {
    @Test func idListsIgnoreCommentsBlanksAndSeparators() {
        let text = "# candidates\nZTF21aaxtctv\n\n  ZTF18aabjigr   # bright\r\nZTF19acihgng, ZTF17aaacxxf\n'ZTF25ackyyzk'\n#ZTF20aaaaaaa\n"
        #expect(BatchInput.parseList(text) == ["ZTF21aaxtctv", "ZTF18aabjigr", "ZTF19acihgng", "ZTF17aaacxxf", "ZTF25ackyyzk"])
    }

    @Test func idsFileIsReadAndAMissingOneIsNamed() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("ids.txt")
        try Data("ZTF21aaxtctv\nZTF21aaxtctv\nnonsense\n".utf8).write(to: file)
        let input = BatchInput(raw: try BatchInput.readList(path: file.path))
        #expect(input.items.map(\.key) == ["ZTF21aaxtctv", "nonsense"] && input.duplicates == 1)
        #expect(throws: FinkError.self) { try BatchInput.readList(path: dir.appendingPathComponent("missing.txt").path) }
    }

    @Test func hostileIdsAreInvalidAndNeverBecomePaths() throws {
        let hostile = ["../x", "../../../../tmp/ZTF21aaxtc", "/etc/passwd", "ZTF21aaxtct/", "ZTF21aaxtctv\0", "ZTF21AAXTCTV", "ZTF21aaxtct\u{0430}"]
        let input = BatchInput(raw: hostile)
        #expect(input.validIds.isEmpty)
        #expect(input.items.count == hostile.count)
        let dir = URL(fileURLWithPath: "/tmp/out", isDirectory: true)
        let id = try ObjectId(validating: " ZTF21aaxtctv\n").key
        #expect(OutputTarget.directory(dir).url(for: id, format: .png).path == "/tmp/out/ZTF21aaxtctv.png")
    }

    @Test func shardsPartitionTheList() throws {
        let raw = (0..<1000).map { SyntheticObjects.id($0 * 7919) } + ["bad id", "ZTF21"]
        for n in [1, 2, 3, 8] {
            let parts = try (1...n).map { BatchInput(raw: raw, shard: try Shard(index: $0, count: n)).items.map(\.key) }
            let all = parts.flatMap { $0 }
            #expect(all.count == raw.count && Set(all) == Set(raw), "N = \(n): every id in exactly one shard")
            if n == 8 { #expect(parts.allSatisfy { $0.count > 80 && $0.count < 170 }, "\(parts.map(\.count))") }
        }
        // The same id lands in the same shard whatever the order of the list.
        let shard = try Shard(parsing: "3/8")
        #expect(BatchInput(raw: raw.reversed(), shard: shard).items.map(\.key).sorted() == BatchInput(raw: raw, shard: shard).items.map(\.key).sorted())
        #expect(throws: FinkError.self) { try Shard(parsing: "0/8") }
        #expect(throws: FinkError.self) { try Shard(parsing: "9/8") }
        #expect(throws: FinkError.self) { try Shard(parsing: "3") }
    }

    @Test func shardHashIsStable() {
        // FNV-1a of fixed text: the same on every machine and every run.
        #expect(Shard.stableHash("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.stableHash("a") == 0xaf63_dc4c_8601_ec8c)
    }
}

@Suite struct ObjectCacheTests {
    @Test func rowsAndStampsRoundTrip() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir)
        let id = try ObjectId(validating: "ZTF18acefvuh")
        let key = id.key
        let rows = try await DirectorySource(directory: fixturesDirectory()).detections(of: id, options: FetchOptions())
        // What a lightcurve's narrower fetch gives: no full summary.
        let data = ZTFPhotometry.object(key, rows: rows.map { var r = $0; r.stamps = [:]; return r }, full: false)
        #expect(data.points.count == 26)
        try cache.store(data, location: "test")
        let entry = try #require(cache.entry(key, location: "test", maxAge: 60, needs: .lightcurve))
        #expect(entry.data == data)
        #expect(cache.entry(key, location: "test", maxAge: 60, needs: .card) == nil, "an entry lacking what the job needs is a miss")
        #expect(cache.entry(key, location: "test", maxAge: 60, needs: .lightcurve, now: Date(timeIntervalSinceNow: 120)) == nil, "expired")

        let withStamps = try await DirectorySource(directory: fixturesDirectory()).detections(of: id, options: FetchOptions(withCutouts: true))
        let stamps = try #require(withStamps.first { !$0.stamps.isEmpty }?.stamps)
        #expect(stamps.values.contains { $0.pixels.contains(where: \.isNaN) }, "the fixture has masked pixels")
        try cache.store(stamps, alert: AlertKey(survey: .ztf, id: 42), object: key, location: "test")
        #expect(cache.stamps(AlertKey(survey: .ztf, id: 42), location: "test") == stamps)
        #expect(cache.stamps(AlertKey(survey: .ztf, id: 43), location: "test") == nil)

        try Data("{\"version\":1,".utf8).write(to: cache.objectURL(key, location: "test"))
        #expect(cache.entry(key, location: "test", maxAge: nil, needs: .lightcurve) == nil, "a damaged entry is a miss")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// The binary entry keeps every field exactly (absent and present, NaN, negative fluxes,
    /// Int64 ids above 2^53), and any truncation or corruption of it is a miss, never a trap.
    @Test func theBinaryEntryKeepsEveryFieldAndRefusesDamage() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ObjectCache(directory: dir)
        let key = try LSSTProfile().key(validating: "170028485706776685")
        var points: [PhotometryPoint] = []
        for i in 0..<40 {
            var p = PhotometryPoint(mjd: 60_500 + Double(i) * 0.37, band: ["u", "g", "r", "i", "z", "y"][i % 6],
                                    kind: PointKind.allCases[i % PointKind.allCases.count],
                                    alertId: i % 3 == 0 ? nil : 170_028_485_706_776_685 + Int64(i))
            if i % 2 == 0 { p.magnitude = PhotometricValue(19 + Double(i) / 10, error: i % 4 == 0 ? nil : 0.05, unit: .abMagnitude) }
            if i % 5 != 0 { p.differenceFlux = PhotometricValue(Double(i - 20) * 123.25, error: 17.5, unit: .nanojansky) }
            if i % 7 == 1 { p.totalFlux = PhotometricValue(i == 1 ? .nan : 1e5, error: .infinity, unit: .millijansky) }
            p.isNegative = i % 3 == 0 ? nil : i % 3 == 1
            if i % 9 == 2 { p.reference = ReferenceSource(magnitude: 17.25, error: 0.01, distance: 0.4) }
            points.append(p)
        }
        let data = ObjectData(key: key, points: points, timeScale: .tai,
                              summary: ObjectSummary(ra: 150.1, dec: -2.5, classification: "SN candidate", facts: [ObjectFact("n", "40")]),
                              hasFullSummary: true, notes: ["a note"])
        let old = cache.objectURL(key, location: "test").deletingPathExtension().appendingPathExtension("json")
        try AtomicFile.ensureDirectory(old.deletingLastPathComponent())
        try Data("{}".utf8).write(to: old)
        try cache.store(data, location: "test")
        #expect(!FileManager.default.fileExists(atPath: old.path), "the old-format file of the object is removed")
        let back = try #require(cache.entry(key, location: "test", maxAge: nil, needs: .card)).data
        #expect(back.points.count == 40)
        #expect(back.summary == data.summary && back.notes == data.notes && back.timeScale == .tai && back.hasFullSummary)
        for (a, b) in zip(back.points, data.points) {
            #expect(a.mjd == b.mjd && a.band == b.band && a.kind == b.kind && a.alertId == b.alertId)
            #expect(a.isNegative == b.isNegative && a.reference == b.reference && a.magnitude == b.magnitude && a.differenceFlux == b.differenceFlux)
            #expect(a.totalFlux?.value.bitPattern == b.totalFlux?.value.bitPattern && a.totalFlux?.error == b.totalFlux?.error
                    && a.totalFlux?.unit == b.totalFlux?.unit)
        }

        let url = cache.objectURL(key, location: "test")
        let bytes = try Data(contentsOf: url)
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            try bytes.prefix(length).write(to: url)
            #expect(cache.entry(key, location: "test", maxAge: nil, needs: .lightcurve) == nil, "cut at \(length) of \(bytes.count) bytes")
        }
        try (bytes + [0]).write(to: url)
        #expect(cache.entry(key, location: "test", maxAge: nil, needs: .lightcurve) == nil, "trailing bytes are damage")
    }

    @Test func defaultDirectoryFollowsXDG() {
        #expect(ObjectCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/scratch/c", "HOME": "/home/a"]).path == "/scratch/c/finkplot")
        #expect(ObjectCache.defaultDirectory(environment: ["HOME": "/home/a"]).path == "/home/a/.cache/finkplot")
        #expect(ObjectCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/a"]).path == "/home/a/.cache/finkplot",
                "XDG says relative paths are invalid and ignored")
    }
}
