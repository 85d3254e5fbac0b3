import ArgumentParser
import FinkPlotKit
import Foundation

struct CutoutsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cutouts",
        abstract: "Draw the Science, Template and Difference stamps of ZTF and Rubin alerts as a grid.",
        discussion: """
            One row per object (or per alert with --alert all), columns Science, Template, \
            Difference, each row labelled with the id, the alert id (ZTF candid, Rubin \
            diaSourceId), date and magnitude. A scale bar on each science stamp uses the \
            survey's pixel scale (ZTF 1.01″/px, Rubin 0.2″/px); colour bars give the stamp unit \
            (ZTF DN, Rubin nJy). No compass: Rubin stamps carry no celestial WCS and are not \
            north-up. Rubin's 30-pixel stamps are drawn at a larger scale than ZTF's 63-pixel \
            ones, so both print at about the same size.

            Orientation: rows are flipped as Fink's documentation does (data[::-1]) and drawn \
            with the flipped array's first row at the top, so the first FITS row ends at the \
            bottom, as in a FITS viewer. --no-flip draws the raw array order (row 0 at the top).

            Scaling: science and template default to --interval sky (from 2 sigma of the sky \
            noise below the median to the 99.5th percentile, at least 10 sigma above the \
            median; sigma from the median absolute deviation) with --stretch lupton (an asinh \
            softened at 3 sigma: the noise linear, sources compressed) and Greys_r, so the sky \
            is a dark grey with its noise visible on a faint field as on a bright one (the \
            Portal's percentile:0.5,99.5 with asinh washes a faint field out; zscale with \
            linear saturates bright stars); the difference to limits symmetric around 0 \
            (the largest |value|) with lupton:8 on each side of zero and RdBu_r, so a negative \
            alert is blue, a faint source keeps its profile and a bright one is not a \
            saturated blob; whatever --interval or --stretch, a diverging map stays centred \
            on 0 (white means zero) and both signs are stretched alike. \
            --interval, --stretch and --cmap replace these for all three stamps. Missing pixels \
            (null, NaN, |value| > 1e30) get --mask-color.

            Sign: ZTF cuts the difference stamp of a negative alert (isdiffpos f/0, the source \
            got fainter) from the reference-minus-science image, where the fading source looks \
            positive. FinkPlot negates those stamps so every difference reads science minus \
            reference and a negative alert is negative; --keep-sign draws them as sent. \
            Rubin's difference is always science minus template and is drawn as sent.

            Stamps come from /api/v1/cutouts for the chosen alert only (Rubin: the three in one \
            kind=All request); saved Rubin stamps are read from FITS (HDU 0) or the array answer.

            Size: each stamp is its pixels times --scale; the labels' column, the column titles \
            and the rows' spacing are in the type's size (the --style's, or --font-size) at \
            --dpi, so a larger type or dpi makes a larger grid around the same stamps.

            Without -o, one grid per object (<id>_cutouts.<format>) through the batch \
            runner: chunked fetches, cache, retries, and with --output-dir DIR a \
            DIR/manifest.jsonl, resume, --shard. With -o FILE, one grid holding every object. \
            --table writes the drawn alerts as CSV.

            Examples:
              finkplot cutouts ZTF21aaxtctv -o ZTF21aaxtctv_cutouts.png
              finkplot cutouts ZTF18acefvuh ZTF18aabjigr --from samples -o grid.pdf \\
                --colorbar
              finkplot cutouts ZTF21aaxtctv --alert peak --interval zscale \\
                --stretch linear --cmap viridis
              finkplot cutouts --ids-file ids.txt --output-dir grids

            Exit status: 0 when every id is rendered (now or by an earlier run), 1 when any is \
            empty, invalid or failed, 130 when interrupted (Ctrl-C; run again to resume), 143 when \
            terminated (SIGTERM), 64 for a usage error.
            """
    )

    @Argument(help: ArgumentHelp("ZTF objectIds (ZTF21aaxtctv) and/or Rubin diaObjectIds (170028485706776685).", valueName: "id"))
    var objectIds: [String] = []

    @OptionGroup(title: "Data source") var source: SourceOptions
    @OptionGroup(title: "Batch") var batch: BatchOptions

    @Option(name: .customLong("output-dir"), help: ArgumentHelp(
        "One grid per object, <id>_cutouts.<format>, in this directory (created if missing), with a manifest.",
        valueName: "dir"), completion: .directory)
    var outputDirectory: String?

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "One grid of every object in this file ('-': standard output); its extension picks the format (default: a grid per object, <id>_cutouts.<format>).",
        valueName: "path"), completion: .file(extensions: ["png", "svg", "pdf"]))
    var output: String?

    @Option(help: ArgumentHelp("png, svg or pdf (default: from -o's extension, else png).", valueName: "format"))
    var format: OutputFormat?

    @Option(name: [.customLong("alert"), .customLong("alerts")],
            help: ArgumentHelp("Which alert: latest, peak (brightest) or all (a row per alert).", valueName: "latest|peak|all"))
    var alert: StampAlertOption = .latest

    @Option(help: ArgumentHelp("Show this alert (one object only).", valueName: "candid"))
    var candid: Int64?

    @Flag(name: .customLong("no-flip"), help: "Keep the raw array order (row 0 at the top) instead of Fink's flip.")
    var noFlip = false

    @Flag(name: .customLong("keep-sign"), help: "Draw difference stamps of negative alerts as sent (reference − science).")
    var keepSign = false

    @Option(help: ArgumentHelp("sky[:K,P], minmax, zscale, percentile:LO,HI, symmetric:P or manual:VMIN,VMAX.", valueName: "interval"),
            completion: .list(["sky", "minmax", "zscale", "percentile:0.5,99.5", "symmetric:99.5", "manual:"]))
    var interval: String?

    @Option(help: ArgumentHelp("lupton[:K], linear, sqrt, log[:a], asinh[:a], power:a or sigmoid.", valueName: "stretch"),
            completion: .list(["lupton", "linear", "sqrt", "log", "asinh", "power:", "sigmoid"]))
    var stretch: String?

    @Option(help: ArgumentHelp("Colour map for all stamps: \(StampRendering.colormapNames.joined(separator: ", ")).", valueName: "name"),
            completion: .list(StampRendering.colormapNames))
    var cmap: String?

    @Option(name: .customLong("mask-color"), help: ArgumentHelp("Colour of missing pixels: #rrggbb[aa] or a name.", valueName: "color"))
    var maskColor: String = "magenta"

    @Option(help: ArgumentHelp("Output pixels per stamp pixel, nearest-neighbour (default: 4 for 63-pixel ZTF stamps, more for smaller stamps such as Rubin's 30-pixel ones, so both print at about the same size).", valueName: "n"))
    var scale: Int?

    @Option(help: ArgumentHelp("Pixels per inch: the labels' size in pixels (the stamps keep theirs).", valueName: "dpi"))
    var dpi: Double = 150

    @Option(help: ArgumentHelp(
        "Colours and type of the labels: screen, paper, paper-wide, talk or dark (light text on a dark page, for slides). The stamps are drawn the same in every style; the grid grows with the style's type size (the labels' column, or the lines above each row when a column would take over 40 % of the width).",
        valueName: "name"))
    var style: StylePreset = .screen

    @Option(name: .customLong("font-size"), help: ArgumentHelp("Label size in points (default: the style's).", valueName: "pt"))
    var fontSize: Double?

    @Flag(help: "Draw a colour bar under each stamp.")
    var colorbar = false

    @Option(help: ArgumentHelp("Also write each stamp as its own PNG, one pixel per stamp pixel.", valueName: "dir"),
            completion: .directory)
    var raw: String?

    @Option(help: ArgumentHelp(
        "Also write the drawn alerts as CSV ('-': standard output): one table of every grid, a row per alert with its objectId, band, time, magnitude and stamp sizes.",
        valueName: "file.csv"), completion: .file(extensions: ["csv"]))
    var table: String?

    /// Checked when the command runs, not in `validate()`: ArgumentParser reports an unknown option
    /// (`--styl paper`) only after `validate()`, which would first see its words as extra ids.
    func checkArguments(ids: [String]) throws {
        if output != nil && outputDirectory != nil { throw ValidationError("-o and --output-dir exclude each other") }
        if candid != nil && Set(ids).count > 1 { throw ValidationError("--candid names an alert of one object") }
        if table == "-" && output == "-" {
            throw ValidationError("-o - and --table - would both go to standard output: send one of them to a file")
        }
        if let table, let output, output != "-",
           URL(fileURLWithPath: table).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
            throw ValidationError("--table \(table) is the grid's own path: name another file")
        }
        if let scale { guard (1...64).contains(scale) else { throw ValidationError("--scale must be between 1 and 64") } }
        guard dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400") }
        if let fontSize { guard fontSize >= 3, fontSize <= 72 else { throw ValidationError("--font-size must be between 3 and 72 points") } }
        do {
            _ = try rendering()
            _ = try OutputFormat.resolve(explicit: format?.rawValue, outputPath: output)
        } catch { throw ValidationError("\(error)") }
    }

    func rendering() throws -> StampRendering {
        try StampRendering(flip: !noFlip, scienceMinusReference: !keepSign, interval: interval, stretch: stretch,
                           colormap: cmap, maskColor: maskColor)
    }

    /// The labels' type and the page's colours. The preset's page is not used: the grid is sized by
    /// its stamps and `--scale`, plus the labels, whose size follows the type and `--dpi`.
    func gridStyle() throws -> FigureStyle { style.style(fontSize: fontSize) }

    /// The options that shape the grid, as one normalised command line for the file's metadata.
    func normalizedOptions(format: OutputFormat) -> String {
        var parts = ["cutouts", "--format", format.rawValue, "--scale", scale.map(String.init) ?? "auto",
                     "--dpi", FigureSpec.number(dpi)]
        if let candid { parts += ["--candid", "\(candid)"] } else { parts += ["--alert", alert.rawValue] }
        if noFlip { parts.append("--no-flip") }
        if keepSign { parts.append("--keep-sign") }
        if let interval { parts += ["--interval", interval] }
        if let stretch { parts += ["--stretch", stretch] }
        if let cmap { parts += ["--cmap", cmap] }
        parts += ["--mask-color", maskColor]
        if colorbar { parts.append("--colorbar") }
        // Raw stamps are outputs too: a re-run that asks for them must not be skipped.
        if let raw { parts += ["--raw", raw] }
        if style != .screen { parts += ["--style", style.rawValue] }
        if let fontSize { parts += ["--font-size", FigureSpec.number(fontSize)] }
        return parts.joined(separator: " ")
    }

    func run() async throws {
        let ids = try batch.ids(arguments: objectIds)
        try checkArguments(ids: ids)
        let format = try OutputFormat.resolve(explicit: format?.rawValue, outputPath: output)
        let choice: AlertChoice = candid.map { .candid($0) } ?? alert.choice
        var rawDirectory: URL?
        if let raw {
            let dir = URL(fileURLWithPath: raw, isDirectory: true)
            try AtomicFile.ensureDirectory(dir)
            rawDirectory = dir
        }
        let input = try batch.input(ids: ids, survey: source.survey)
        let points = try table.map { try prepareTable(OutputTarget.fileURL($0)) }
        let settings = try batch.settings(source)
        let surveys = input.validIds.map(\.survey)
        let sources: SourceSet
        let recorded: FigureSpec.Source
        do {
            sources = try settings.sources(for: surveys)
            recorded = try settings.specSource(for: surveys)
        } catch { throw ValidationError("\(error)") }
        let options = normalizedOptions(format: format)
        // Without -o, one grid per object named <id>_cutouts.<format>, as every kind of figure is:
        // into --output-dir with a manifest, else into the current folder without one.
        guard let path = output else {
            let dir = URL(fileURLWithPath: outputDirectory ?? ".", isDirectory: true)
            try AtomicFile.ensureDirectory(dir)
            let provenance = Provenance(source: recorded.description, surveys: Array(Set(surveys)).sorted(), objectIds: [],
                                        queryTime: Provenance.now(), options: options)
            let job = CutoutsJob(directory: dir, choice: choice, rendering: try rendering(), scale: scale ?? 4, dpi: dpi,
                                 colorbars: colorbar, format: format, rawDirectory: rawDirectory, style: try gridStyle(),
                                 identity: options, exactScale: scale != nil, points: points,
                                 metadata: { key, fetched in
                                     var p = provenance.forObject(key.id, fetchedAt: fetched)
                                     p.surveys = [key.survey]
                                     return p.metadata(title: "\(key.id) cutouts")
                                 })
            var configuration = try batch.configuration(manifestDirectory: outputDirectory == nil ? nil : dir)
            // The table holds every object of the list, so none is skipped as done by an earlier run.
            if points != nil { configuration.force = true }
            let runner = BatchRunner(job: job, sources: sources, configuration: configuration)
            let summary = try await runBatchSummary(runner, input: input, quiet: batch.quiet) { summary in
                if let points, !summary.interrupted { try writeTable(points, order: input.validIds, quiet: batch.quiet) }
            }
            try exitStatus(for: summary)
            return
        }
        // -o: one grid for all objects, through the batch runner like every command (no manifest:
        // the grid is one file); the grid is written once every object is in.
        let queryTime = Provenance.now()
        let job = CutoutGridJob(
            output: OutputTarget.fileURL(path), choice: choice, rendering: try rendering(), scale: scale ?? 4, dpi: dpi,
            colorbars: colorbar, format: format, rawDirectory: rawDirectory, style: try gridStyle(), identity: options, exactScale: scale != nil,
            points: points, metadata: { keys, fetched in
                // From the cache, the time its oldest object was fetched, not when it was drawn.
                Provenance(source: recorded.description, surveys: Array(Set(keys.map(\.survey))).sorted(),
                           objectIds: keys.map(\.id), queryTime: fetched.map(Provenance.iso8601) ?? queryTime,
                           options: options).metadata(title: "Fink cutouts")
            })
        let runner = BatchRunner(job: job, sources: sources, configuration: batch.runner.configuration(manifestURL: nil))
        let summary = try await runBatchSummary(runner, input: input, quiet: batch.quiet) { summary in
            if try job.finish(order: input.validIds), !batch.quiet, path != "-" { printError("wrote \(path)") }
            if let points, !summary.interrupted { try writeTable(points, order: input.validIds, quiet: batch.quiet) }
        }
        try exitStatus(for: summary)
    }
}
