import ArgumentParser
import FinkPlotKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `anomaly --from`, listed with the other data-source options. One option for every saved
/// answer, told apart by what the path is: a file is /anomaly's answer, a directory the objects'
/// (`--objects-from`, its first name, is kept as an alias).
struct SavedAnomalyAnswers: ParsableArguments {
    @Option(name: [.customLong("from"), .customLong("objects-from")], help: ArgumentHelp(
        "Saved answers instead of the API (repeatable): a JSON file of /api/v1/anomaly's answer, and/or with --render a directory of the objects' answers, as 'lightcurve --from DIR' reads them. --objects-from DIR is the same.",
        valueName: "file|dir"), completion: .file())
    var from: [String] = []
}

struct AnomalyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly",
        abstract: "Chart the SIMBAD classes of Fink's latest anomalous alerts; optionally draw their objects.",
        discussion: """
            Asks /api/v1/anomaly for the N newest anomalous alerts (between --since and --until, \
            inclusive UTC days) and draws their SIMBAD cross-match classes (d:cdsxmatch) as \
            horizontal bars, most frequent first; 'Fail NNN' labels (the cross-match service \
            failed) are kept apart in grey below a gap. --table writes the alerts with their 26 \
            light-curve features per band as named columns (g_mean … r_stetson_K).

            --render then draws each anomalous object (newest alert first), one file each \
            (<id>_lightcurve.<format>, <id>_card.<format>, <id>_cutouts.<format>): the second \
            step of Fink's workflow, alerts first, then objects. --output-dir DIR puts them, \
            the chart (anomaly.<format>) and -o and --table files given as bare names in DIR. \
            The objects go through the batch runner as for 'finkplot lightcurve': chunked \
            /objects requests, the cache, retries, and with --output-dir a manifest.jsonl \
            listing every anomalous object, a re-run skipping what is done. --from takes the \
            saved /anomaly answer (a file) and/or the objects' saved answers (a directory, as \
            'lightcurve --from DIR'). Cutout grids and \
            cards show the latest alert's stamps. --style, --width and --dpi also shape the \
            lightcurves (--height is the chart's), --dpi the grids; a card's page is fixed.

            Exit status: 1 when the chart or table cannot be made; with --render, as for the \
            batch commands: 0 when every object is rendered (now or by an earlier run), 1 when \
            any is empty, invalid or failed, 130 when interrupted, 143 when terminated, 64 for a usage error.

            Examples:
              finkplot anomaly -n 50 --since 2026-03-01 -o anomaly.png --table anomaly.csv
              finkplot anomaly --from samples/anomaly.json -o anomaly.pdf
              finkplot anomaly --from samples/anomaly.json --from samples -n 1 \\
                --render card
              finkplot anomaly -n 5 --render lightcurve --output-dir anomalous
              finkplot anomaly -n 50 --render cutouts --output-dir grids \\
                --cache /shared/cache
            """
    )

    // --n is the first spelling, kept so that scripts written for it still run.
    @Option(name: [.customLong("count"), .customShort("n"), .customLong("n")], help: ArgumentHelp("How many alerts to ask for.", valueName: "N"))
    var count: Int = 10

    @Option(help: ArgumentHelp("First day (UTC), YYYY-MM-DD.", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Last day (UTC, inclusive), YYYY-MM-DD.", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("Also draw every anomalous object: lightcurve, cutouts or card.", valueName: "figure"))
    var render: AnomalyObjectFigure?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp(
        "Directory for the chart, the table (when -o and --table are bare names) and the --render figures (created if missing; default: current directory).",
        valueName: "dir"), completion: .directory)
    var outputDirectory: String?

    @OptionGroup(title: "Data source") var source: ServiceSourceOptions
    @OptionGroup(title: "Data source") var saved: SavedAnomalyAnswers
    var from: [String] { saved.from }
    @OptionGroup(title: "Output") var output: FigureFileOptions
    @OptionGroup(title: "Objects (--render)") var runner: RunnerOptions
    @OptionGroup(title: "Objects (--render)") var age: MaxAgeOption

    func validate() throws {
        guard count >= 1, count <= 100_000 else { throw ValidationError("--count must be between 1 and 100000") }
        let (s, u) = try dates()
        if let s, let u, u < s { throw ValidationError("--until \(u) is before --since \(s)") }
        let (file, directory) = try savedAnswers()
        if render == nil && (directory != nil || runner.offline || runner.cache != nil || runner.noCache || runner.force) {
            throw ValidationError("--from DIR (the objects' answers), --offline, --cache, --no-cache and --force only make sense with --render")
        }
        if let file, source.apiURL != nil, render == nil || directory != nil {
            throw ValidationError("--from \(file) and --api-url exclude each other: read a saved answer or ask the API, not both")
        }
        if runner.quiet && runner.verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    /// The `--from` paths: /anomaly's saved answer (a file) and the objects' (a directory).
    func savedAnswers() throws -> (file: String?, directory: String?) {
        var file: String?, directory: String?
        for path in from {
            switch try SavedAnswerPath(path) {
            case .file:
                if let file { throw ValidationError("--from \(file) and --from \(path): give one saved answer of /api/v1/anomaly") }
                file = path
            case .directory:
                if let directory { throw ValidationError("--from \(directory) and --from \(path): give one directory of the objects' answers") }
                directory = path
            }
        }
        return (file, directory)
    }

    func dates() throws -> (CivilDate?, CivilDate?) {
        do {
            return (try since.map { try CivilDate(iso: $0, name: "--since") }, try until.map { try CivilDate(iso: $0, name: "--until") })
        } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        let (since, until) = try dates()
        let (answerFile, objectsFrom) = try savedAnswers()
        let log = runner.verbose ? requestLogger : nil
        // Usage errors of the objects step come before anything is asked or written.
        let kind = render
        let objects: (sources: SourceSet, source: FigureSpec.Source)? = try kind.map { _ in
            // --offline concerns the objects only: /anomaly is still asked (or --from read).
            var settings = SourceSettings()
            settings.apiURLs = source.apiURL.map { ["ztf=\($0)"] } ?? []
            settings.directory = objectsFrom
            settings.timeout = source.timeout
            settings.maxAge = age.seconds
            try runner.apply(to: &settings, directoryGiven: objectsFrom != nil, directoryName: "--from DIR")
            do { return (try settings.sources(for: [.ztf]), try settings.specSource(for: [.ztf])) } catch {
                throw ValidationError("\(error)")
            }
        }

        let service = try source.makeSource(file: answerFile, log: log)
        let run = AnomalyRun(source: service, n: count, since: since, until: until)
        let result: AnomalyRun.Result
        do { result = try await runStoppable { try await run.fetch() } } catch {
            if error is ExitCode { throw error }
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if !runner.quiet { for note in result.notes { printError("note: \(note)") } }
        if let outputDirectory { try AtomicFile.ensureDirectory(URL(fileURLWithPath: outputDirectory, isDirectory: true)) }
        let chart = try output.outputURL(defaultName: "anomaly", directory: outputDirectory)
        let table = output.tableURL(directory: outputDirectory)
        let preset = try output.preset()
        let style = preset.style
        let size = try output.size { AnomalyFigure.pageHeightPixels(result.alerts, size: $0, preset: preset) }
        let format = try output.resolvedFormat()
        do {
            var options = ["anomaly", "--count", "\(count)"]
            if let s = self.since { options += ["--since", s] }
            if let u = self.until { options += ["--until", u] }
            let metadata = FigureRenderer.serviceMetadata(title: "Fink anomaly detections", service: service.location,
                                                          options: options.joined(separator: " "))
            try AnomalyRun.write(result, chart: chart, format: format, size: size, style: style, table: table, metadata: metadata)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if !runner.quiet, chart.path != "/dev/stdout" { printError("wrote \(chart.path)") }
        if !runner.quiet, let table, table.path != "/dev/stdout" { printError("wrote \(table.path)") }
        // The runner's progress writes to the file descriptor directly: flush so that a log shows
        // the chart before the objects.
        fflush(nil)

        guard let kind, let objects else { return }
        let dir = URL(fileURLWithPath: outputDirectory ?? ".", isDirectory: true)
        try AtomicFile.ensureDirectory(dir)
        let (width, _) = try output.lengths()
        let job = try AnomalyRun.objectJob(kind, directory: dir, format: format, source: objects.source,
                                           look: (preset, preset.size(width: width, height: nil, dpi: output.dpi)),
                                           cutoutDPI: output.dpi ?? 150)
        // The manifest records a directory the command line named, never the current folder unasked.
        let batch = BatchRunner(job: job, sources: objects.sources, configuration: runner.configuration(
            manifestURL: outputDirectory == nil ? nil : dir.appendingPathComponent(Manifest.fileName(shard: nil))))
        // The distinct objectIds as the alerts name them, malformed ones too: the manifest
        // accounts for every anomalous object.
        try await runBatch(batch, input: BatchInput(raw: result.objectList), quiet: runner.quiet)
    }
}
