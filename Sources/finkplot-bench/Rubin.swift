import CairoRender
import FinkAPI
import FinkPlotKit
import Foundation
import PlotCore

/// 4. Rubin: one 1,000-point object (500 diaSources + 500 forced points) drawn from the cache,
/// against the same figure drawn by pandas + matplotlib (`scripts/bench_reference_lsst.py`) from
/// the same saved answers, both measured in this run.
extension Bench {
    /// Where the Rubin entries are filed in the bench's cache: a fixed name, never asked.
    static let rubinLocation = "http://bench-lsst.invalid"
    static let rubinFixtures = ["170028485706776685", "170028513894596704", "314002971860926640"]
    /// The synthetic object's diaObjectId; its copies in the cache are this + k.
    static let rubinBaseId: Int64 = 900_000_000_000_000_000
    static let rubinPerRoute = 500

    /// Writes `sources_<id>.json` and `fp_<id>.json` of the synthetic object into `directory`:
    /// the three fixture objects' rows (572 diaSources, 559 forced points) relabelled as one
    /// diaObjectId, newest first as the API answers, the newest `perRoute` of each route. Only
    /// the columns `LSSTClient` asks for (`columns`), so this is what a fetch of these rows
    /// would have saved. Ties at one time are broken by fixture and row order: deterministic.
    static func writeRubinAnswers(fixtures: URL, into directory: URL, perRoute: Int) throws -> ObjectKey {
        let id = rubinBaseId
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for route in ["sources", "fp"] {
            var rows: [(order: Int, row: LSSTPhotometryRow)] = []
            for name in rubinFixtures {
                let file = fixtures.appendingPathComponent("lsst/\(route)_\(name).json")
                for row in try LSSTDecoder.photometryRows(Data(contentsOf: file), source: file.path).rows {
                    rows.append((rows.count, row))
                }
            }
            rows.sort { a, b in
                let (ta, tb) = (a.row.midpointMjdTai ?? 0, b.row.midpointMjdTai ?? 0)
                return ta != tb ? ta > tb : a.order < b.order
            }
            let kept = rows.prefix(perRoute).map(\.row)
            let text = "[" + kept.map { rubinRowJSON($0, id: id, detection: route == "sources") }.joined(separator: ",\n") + "]\n"
            try Data(text.utf8).write(to: directory.appendingPathComponent("\(route)_\(id).json"))
        }
        return try LSSTProfile().key(validating: String(id))
    }

    /// One answer row, in the columns and order `LSSTClient` asks for; a missing value is null.
    static func rubinRowJSON(_ r: LSSTPhotometryRow, id: Int64, detection: Bool) -> String {
        // Swift prints the shortest text that reads back as the same Double.
        func number(_ v: Double?) -> String { v.map { $0.isFinite ? "\($0)" : "null" } ?? "null" }
        // Bands are single letters (decoded fixtures); anything else would need escaping.
        let band = r.band.map { b in b.allSatisfy(\.isLetter) ? "\"\(b)\"" : "null" } ?? "null"
        var cells = ["\"r:diaObjectId\": \(id)", "\"r:midpointMjdTai\": \(number(r.midpointMjdTai))"]
        if detection { cells.append("\"r:diaSourceId\": \(r.diaSourceId.map(String.init) ?? "null")") }
        cells += ["\"r:band\": \(band)", "\"r:psfFlux\": \(number(r.psfFlux))", "\"r:psfFluxErr\": \(number(r.psfFluxErr))",
                  "\"r:scienceFlux\": \(number(r.scienceFlux))", "\"r:scienceFluxErr\": \(number(r.scienceFluxErr))"]
        if detection { cells += ["\"r:ra\": \(number(r.ra))", "\"r:dec\": \(number(r.dec))"] }
        return "{" + cells.joined(separator: ", ") + "}"
    }

    /// Every key answered with the one saved object, its JSON read and parsed anew each time,
    /// as the reference does: our figure from the very input the reference reads.
    struct SavedAnswersSource: ObjectDataSource {
        let base: LSSTDirectorySource
        let saved: ObjectKey
        var survey: Survey { .lsst }
        var location: String { base.location }
        var isRemote: Bool { false }

        func objects(_ keys: [ObjectKey], needs: DataNeeds) async throws -> [ObjectKey: Result<ObjectData, any Error>] {
            var result: [ObjectKey: Result<ObjectData, any Error>] = [:]
            for key in keys {
                let answer = try await base.objects([saved], needs: needs)[saved] ?? .failure(FinkError.noData(objectId: saved.id, source: location))
                result[key] = answer.map { var data = $0; data.key = key; return data }
            }
            return result
        }

        func stamps(of alert: AlertKey, object: ObjectKey) async throws -> [StampKind: Stamp] { [:] }
    }

    struct RubinTiming {
        var wallMs: Double
        var cpuMs: Double
    }

    static func rubin(repo: URL, work: URL, count: Int, keep: URL?) async throws {
        print("\n== 4. Rubin: a 1,000-point object (\(rubinPerRoute) diaSources + \(rubinPerRoute) forced points), "
              + "1200×600 px PNG at 150 dpi, \(count) figures")
        let answers = work.appendingPathComponent("lsst-answers")
        let saved = try writeRubinAnswers(fixtures: repo.appendingPathComponent("Fixtures"), into: answers, perRoute: rubinPerRoute)
        let directory = LSSTDirectorySource(directory: answers, shownAs: answers.path)
        guard case let .success(data)? = try await directory.objects([saved], needs: .lightcurve)[saved] else {
            throw FinkError.noData(objectId: saved.id, source: answers.path)
        }
        let detections = data.points.filter { $0.kind == .detection }.count
        print("object \(saved.id): \(detections) diaSources + \(data.points.count - detections) forced points, from \(answers.path)")

        // One cache entry per figure, all the same object: each figure reads and decodes its
        // own entry, as a batch over distinct ids does.
        let cache = ObjectCache(directory: work.appendingPathComponent("lsst-cache"))
        var ids: [String] = []
        for k in 0..<count {
            var copy = data
            copy.key = try LSSTProfile().key(validating: String(rubinBaseId + Int64(k)))
            try cache.store(copy, location: rubinLocation)
            ids.append(copy.key.id)
        }
        let entryBytes = (try? FileManager.default.attributesOfItem(atPath: cache.objectURL(saved, location: rubinLocation).path)[.size] as? Int) ?? 0
        print("cache entry: \(entryBytes / 1024) KB; saved answers: \(fileKB(answers.appendingPathComponent("sources_\(saved.id).json"))) KB "
              + "+ \(fileKB(answers.appendingPathComponent("fp_\(saved.id).json"))) KB")

        try rubinStages(cache: cache, key: saved, reps: min(count, 50), scratch: work.appendingPathComponent("lsst-stages.png"))

        let fromCache = SourceSet([CachedSource(offline: .lsst, location: rubinLocation, cache: cache)])
        let fromAnswers = SourceSet([SavedAnswersSource(base: directory, saved: saved)])
        let python = referenceAvailable()
        for (name, quantity) in [("diffflux", YQuantity.differenceFlux), ("mag", YQuantity.totalMagnitude)] {
            let out = work.appendingPathComponent("lsst-\(name)")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let job = LightcurveJob(target: .directory(out), format: .png, options: LightcurveOptions(y: quantity))
            var ours: [Int: RubinTiming] = [:]
            var fromSaved: RubinTiming?
            for (label, sources, workers) in [("from the cache", fromCache, 1), ("from the cache", fromCache, 2),
                                             ("from the saved answers (JSON parsed each time)", fromAnswers, 1)] {
                let t = try await timeRuns(job: job, sources: sources, ids: ids, workers: workers)
                if sources.sources[.lsst] is CachedSource { ours[workers] = t } else { fromSaved = t }
                let size = fileKB(out.appendingPathComponent("\(ids[0])\(LightcurveJob.suffix).png"))
                print(String(format: "ours, --y %@, %@, %d worker%@: wall %.1f ms per figure, CPU %.1f ms per figure (%d KB)",
                             name, label, workers, workers == 1 ? "" : "s", t.wallMs, t.cpuMs, size))
            }
            if let keep {
                try FileManager.default.createDirectory(at: keep, withIntermediateDirectories: true)
                try? FileManager.default.removeItem(at: keep.appendingPathComponent("ours-\(name).png"))
                try FileManager.default.copyItem(at: out.appendingPathComponent("\(ids[0])\(LightcurveJob.suffix).png"), to: keep.appendingPathComponent("ours-\(name).png"))
            }
            guard python else { continue }
            let refOut = work.appendingPathComponent("lsst-reference-\(name)")
            let script = repo.appendingPathComponent("scripts/bench_reference_lsst.py")
            let ref = try runReference(script: script, arguments: ["--dir", answers.path, "--id", saved.id, "--n", String(count),
                                                                   "--y", name, "--out", refOut.path, "--keep", keep?.appendingPathComponent("reference-\(name).png").path ?? ""])
            print(String(format: "reference (pandas + matplotlib), --y %@: wall %.1f ms per figure, CPU %.1f ms per figure "
                         + "(of which pandas.read_json of both answers %.1f ms CPU; %d KB; %@)",
                         name, ref.wallMs, ref.cpuMs, ref.readCpuMs, ref.bytes / 1024, ref.versions))
            guard let one = ours[1], let two = ours[2], let parsed = fromSaved else { continue }
            print(String(format: "ratio, --y %@: reference CPU / ours CPU per figure %.1f× (from the cache, 1 worker); "
                         + "without the reference's JSON reading %.1f×; ours from the same saved answers %.1f×; "
                         + "reference wall / ours with 2 workers %.1f×",
                         name, ref.cpuMs / one.cpuMs, (ref.cpuMs - ref.readCpuMs) / one.cpuMs, ref.cpuMs / parsed.cpuMs, ref.wallMs / two.wallMs))
        }
    }

    /// Where one figure's time goes, stage by stage on one thread (CPU ms, mean of `reps`), as
    /// `LightcurveJob.render` does it, outside the runner. The data's share of drawing is the
    /// figure drawn without its markers and error bars, subtracted.
    static func rubinStages(cache: ObjectCache, key: ObjectKey, reps: Int, scratch: URL) throws {
        func cpuMs(_ body: () throws -> Void) rethrows -> Double {
            let start = cpuSeconds()
            for _ in 0..<reps { try body() }
            return (cpuSeconds() - start) * 1000 / Double(reps)
        }
        let size = FigureSize()
        for (name, quantity) in [("diffflux", YQuantity.differenceFlux), ("mag", YQuantity.totalMagnitude)] {
            var options = LightcurveOptions(y: quantity)
            options.plotArea = size.points.width * size.points.height * 0.55
            guard let data = cache.entry(key, location: rubinLocation, maxAge: nil, needs: .lightcurve)?.data else {
                throw FinkError.noData(objectId: key.id, source: rubinLocation)
            }
            let lightcurve = try LightcurveBuilder.build(data, options: options)
            let figure = Figure(size: size.points, style: .screen, chart: lightcurve.chart)
            let list = figure.displayList(measurer: try CairoTextMeasurer())
            var frame = list
            frame.items.removeAll { $0.role.hasPrefix("data.") || $0.role.hasPrefix("errorbar.") }
            let png = try Renderer.render(list, format: .png, pixelsPerPoint: size.pixelsPerPoint)  // also a warm-up
            let read = cpuMs { _ = cache.entry(key, location: rubinLocation, maxAge: nil, needs: .lightcurve) }
            let build = try cpuMs { _ = try LightcurveBuilder.build(data, options: options) }
            let layout = try cpuMs { _ = Figure(size: size.points, style: .screen, chart: lightcurve.chart).displayList(measurer: try CairoTextMeasurer()) }
            let all = try cpuMs { _ = try Renderer.render(list, format: .png, pixelsPerPoint: size.pixelsPerPoint) }
            let bare = try cpuMs { _ = try Renderer.render(frame, format: .png, pixelsPerPoint: size.pixelsPerPoint) }
            let write = try cpuMs { try AtomicFile.write(png, to: scratch) }
            let markers = list.items.filter { $0.role.hasPrefix("data.") }.reduce(0) { n, item in
                if case let .markers(points, _) = item.primitive { return n + points.count }
                return n
            }
            print(String(format: "where the time goes, --y %@ (CPU ms per figure, 1 thread, %d times): read + decode the cache entry %.1f, "
                         + "build the lightcurve %.1f, layout %.1f, draw + encode %.1f (the %d markers and their error bars %.1f, "
                         + "the rest and PNG encoding %.1f), atomic write with fsync %.1f; sum %.1f",
                         name, reps, read, build, layout, all, markers, all - bare, bare, write, read + build + layout + all + write))
            // The same drawn figure through each PNG writer: only the encoding differs.
            var writers: [String] = []
            for (label, encoder) in [("libpng + zlib 2", PNGEncoder.libpng(level: 2)), ("run-length deflate", PNGEncoder.runs)] {
                Renderer.pngEncoder = encoder
                let bytes = try Renderer.render(list, format: .png, pixelsPerPoint: size.pixelsPerPoint).count
                let ms = try cpuMs { _ = try Renderer.render(list, format: .png, pixelsPerPoint: size.pixelsPerPoint) }
                writers.append(String(format: "%@ %.1f ms (%d KB)", label, ms, bytes / 1024))
            }
            Renderer.pngEncoder = .default
            print("  draw + encode, --y \(name), by PNG writer: " + writers.joined(separator: ", "))
        }
    }

    static func timeRuns(job: LightcurveJob, sources: SourceSet, ids: [String], workers: Int) async throws -> RubinTiming {
        let runner = BatchRunner(job: job, sources: sources, configuration: BatchConfiguration(concurrency: workers, force: true))
        _ = try await runner.run(BatchInput(raw: Array(ids.prefix(10))))  // warm up: fonts, caches
        let start = Date(), cpuStart = cpuSeconds()
        let summary = try await runner.run(BatchInput(raw: ids))
        let seconds = Date().timeIntervalSince(start), cpu = cpuSeconds() - cpuStart
        guard summary.count(.rendered) == ids.count else {
            throw FinkError.invalidSetting(name: "bench", value: summary.line, reason: "every Rubin figure should render")
        }
        return RubinTiming(wallMs: seconds * 1000 / Double(ids.count), cpuMs: cpu * 1000 / Double(ids.count))
    }

    static func fileKB(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0) / 1024
    }

    /// True when `python3` can import pandas and matplotlib; otherwise says how to get them.
    static func referenceAvailable() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import pandas, matplotlib"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let ok = (try? process.run()).map { process.waitUntilExit(); return process.terminationStatus == 0 } ?? false
        if !ok {
            print("reference skipped: python3 with pandas and matplotlib is needed for the ratio "
                  + "(python3 -m pip install matplotlib pandas; `make bench` installs them)")
        }
        return ok
    }

    struct ReferenceTiming {
        var wallMs: Double, cpuMs: Double, readCpuMs: Double, bytes: Int, versions: String
    }

    /// Runs the reference script and reads its `RESULT {json}` line.
    static func runReference(script: URL, arguments: [String]) throws -> ReferenceTiming {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }),
              let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Any],
              let wall = json["wall_ms"] as? Double, let cpu = json["cpu_ms"] as? Double, let read = json["read_cpu_ms"] as? Double
        else {
            throw FinkError.invalidSetting(name: "reference", value: script.path, reason: "failed: \(output.suffix(400))")
        }
        let versions = "matplotlib \(json["matplotlib"] as? String ?? "?"), pandas \(json["pandas"] as? String ?? "?")"
        return ReferenceTiming(wallMs: wall, cpuMs: cpu, readCpuMs: read, bytes: json["bytes"] as? Int ?? 0, versions: versions)
    }
}
