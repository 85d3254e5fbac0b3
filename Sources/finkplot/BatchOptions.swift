import ArgumentParser
import Dispatch
import FinkPlotKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How the batch runner fetches and draws objects: shared by every command that draws objects
/// (`lightcurve`, `card`, `cutouts --output-dir`, `anomaly --render`, `render`).
struct RunnerOptions: ParsableArguments {
    @Option(name: .customLong("chunk-size"), help: ArgumentHelp("ObjectIds per /api/v1/objects request.", valueName: "n"))
    var chunkSize: Int = 50

    @Option(help: ArgumentHelp("Objects fetched and drawn at once (also the cores used).", valueName: "n"))
    var concurrency: Int = 2

    @Option(help: ArgumentHelp("At most this many requests per second to the API, retries included.", valueName: "rate"))
    var rps: Double = 5

    @Option(help: ArgumentHelp(
        "Retries of a request after a 429, 5xx, timeout or broken connection (exponential back-off with jitter; Retry-After honoured).",
        valueName: "n"))
    var retries: Int = 4

    @Option(help: ArgumentHelp(
        "Cache directory (default: $XDG_CACHE_HOME/finkplot, else ~/.cache/finkplot). Shareable between runs and machines.",
        valueName: "dir"), completion: .directory)
    var cache: String?

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the cache.")
    var noCache = false

    @Flag(help: "Use the cache alone, whatever its age; never ask the API for objects. Objects not cached fail.")
    var offline = false

    @Option(name: .customLong("max-answer-mb"), help: ArgumentHelp(
        "Refuse answers larger than this many MiB (default 256, far above any real answer).", valueName: "MiB"))
    var maxAnswerMB: Int = 256

    @Flag(help: "Redo objects that an earlier run's manifest records as rendered.")
    var force = false

    @Flag(name: .shortAndLong, help: "Print only errors and the final counts: no progress, 'wrote' lines or notes.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print every request sent to the API (method, URL, body, answer), on standard error.")
    var verbose = false

    func validate() throws {
        guard (1...500).contains(chunkSize) else { throw ValidationError("--chunk-size must be between 1 and 500") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        guard rps > 0, rps.isFinite else { throw ValidationError("--rps must be a positive number") }
        guard (0...20).contains(retries) else { throw ValidationError("--retries must be between 0 and 20") }
        guard (1...65_536).contains(maxAnswerMB) else { throw ValidationError("--max-answer-mb must be between 1 and 65536") }
        if noCache && (cache != nil || offline) { throw ValidationError("--no-cache excludes --cache and --offline") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    /// Puts the cache and fetching options into `settings`. `directoryName` is the directory's
    /// option as the command names it (`--from`, `anomaly --from DIR`).
    func apply(to settings: inout SourceSettings, directoryGiven: Bool, directoryName: String = "--from") throws {
        if offline && directoryGiven { throw ValidationError("--offline reads the cache only: it excludes \(directoryName)") }
        if directoryGiven && cache != nil { throw ValidationError("\(directoryName) reads saved files and uses no cache: drop --cache") }
        settings.offline = offline
        settings.noCache = noCache
        settings.cacheDirectory = cache
        settings.retries = retries
        settings.requestsPerSecond = rps
        settings.maxAnswerBytes = maxAnswerMB << 20
        if verbose { settings.requestLog = requestLogger }
    }

    func configuration(manifestURL: URL?) -> BatchConfiguration {
        BatchConfiguration(chunkSize: chunkSize, concurrency: concurrency, force: force, manifestURL: manifestURL)
    }
}

/// `--max-age` with the batch commands' default: a day-old answer is fetched again.
struct MaxAgeOption: ParsableArguments {
    @Option(name: .customLong("max-age"), help: ArgumentHelp(
        "Fetch objects again when their cached rows are older than this: seconds, or 30m, 12h, 3d. Stamps never expire.",
        valueName: "age"))
    var maxAge: String = "1d"

    func validate() throws {
        do { _ = try Self.parseAge(maxAge) } catch { throw ValidationError("\(error)") }
    }

    var seconds: Double { (try? Self.parseAge(maxAge)) ?? 86_400 }

    /// `90`, `30m`, `12h`, `3d`, `1w` → seconds.
    static func parseAge(_ text: String) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var number = Substring(t), factor = 1.0
        if let last = t.last, let unit = units[last] {
            number = t.dropLast()
            factor = unit
        }
        guard let value = Double(number), value >= 0, value.isFinite else {
            throw FinkError.invalidSetting(name: "--max-age", value: text, reason: "use seconds or a number with s, m, h, d or w (12h, 3d)")
        }
        return value * factor
    }
}

/// Options of every rendering command that can run over many ids: the runner's, plus where the
/// ids come from and which part of them this process takes.
struct BatchOptions: ParsableArguments {
    @Option(name: .customLong("ids-file"), help: ArgumentHelp(
        "Read objectIds from FILE ('-' for standard input, also read when no id is given and it is a pipe): one per line, '#' comments and blank lines ignored.",
        valueName: "file"), completion: .file())
    var idsFile: String?

    @OptionGroup var runner: RunnerOptions
    @OptionGroup var age: MaxAgeOption

    @Option(help: ArgumentHelp(
        "Take part K of N (K from 1 to N) of the ids, chosen by a stable hash of each id: N runs with K = 1…N cover the list once (e.g. a Slurm job array).",
        valueName: "K/N"))
    var shard: String?

    var quiet: Bool { runner.quiet }

    func validate() throws {
        do { _ = try shard.map { try Shard(parsing: $0) } } catch { throw ValidationError("\(error)") }
    }

    /// True when the ids are read from standard input without `--ids-file -`: none is given and
    /// standard input is a pipe or a file (`grep ZTF list | finkplot lightcurve …`, `< ids.txt`),
    /// never a terminal or /dev/null.
    func idsFromStandardInput(arguments: [String]) -> Bool {
        guard arguments.isEmpty, idsFile == nil else { return false }
        var info = stat()
        guard fstat(0, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFREG || type == S_IFSOCK
    }

    /// The ids, at least one: from the arguments and then the ids file, or from standard input
    /// when it is a pipe and neither is given.
    func ids(arguments: [String]) throws -> [String] {
        if idsFromStandardInput(arguments: arguments) {
            let listed: [String]
            do { listed = try BatchInput.readList(path: "-") } catch { throw ValidationError("\(error)") }
            guard !listed.isEmpty else {
                throw ValidationError("no ids given, and standard input (a pipe) holds none: give objectIds, or --ids-file FILE")
            }
            return listed
        }
        let ids = try rawIds(arguments: arguments)
        guard !ids.isEmpty else { throw ValidationError("give at least one objectId, or --ids-file, or pipe ids to standard input") }
        return ids
    }

    /// The ids from the arguments and then the ids file, in that order.
    func rawIds(arguments: [String]) throws -> [String] {
        var ids = arguments
        if let idsFile {
            let listed: [String]
            do { listed = try BatchInput.readList(path: idsFile) } catch { throw ValidationError("\(error)") }
            if listed.isEmpty && arguments.isEmpty {
                throw ValidationError("--ids-file \(idsFile == "-" ? "- (standard input)" : idsFile) holds no ids")
            }
            ids += listed
        }
        return ids
    }

    func input(ids: [String], survey: Survey?) throws -> BatchInput {
        BatchInput(raw: ids, shard: try shardValue(), survey: survey)
    }

    func shardValue() throws -> Shard? {
        do { return try shard.map { try Shard(parsing: $0) } } catch { throw ValidationError("\(error)") }
    }

    func settings(_ source: SourceOptions) throws -> SourceSettings {
        try source.settings(runner, maxAge: age.seconds)
    }

    func configuration(manifestDirectory: URL?) throws -> BatchConfiguration {
        runner.configuration(manifestURL: manifestDirectory?.appendingPathComponent(Manifest.fileName(shard: try shardValue())))
    }
}

/// Runs a batch with Ctrl-C handling and progress, prints the summary line, and ends with the
/// batch's exit status: 0 when every id is rendered (now or before), 1 otherwise, 130 when
/// interrupted.
func runBatch(_ runner: BatchRunner, input: BatchInput, quiet: Bool) async throws {
    let summary = try await runBatchSummary(runner, input: input, quiet: quiet)
    try exitStatus(for: summary)
}

/// The exit status of a finished batch: 130 when interrupted, 1 when an id is not done.
func exitStatus(for summary: BatchSummary) throws {
    if summary.interrupted { throw ExitCode(130) }
    if !summary.allDone { throw ExitCode(1) }
}

/// Runs a batch with Ctrl-C handling and progress and prints its summary line. `finish` runs once
/// the objects are done and before the summary, so that the counts stay the last line: it writes
/// what all objects make together (a grid, a table); its failure is printed and ends in exit 1.
func runBatchSummary(_ runner: BatchRunner, input: BatchInput, quiet: Bool,
                     finish: (BatchSummary) throws -> Void = { _ in }) async throws -> BatchSummary {
    let observer = ConsoleProgress(mode: ConsoleProgress.automaticMode(quiet: quiet))
    let task = Task { try await runner.run(input, observer: observer) }

    // The first Ctrl-C (or SIGTERM, how Slurm stops a job) cancels the run: in-flight requests
    // and waits stop, files are only ever renamed into place complete, and the manifest keeps what
    // finished. A second one kills at once.
    let stop = StopSignals { name in
        printError("\n\(name): stopping after the objects in progress (again to quit at once)")
        task.cancel()
    }
    defer { stop.cancel() }

    let summary: BatchSummary
    do {
        summary = try await task.value
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
    var finished = true
    do { try finish(summary) } catch {
        printError("error: \(error)")
        finished = false
    }
    if let url = runner.configuration.manifestURL, !quiet { printError("manifest: \(url.path)") }
    // The counts are the batch's result: printed even with --quiet, for scripts to read.
    printError(summary.line)
    if summary.interrupted, stop.terminated { throw ExitCode(143) }
    if !finished { throw ExitCode(1) }
    return summary
}

/// Writes the spec when asked, then makes its figures through the batch runner (chunked fetches,
/// cache, retries, manifest when `manifest` and the output is a directory, progress).
func runSpecBatch(_ spec: FigureSpec, source: SourceOptions, batch: BatchOptions, saveSpec: String?, manifest: Bool) async throws {
    if let saveSpec {
        try AtomicFile.write(try spec.json(), to: URL(fileURLWithPath: saveSpec))
        if !batch.quiet { printError("wrote spec \(saveSpec)") }
    }
    try await runSpecBatch(spec, settings: try batch.settings(source), runner: batch.runner, shard: try batch.shardValue(),
                           manifest: manifest)
}

/// Makes a spec's figures through the batch runner, into `target` (default: the spec's output).
/// The one path of `lightcurve`, `card` and `render`, so a spec remade by `render` goes through
/// the same fetch, cache and drawing code as the run that wrote it. A manifest is kept in a
/// directory target when `manifest` (a directory the command line or the spec named, never the
/// current folder unasked); the spec's table, when it has one, gets every object's points.
/// `dataTime`: figures record when their data were fetched (false for `render`, which keeps the
/// spec's query time so the same spec gives the same bytes).
func runSpecBatch(_ spec: FigureSpec, target: OutputTarget? = nil, settings: SourceSettings, runner options: RunnerOptions,
                  shard: Shard?, manifest: Bool = true, dataTime: Bool = true) async throws {
    let target = target ?? spec.target
    let manifestDirectory: URL? = if manifest, case let .directory(dir) = target { dir } else { nil }
    let input = BatchInput(raw: spec.objectIds, shard: shard, survey: spec.survey)
    let sources: SourceSet
    do { sources = try settings.sources(for: input.validIds.map(\.survey)) } catch { throw ValidationError("\(error)") }
    let points = try spec.output?.table.map { try prepareTable(OutputTarget.fileURL($0)) }
    var configuration = options.configuration(manifestURL: manifestDirectory?.appendingPathComponent(Manifest.fileName(shard: shard)))
    // The table holds every object of the list, so none is skipped as done by an earlier run.
    if points != nil { configuration.force = true }
    let runner = BatchRunner(job: try spec.batchJob(target: target, points: points, dataTime: dataTime), sources: sources, configuration: configuration)
    let summary = try await runBatchSummary(runner, input: input, quiet: options.quiet) { summary in
        if let points, !summary.interrupted { try writeTable(points, order: input.validIds, quiet: options.quiet) }
    }
    try exitStatus(for: summary)
}

/// A batch's table is written after its figures: its folder is made, and checked writable, before
/// any figure is drawn, so a table that cannot be written never follows figures counted done.
func prepareTable(_ url: URL) throws -> PointTable {
    if url.path != "/dev/stdout" {
        let folder = url.deletingLastPathComponent()
        do {
            try AtomicFile.ensureDirectory(folder)
        } catch {
            printError("error: cannot write the table \(url.path): \(error)")
            throw ExitCode(1)
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            printError("error: cannot write the table \(url.path): the folder \(folder.path) is not writable")
            throw ExitCode(1)
        }
    }
    return PointTable(url: url)
}

/// Writes a batch's table once its objects are drawn (nothing when none was) and says so.
func writeTable(_ table: PointTable, order: [ObjectKey], quiet: Bool) throws {
    if let (objects, rows) = try table.write(order: order), !quiet, table.url.path != "/dev/stdout" {
        printError("wrote \(table.url.path) (\(rows) row\(rows == 1 ? "" : "s") of \(objects) object\(objects == 1 ? "" : "s"))")
    }
}

/// The source as the spec records it, for the surveys of `ids` (usage errors are exit 64).
func specSource(_ source: SourceOptions, batch: BatchOptions, ids: [String]) throws -> FigureSpec.Source {
    let surveys = BatchInput(raw: ids, survey: source.survey).validIds.map(\.survey)
    do { return try batch.settings(source).specSource(for: surveys) } catch let error as ValidationError { throw error } catch {
        throw ValidationError("\(error)")
    }
}

/// SIGINT and SIGTERM as events: the first of either calls `onStop`, a second restores the
/// default action so the next one kills at once.
final class StopSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    // Written on the signal queue, read after the run.
    private let lock = NSLock()
    private var gotTerminate = false

    init(onStop: @escaping @Sendable (String) -> Void) {
        for (number, name) in [(SIGINT, "interrupted"), (SIGTERM, "terminated")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                if number == SIGTERM { self?.lock.withLock { self?.gotTerminate = true } }
                onStop(name)
                // The next signal of either kind takes its default action: quit at once.
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
                self?.cancel()
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    var terminated: Bool { lock.withLock { gotTerminate } }

    /// Stops listening; the signals take their default action again.
    func cancel() {
        let current = lock.withLock { () -> [DispatchSourceSignal] in
            defer { sources = [] }
            return sources
        }
        for source in current { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// Runs `body` so that Ctrl-C or SIGTERM cancel it (requests and waits stop at once) and the
/// command exits 130 or 143: what `stats`, `anomaly` and other single requests need.
func runStoppable<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let task = Task { try await body() }
    let stop = StopSignals { name in
        printError("\n\(name): stopping")
        task.cancel()
    }
    defer { stop.cancel() }
    do {
        return try await task.value
    } catch {
        if task.isCancelled { throw ExitCode(stop.terminated ? 143 : 130) }
        throw error
    }
}
