import ArgumentParser
import FinkPlotKit
import Foundation

/// `stats --from FILE`, listed with the other data-source options.
struct SavedStatistics: ParsableArguments {
    @Option(name: .customLong("from"), help: ArgumentHelp(
        "Read a saved JSON answer of /api/v1/statistics instead of asking the API (filtered as the server would).",
        valueName: "file"), completion: .file(extensions: ["json"]))
    var from: String?
}

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Chart Fink's nightly statistics: alerts per night, cumulative totals, classes.",
        discussion: """
            Asks /api/v1/statistics for the nights matching --date (YYYY, YYYYMM or YYYYMMDD; \
            empty or omitted for every night) and draws, on a calendar axis, --plot:
              nightly      alerts received (basic:raw) and processed (basic:sci) per night
              cumulative   running totals of both
              classes      the --top N classes per night as stacked bars, plus "other"
                           (or the --class columns given); class:simbad_tot and
                           class:simbad_gal are sums of other columns and never stacked
              all          the three, one above the other (default; 1200×1500 px with
                           the screen style)
            --bin groups the nights of the bar panels: night, week (weeks starting Monday, \
            ISO 8601), month, or auto (default: nights while a night is at least 3 pixels \
            wide in the plot, else weeks if a week is, else months). A bar sums the nights of \
            its bin that have the value; the cumulative panel stays per night. Large counts \
            read in thousands or millions (the axis title says which). A night with a missing \
            value still draws its other values and adds nothing to the totals. --table writes \
            one row per night whatever --bin.

            Examples:
              finkplot stats --date 2021 -o stats_2021.png --table stats_2021.csv
              finkplot stats --date 202103 --plot classes --top 4 -o march.pdf
              finkplot stats --from samples/statistics_2021.json --plot nightly
              finkplot stats --date "" --bin month -o all_nights.png

            Exit status: 0 when the figure (and table) are written, 1 when there is no data or the \
            server fails, 130 when interrupted (Ctrl-C), 143 when terminated (SIGTERM), 64 for a \
            usage error.
            """
    )

    @Option(help: ArgumentHelp("Nights: YYYY, YYYYMM or YYYYMMDD; empty for all.", valueName: "date"))
    var date: String = ""

    @Option(help: ArgumentHelp("nightly, cumulative, classes or all.", valueName: "plot"))
    var plot: StatsPlot = .all

    @Option(help: ArgumentHelp("Bars per night, week (from Monday), month, or auto.", valueName: "bin"))
    var bin: StatsBinOption = .auto

    @Option(help: ArgumentHelp("How many classes to stack before 'other'.", valueName: "N"))
    var top: Int = 6

    @Option(name: .customLong("class"), help: ArgumentHelp(
        "Stack these classes instead of the top N (repeatable), e.g. --class 'SN candidate'.", valueName: "name"))
    var classes: [String] = []

    @OptionGroup(title: "Data source") var source: ServiceSourceOptions
    @OptionGroup(title: "Data source") var saved: SavedStatistics
    var from: String? { saved.from }

    @OptionGroup(title: "Output") var output: FigureFileOptions

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print every request sent to the API, on standard error.")
    var verbose = false

    func validate() throws {
        if let from {
            if source.apiURL != nil {
                throw ValidationError("--from and --api-url exclude each other: read a saved answer or ask the API, not both")
            }
            if try SavedAnswerPath(from) == .directory {
                throw ValidationError("--from \(from) is a directory: stats reads one saved answer of /api/v1/statistics (a file)")
            }
        }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
        do { _ = try StatisticsDate(validating: date) } catch { throw ValidationError("\(error)") }
        guard (1...20).contains(top) else { throw ValidationError("--top must be between 1 and 20") }
    }

    func run() async throws {
        let service = try source.makeSource(file: from, log: verbose ? requestLogger : nil)
        let run = StatsRun(source: service, date: try StatisticsDate(validating: date))
        let chart = try output.outputURL(defaultName: "stats")
        let table = output.tableURL()
        let preset = try output.preset()
        let size = try output.size { StatsFigure.pageHeightPixels(plot: plot, size: $0, preset: preset) }
        do {
            let (nights, notes) = try await runStoppable { try await run.fetch() }
            if !quiet { for note in notes { printError("note: \(note)") } }
            let figure = StatsFigure.figure(nights, plot: plot, size: size, top: top, chosen: classes, style: preset.style,
                                            bin: bin.bin, arrangement: .init(preset))
            let missing = classes.filter { name in
                let column = name.hasPrefix("class:") ? name : "class:" + name
                return !nights.contains { $0.counters[column] != nil }
            }
            if !missing.isEmpty, !quiet { printError("note: no such class column in these nights: \(missing.joined(separator: ", "))") }
            var options = ["stats", "--date", date, "--plot", plot.rawValue, "--top", "\(top)", "--bin", bin.rawValue]
            if !classes.isEmpty { options += ["--class", classes.joined(separator: ",")] }
            let metadata = FigureRenderer.serviceMetadata(title: "Fink statistics \(date)", service: service.location,
                                                          options: options.joined(separator: " "))
            // The table first: one that cannot be written fails before the figure exists.
            if let table { try TableFile.write(StatsFigure.table(nights), to: table) }
            try FigureRenderer.write(figure, format: try output.resolvedFormat(), size: size, metadata: metadata, to: chart)
        } catch {
            if error is ExitCode { throw error }
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if !quiet, chart.path != "/dev/stdout" { printError("wrote \(chart.path)") }
        if !quiet, let table, table.path != "/dev/stdout" { printError("wrote \(table.path)") }
    }
}
