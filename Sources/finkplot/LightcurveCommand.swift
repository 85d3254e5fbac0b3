import ArgumentParser
import FinkPlotKit
import Foundation

struct LightcurveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lightcurve",
        abstract: "Draw the lightcurve (magnitude or flux versus time) of ZTF and Rubin objects.",
        discussion: """
            Per band (g, r, and i when present): valid alerts as filled circles with 1σ error \
            bars, upper limits as open downward triangles at the 5σ limiting magnitude, \
            bad-quality detections as lighter upward triangles. The magnitude axis is inverted \
            (brighter is higher). The legend counts valid detections per band.

            Styles: --style screen (default), paper (3.4 in journal column, legend above), \
            paper-wide (7.1 in), talk (16:9 slide), dark (talk on a dark background). \
            --palette colorblind uses Okabe–Ito colours and a marker shape per band.

            Axes: --time mjd|date|since-first|since-t0 (--t0 MJD), --top-axis for a second time \
            axis on top, --since/--until (MJD or YYYY-MM-DD) for a window. --y dcmag draws the \
            apparent magnitude where a reference source lies within 1.5 px (no upper limits, a \
            dashed reference line per band); --y flux the difference flux in mJy (negative when \
            fainter than the template). --table FILE.csv writes the drawn points of every \
            object in one table, a row per point with its objectId.

            Many objects: ids as arguments and/or --ids-file, or piped to standard input when \
            none is given. Files are named <id>_lightcurve.<format>. They are fetched in chunks \
            (--chunk-size), cached and retried; with --output-dir DIR every id is recorded in \
            DIR/manifest.jsonl and a re-run skips what is done (--force redoes it).

            Streams: -o - writes the figure to standard output (PNG unless --format says) and \
            --table - the table, so a notebook can take the bytes; everything else (progress, \
            'wrote' lines, notes, errors) goes to standard error. -q leaves only errors and the \
            final counts; -v adds every request sent.

            Examples:
              finkplot lightcurve ZTF21aaxtctv -o ZTF21aaxtctv.png
              finkplot lightcurve ZTF21aaxtctv --style paper --palette colorblind \\
                -o fig1.pdf
              finkplot lightcurve ZTF21aaxtctv --style talk --time since-first \\
                --top-axis date -o slide.png
              finkplot lightcurve ZTF21aaxtctv --y flux --table points.csv -o flux.svg
              finkplot lightcurve ZTF18aabjigr ZTF19acihgng --output-dir figures \\
                --format pdf --table figures/points.csv
              finkplot lightcurve ZTF18aabjigr --from samples -o - > lc.png
              grep -h ZTF candidates.txt | finkplot lightcurve --output-dir figures
              finkplot lightcurve ZTF18aabjigr --from samples -o ZTF18aabjigr.svg
              finkplot lightcurve --ids-file ids.txt --output-dir figures --shard 3/8

            Exit status: 0 when every id is rendered (now or by an earlier run), 1 when any is \
            empty, invalid or failed, 130 when interrupted (Ctrl-C; run again to resume), 143 when \
            terminated (SIGTERM), 64 for a usage error.
            """
    )

    @Argument(help: ArgumentHelp("ZTF objectIds (ZTF21aaxtctv) and/or Rubin diaObjectIds (170028485706776685).", valueName: "id"))
    var objectIds: [String] = []

    @OptionGroup(title: "Data source") var source: SourceOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Style") var style: StyleOptions
    @OptionGroup(title: "Axes") var axes: LightcurveAxisOptions

    @Option(name: .customLong("save-spec"), help: ArgumentHelp(
        "Also write a figure spec that 'finkplot render' turns into the same figure(s).", valueName: "file.json"),
            completion: .file(extensions: ["json"]))
    var saveSpec: String?

    @OptionGroup(title: "Batch") var batch: BatchOptions

    /// Checked when the command runs, not in `validate()`: ArgumentParser reports an unknown option
    /// (`--styl paper`) only after `validate()`, which would first see its words as extra ids.
    func checkArguments(ids: [String]) throws {
        if output.output != nil && Set(ids).count > 1 {
            throw ValidationError("-o names one file; with several objects use --output-dir")
        }
        if let table = axes.table, let file = output.output, file != "-",
           URL(fileURLWithPath: table).standardizedFileURL == URL(fileURLWithPath: file).standardizedFileURL {
            throw ValidationError("--table \(table) is the figure's own path: name another file")
        }
        if axes.table == "-" && output.output == "-" {
            throw ValidationError("-o - and --table - would both go to standard output: send one of them to a file")
        }
    }

    func run() async throws {
        let ids = try batch.ids(arguments: objectIds)
        try checkArguments(ids: ids)
        let format = try output.resolvedFormat()
        let out: FigureSpec.Output
        if let file = output.output {
            out = .init(file: file)
        } else {
            // Without --output-dir, <id>_lightcurve.<format> files in the current folder.
            let dir = output.outputDirectory ?? "."
            try AtomicFile.ensureDirectory(URL(fileURLWithPath: dir, isDirectory: true))
            out = .init(directory: dir)
        }
        let size = try style.figureSize()
        var options = FigureSpec.Options(format: format, width: size.widthPixels, height: size.heightPixels,
                                         dpi: size.dpi)
        style.record(in: &options)
        try axes.record(in: &options)
        var spec = FigureSpec(command: .lightcurve, objectIds: ids, survey: source.survey,
                              source: try specSource(source, batch: batch, ids: ids), options: options, output: out)
        spec.output?.table = axes.table
        try await runSpecBatch(spec, source: source, batch: batch, saveSpec: saveSpec, manifest: output.outputDirectory != nil)
    }
}
