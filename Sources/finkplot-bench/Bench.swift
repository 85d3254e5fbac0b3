import CairoRender
import FinkAPI
import FinkPlotKit
import FinkTestServer
import Foundation

/// Benchmarks of the batch path (not tests: they time things). Run in release:
///
///     swift run -c release finkplot-bench            # all four scenarios, about 6 minutes
///     swift run -c release finkplot-bench --quick    # smaller sizes, for a smoke run
///     swift run -c release finkplot-bench --memory-only   # scenario 3 alone
///     swift run -c release finkplot-bench --rubin-only    # scenario 4 alone (--keep-figures DIR keeps one PNG of each side)
///
/// 1. Fetch plan: 200 objects from the in-process server charging the live API's costs (50 ms per
///    request, 250 ms per stamp served), Fink's documented loop (one `/objects` call per id with
///    `withcutouts`) against ours (chunked rows, `/cutouts` for the displayed alert only).
/// 2. Render-only throughput from the cache: ms per 1200×600 lightcurve PNG, 1 and 2 workers,
///    Cairo's PNG writer against libpng.
/// 3. Peak memory (VmHWM) rendering 1,000 and 10,000 ids from the cache, each in a fresh process.
/// 4. Rubin: a 1,000-point object from the cache, `--y diffflux` and `mag`, 1 and 2 workers, against
///    pandas + matplotlib (`scripts/bench_reference_lsst.py`, run here as a subprocess) on the same answers.
@main
struct Bench {
    static func main() async throws {
        let args = Array(CommandLine.arguments.dropFirst())
        if args.first == "memory" { try await memoryChild(args); return }
        let quick = args.contains("--quick")
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fixtures = repo.appendingPathComponent("Fixtures")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("finkplot-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        print("machine: \(machine()); load average \(loadAverage())")
        let keep = args.firstIndex(of: "--keep-figures").flatMap { $0 + 1 < args.count ? URL(fileURLWithPath: args[$0 + 1]) : nil }
        let rubinCount = quick ? 20 : 200
        if args.contains("--rubin-only") {
            try await rubin(repo: repo, work: work, count: rubinCount, keep: keep)
            print("load average at the end: \(loadAverage())")
            return
        }
        if args.contains("--memory-only") {
            try await memory(fixtures: fixtures, work: work, counts: quick ? [200, 1000] : [1000, 10000])
            return
        }
        let cache = ObjectCache(directory: work.appendingPathComponent("cache"))
        let (ids, location) = try await fetchPlans(fixtures: fixtures, cache: cache, count: quick ? 20 : 200, docsSample: 5)
        try await renderThroughput(ids: ids, cache: cache, location: location, out: work.appendingPathComponent("render"))
        try await memory(fixtures: fixtures, work: work, counts: quick ? [200, 1000] : [1000, 10000])
        try await rubin(repo: repo, work: work, count: rubinCount, keep: keep)
    }

    static let files = ["ZTF18aabjigr", "ZTF18acefvuh", "ZTF19acihgng", "ZTF25ackyyzk", "ZTF17aaacxxf"]

    // MARK: 1. Fetch plans

    /// Fetches rows and the displayed alert's stamps, draws nothing: the fetch plans alone.
    struct FetchOnlyJob: BatchJob {
        var identity: String { "fetch-only" }
        var needs: DataNeeds { .lightcurve }
        func outputs(for id: ObjectKey) -> [URL] { [] }
        func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint] { try CutoutFigure.choose(.latest, from: data) }
        func render(_ data: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
            BatchRendered(outputs: [])
        }
    }

    /// Where the bench's cached objects are filed: the in-process server's address is new each run.
    static let benchLocation = "http://bench.invalid"

    static func fetchPlans(fixtures: URL, cache: ObjectCache, count: Int, docsSample: Int) async throws -> ([String], String) {
        print("\n== 1. fetch plan: \(count) objects, 50 ms per request, 250 ms per stamp served")
        let server = try await FixtureServer(latencyPerRequest: 0.05, latencyPerCutout: 0.25)
        let cutouts = try Data(contentsOf: fixtures.appendingPathComponent("cutouts/ZTF18acefvuh_1034527953215010006.json"))
        let ids = try await server.loadSynthetic(count: count, from: files.map { fixtures.appendingPathComponent("\($0).json") },
                                                 cutouts: cutouts)

        // Fink's documented loop: one /objects call per id, withcutouts, one after another. Measured on
        // one id of each source object (their costs cycle with period 5) and scaled to the full list.
        let plain = FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: 600))
        let sample = Array(ids.prefix(docsSample))
        let start = Date()
        for id in sample {
            _ = try await plain.objects(ObjectsQuery(objectIds: [try ObjectId(validating: id)],
                                                     options: FetchOptions(withUpperLimits: true, withCutouts: true)))
        }
        let docsSeconds = Date().timeIntervalSince(start) * Double(count) / Double(sample.count)
        print(String(format: "documentation plan: %.0f s (measured on %d ids: %.1f s, scaled to %d), %d requests",
                     docsSeconds, sample.count, Date().timeIntervalSince(start), count, count))

        await server.clearRequests()
        let client = FinkClient(baseURL: server.baseURL, transport: RetryingTransport(
            base: URLSessionTransport(timeout: 600), policy: RetryPolicy(), limiter: RateLimiter(requestsPerSecond: 5, burst: 5)))
        let runner = BatchRunner(job: FetchOnlyJob(), sources: SourceSet([CachedSource(client, cache: cache, maxAge: 86_400)]),
                                 configuration: BatchConfiguration())
        let ours = Date()
        let summary = try await runner.run(BatchInput(raw: ids))
        let oursSeconds = Date().timeIntervalSince(ours)
        let requests = await server.requests
        let objects = requests.filter { $0.path == "/api/v1/objects" }.count
        print(String(format: "our plan (chunks of 50, concurrency 2, 5 requests/s): %.1f s, %d requests (%d /objects, %d /cutouts); %@",
                     oursSeconds, requests.count, objects, requests.count - objects, summary.line))
        print(String(format: "speed-up: %.0f×", docsSeconds / oursSeconds))
        await server.stop()
        return (ids, client.location)
    }

    // MARK: 2. Render throughput

    static func offline(_ cache: ObjectCache, location: String) -> SourceSet {
        SourceSet([CachedSource(offline: .ztf, location: location, cache: cache)])
    }

    static func renderThroughput(ids: [String], cache: ObjectCache, location: String, out: URL) async throws {
        print("\n== 2. render only, from the cache: 1200×600 lightcurve PNGs, \(ids.count) objects")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let job = LightcurveJob(target: .directory(out), format: .png)
        for (name, encoder) in [("cairo writer", PNGEncoder.cairo), ("libpng, no filter, zlib 2", PNGEncoder.libpng(level: 2)), ("our run-length deflate", PNGEncoder.runs)] {
            Renderer.pngEncoder = encoder
            for workers in [1, 2] {
                let runner = BatchRunner(job: job, sources: offline(cache, location: location),
                                         configuration: BatchConfiguration(concurrency: workers, force: true))
                _ = try await runner.run(BatchInput(raw: Array(ids.prefix(10))))  // warm up: fonts, caches
                let start = Date(), cpuStart = cpuSeconds()
                let summary = try await runner.run(BatchInput(raw: ids))
                let seconds = Date().timeIntervalSince(start), cpu = cpuSeconds() - cpuStart
                let perFigure = seconds * 1000 / Double(ids.count)
                let size = (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("\(ids[0])\(LightcurveJob.suffix).png").path)[.size] as? Int) ?? 0
                // CPU time per figure is what a core spends on one, whatever else the machine runs.
                print(String(format: "%@, %d worker%@: wall %.1f ms per figure (%.1f per worker), CPU %.1f ms per figure (%d rendered, %d KB each)",
                             name, workers, workers == 1 ? "" : "s", perFigure, perFigure * Double(workers),
                             cpu * 1000 / Double(ids.count), summary.count(.rendered), size / 1024))
            }
        }
        Renderer.pngEncoder = .default
    }

    // MARK: 3. Memory

    static func memory(fixtures: URL, work: URL, counts: [Int]) async throws {
        print("\n== 3. peak memory (VmHWM), 600×300 lightcurve PNGs rendered from the cache, 2 workers, fresh process each")
        let cache = ObjectCache(directory: work.appendingPathComponent("memory-cache"))
        let sources = try files.map { name in
            try RowDecoder.detections(from: Data(contentsOf: fixtures.appendingPathComponent("\(name).json")), source: name)
                .map { var d = $0; d.stamps = [:]; return d }
        }
        let total = counts.max() ?? 0
        for k in 0..<total {
            let id = SyntheticObjects.id(k)
            let rows = sources[k % sources.count].map { var d = $0; d.objectId = id; return d }
            let key = try ObjectId(validating: id).key
            try cache.store(ZTFPhotometry.object(key, rows: rows, full: false), location: benchLocation)
        }
        for n in counts {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
            process.arguments = ["memory", String(n), cache.directory.path, work.appendingPathComponent("memory-out-\(n)").path]
            let pipe = Pipe()
            process.standardOutput = pipe
            let start = Date()
            try process.run()
            process.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            print(String(format: "%6d ids: %@ in %.0f s; load average %@", n, output, Date().timeIntervalSince(start), loadAverage()))
        }
    }

    /// `memory N CACHE OUT`: renders ids 0..<N from CACHE into OUT and prints the peak resident size.
    static func memoryChild(_ args: [String]) async throws {
        guard args.count == 4, let n = Int(args[1]) else { throw FinkError.invalidSetting(name: "memory", value: args.joined(separator: " "), reason: "memory N CACHE OUT") }
        let out = URL(fileURLWithPath: args[3], isDirectory: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // Half-size figures: memory is about what the runner holds per id, not the size of one
        // drawing, and 10,000 full-size PNGs would take minutes.
        let size = FigureSize(widthPixels: 600, heightPixels: 300, dpi: 75)
        let runner = BatchRunner(job: LightcurveJob(target: .directory(out), format: .png, size: size),
                                 sources: offline(ObjectCache(directory: URL(fileURLWithPath: args[2])), location: benchLocation),
                                 configuration: BatchConfiguration(concurrency: 2, manifestURL: out.appendingPathComponent("manifest.jsonl")))
        let summary = try await runner.run(BatchInput(raw: (0..<n).map { SyntheticObjects.id($0) }))
        print("peak RSS \(status("VmHWM")) (\(summary.count(.rendered)) rendered)")
        try? FileManager.default.removeItem(at: out)
    }

    /// User plus system CPU time of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func status(_ key: String) -> String {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? "?"
        return line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func machine() -> String {
        let cpu = ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }
}
