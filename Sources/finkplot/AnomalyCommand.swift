import ArgumentParser
import FinkAPI
import FinkPlotKit
import Foundation

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

            --render then draws each anomalous object (newest alert first) into --output-dir: \
            the second step of Fink's workflow, alerts first, then objects.

            Examples:
              finkplot anomaly --n 50 --since 2026-03-01 -o anomaly.png --table anomaly.csv
              finkplot anomaly --from samples/anomaly.json -o anomaly.pdf
              finkplot anomaly --n 5 --render lightcurve --output-dir anomalous
            """
    )

    @Option(name: .customLong("n"), help: ArgumentHelp("How many alerts to ask for.", valueName: "N"))
    var count: Int = 10

    @Option(help: ArgumentHelp("First day (UTC), YYYY-MM-DD.", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Last day (UTC, inclusive), YYYY-MM-DD.", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("Also draw every anomalous object: lightcurve, cutouts or card.", valueName: "figure"))
    var render: String?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp(
        "Directory for the --render figures (created if missing; default: current directory).", valueName: "dir"))
    var outputDirectory: String?

    @Option(name: .customLong("objects-from"), help: ArgumentHelp(
        "With --render, read saved /objects answers DIR/<objectId>.json instead of asking the API.", valueName: "dir"))
    var objectsFrom: String?

    @OptionGroup(title: "Data source") var source: ServiceSourceOptions
    @OptionGroup(title: "Output") var output: FigureFileOptions

    func validate() throws {
        guard count >= 1, count <= 100_000 else { throw ValidationError("--n must be between 1 and 100000") }
        let (s, u) = try dates()
        if let s, let u, u < s { throw ValidationError("--until \(u) is before --since \(s)") }
        if let render, AnomalyObjectFigure(rawValue: render) == nil {
            throw ValidationError("--render \(render): use lightcurve, cutouts or card")
        }
        if render == nil && (outputDirectory != nil || objectsFrom != nil) {
            throw ValidationError("--output-dir and --objects-from only make sense with --render")
        }
    }

    func dates() throws -> (CivilDate?, CivilDate?) {
        do {
            return (try since.map { try CivilDate(iso: $0, name: "--since") }, try until.map { try CivilDate(iso: $0, name: "--until") })
        } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        let (since, until) = try dates()
        let run = AnomalyRun(source: try source.makeSource(), n: count, since: since, until: until)
        let result: AnomalyRun.Result
        do { result = try await run.fetch() } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        for note in result.notes { printError("note: \(note)") }
        let chart = try output.outputURL(defaultName: "anomaly")
        let table = output.table.map { URL(fileURLWithPath: $0) }
        let style = try output.preset().style
        let size = try output.size { AnomalyFigure.naturalHeightPixels(result.alerts, dpi: $0.dpi, style: style) }
        do {
            try AnomalyRun.write(result, chart: chart, format: try output.resolvedFormat(), size: size, style: style, table: table)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        print("wrote \(chart.path)")
        if let table { print("wrote \(table.path)") }

        guard let render, let kind = AnomalyObjectFigure(rawValue: render) else { return }
        let objects: any ObjectSource & StampProvider
        if let objectsFrom {
            objects = DirectorySource(directory: URL(fileURLWithPath: objectsFrom, isDirectory: true))
        } else {
            objects = try source.makeClient()
        }
        let dir = URL(fileURLWithPath: outputDirectory ?? ".", isDirectory: true)
        try AtomicFile.ensureDirectory(dir)
        let format = try output.resolvedFormat()
        let outcomes: [ObjectOutcome]
        do {
            outcomes = try await AnomalyRun.renderObjects(
                result.objectIds, as: kind, source: objects, directory: dir, format: format,
                size: FigureSize(), report: printOutcome)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let failed = outcomes.filter { !$0.succeeded }.count
        if failed > 0 {
            printError("\(failed) of \(outcomes.count) objects failed")
            throw ExitCode(1)
        }
    }
}
