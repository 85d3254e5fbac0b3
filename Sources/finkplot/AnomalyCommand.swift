import ArgumentParser
import FinkPlotKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

            --render then draws each anomalous object (newest alert first) into --output-dir, \
            one file each (<id>.<format>, <id>_card.<format>, <id>_cutouts.<format>): the second step of Fink's workflow, alerts first, then \
            objects. The objects go through the batch runner as for 'finkplot lightcurve': \
            chunked /objects requests, the cache, retries, manifest.jsonl in --output-dir \
            listing every anomalous object, a re-run skipping what is done. Cutout grids and \
            cards show the latest alert's stamps. --style, --width and --dpi also shape the \
            lightcurves (--height is the chart's), --dpi the grids; a card's page is fixed.

            Exit status: 1 when the chart or table cannot be made; with --render, as for the \
            batch commands: 0 when every object is rendered (now or by an earlier run), 1 when \
            any is empty, invalid or failed, 130 when interrupted, 143 when terminated, 64 for a usage error.

            Examples:
              finkplot anomaly -n 50 --since 2026-03-01 -o anomaly.png --table anomaly.csv
              finkplot anomaly --from samples/anomaly.json -o anomaly.pdf
              finkplot anomaly -n 5 --render lightcurve --output-dir anomalous
              finkplot anomaly -n 50 --render cutouts --output-dir grids --cache /shared/cache
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
        "Directory for the --render figures (created if missing; default: current directory).", valueName: "dir"))
    var outputDirectory: String?

    @Option(name: .customLong("objects-from"), help: ArgumentHelp(
        "With --render, read saved /objects answers DIR/<objectId>.json instead of asking the API.", valueName: "dir"))
    var objectsFrom: String?

    @OptionGroup(title: "Data source") var source: ServiceSourceOptions
    @OptionGroup(title: "Output") var output: FigureFileOptions
    @OptionGroup(title: "Objects (--render)") var runner: RunnerOptions
    @OptionGroup(title: "Objects (--render)") var age: MaxAgeOption

    func validate() throws {
        guard count >= 1, count <= 100_000 else { throw ValidationError("--n must be between 1 and 100000") }
        let (s, u) = try dates()
        if let s, let u, u < s { throw ValidationError("--until \(u) is before --since \(s)") }
        if render == nil && (outputDirectory != nil || objectsFrom != nil || runner.offline || runner.cache != nil
                             || runner.noCache || runner.force) {
            throw ValidationError("--output-dir, --objects-from, --offline, --cache, --no-cache and --force only make sense with --render")
        }
    }

    func dates() throws -> (CivilDate?, CivilDate?) {
        do {
            return (try since.map { try CivilDate(iso: $0, name: "--since") }, try until.map { try CivilDate(iso: $0, name: "--until") })
        } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        let (since, until) = try dates()
        // Usage errors of the objects step come before anything is asked or written.
        let kind = render
        let objects: (sources: SourceSet, source: FigureSpec.Source)? = try kind.map { _ in
            // --offline concerns the objects only: /anomaly is still asked (or --from read).
            var settings = SourceSettings()
            settings.apiURLs = source.apiURL.map { ["ztf=\($0)"] } ?? []
            settings.directory = objectsFrom
            settings.timeout = source.timeout
            settings.maxAge = age.seconds
            try runner.apply(to: &settings, directoryGiven: objectsFrom != nil, directoryName: "--objects-from")
            do { return (try settings.sources(for: [.ztf]), try settings.specSource(for: [.ztf])) } catch {
                throw ValidationError("\(error)")
            }
        }

        let service = try source.makeSource()
        let run = AnomalyRun(source: service, n: count, since: since, until: until)
        let result: AnomalyRun.Result
        do { result = try await runStoppable { try await run.fetch() } } catch {
            if error is ExitCode { throw error }
            printError("error: \(error)")
            throw ExitCode(1)
        }
        for note in result.notes { printError("note: \(note)") }
        let chart = try output.outputURL(defaultName: "anomaly")
        let table = output.table.map { URL(fileURLWithPath: $0) }
        let preset = try output.preset()
        let style = preset.style
        let size = try output.size { AnomalyFigure.naturalHeightPixels(result.alerts, dpi: $0.dpi, style: style) }
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
        if chart.path != "/dev/stdout" { printOut("wrote \(chart.path)") }
        if let table, table.path != "/dev/stdout" { printOut("wrote \(table.path)") }
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
        let batch = BatchRunner(job: job, sources: objects.sources, configuration: runner.configuration(
            manifestURL: dir.appendingPathComponent(Manifest.fileName(shard: nil))))
        // The distinct objectIds as the alerts name them, malformed ones too: the manifest
        // accounts for every anomalous object.
        try await runBatch(batch, input: BatchInput(raw: result.objectList), quiet: runner.quiet)
    }
}
