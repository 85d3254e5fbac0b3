import ArgumentParser
import FinkPlotKit
import Foundation

struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Draw a one-page card per object: lightcurve, metadata and one alert's stamps.",
        discussion: """
            The page holds the lightcurve with the chosen alert's epoch marked and its point \
            ringed, a metadata block (position in degrees and sexagesimal, first and last \
            detection, counts, Fink's classification and the SIMBAD cross-match when known), and \
            the alert's Science, Template and Difference stamps, drawn as 'finkplot cutouts' \
            draws them.

            Pages follow --style: screen 8×6 in at 150 dpi (1200×900 px); paper and paper-wide \
            7.1×5 in at 300 dpi (a card needs a page's full text width, so both give the \
            two-column size); talk and dark a 16:9 slide, 1920×1080 px, with the metadata in a \
            full-height column. --dpi changes the pixels, not the page. --time, --y, --since and \
            --until shape the lightcurve panel as they do 'finkplot lightcurve'.

            Examples:
              finkplot card ZTF21aaxtctv -o ZTF21aaxtctv_card.pdf
              finkplot card ZTF18aabjigr ZTF25ackyyzk --from samples --output-dir cards
              finkplot card ZTF18aabjigr --alert peak --save-spec card.json
              finkplot card ZTF18aabjigr --from samples --style dark --time since-first \\
                -o slide.png
              finkplot card ZTF18aabjigr --from samples --style paper-wide \\
                --palette colorblind -o card.pdf
              finkplot card ZTF18aabjigr ZTF18acefvuh --from samples --output-dir cards \\
                --table cards/points.csv
              finkplot card --ids-file ids.txt --output-dir cards --shard 2/4

            Exit status: 0 when every id is rendered (now or by an earlier run), 1 when any is \
            empty, invalid or failed, 130 when interrupted (Ctrl-C; run again to resume), 143 when \
            terminated (SIGTERM), 64 for a usage error.
            """
    )

    @Argument(help: ArgumentHelp("ZTF objectIds (ZTF21aaxtctv) and/or Rubin diaObjectIds (170028485706776685).", valueName: "id"))
    var objectIds: [String] = []

    @OptionGroup(title: "Data source") var source: SourceOptions
    @OptionGroup(title: "Batch") var batch: BatchOptions
    @OptionGroup(title: "Style") var look: LookOptions<CardPages>
    @OptionGroup(title: "Lightcurve panel") var axes: TimeAndYOptions

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Card file for a single object ('-': standard output); its extension picks the format (default: <objectId>_card.<format>).",
        valueName: "path"), completion: .file(extensions: ["png", "svg", "pdf"]))
    var output: String?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp(
        "Directory for <id>_card.<format> cards and the batch's manifest.jsonl (created if missing; default: the current directory, without a manifest).",
        valueName: "dir"), completion: .directory)
    var outputDirectory: String?

    @Option(help: ArgumentHelp(
        "Also write the lightcurve panels' points as CSV ('-': standard output): one table of every card, a row per point with its objectId.",
        valueName: "file.csv"), completion: .file(extensions: ["csv"]))
    var table: String?

    @Option(help: ArgumentHelp("png, svg or pdf (default: from -o's extension, else png).", valueName: "format"))
    var format: OutputFormat?

    @Option(help: ArgumentHelp("Whose stamps: latest or peak (brightest).", valueName: "latest|peak"))
    var alert: AlertPick = .latest

    @Option(help: ArgumentHelp("Show this alert (one object only): a ZTF candid or a Rubin diaSourceId.", valueName: "id"))
    var candid: Int64?

    @Option(name: .customLong("save-spec"), help: ArgumentHelp(
        "Also write a figure spec that 'finkplot render' turns into the same card(s).", valueName: "file.json"),
            completion: .file(extensions: ["json"]))
    var saveSpec: String?

    /// Checked when the command runs, not in `validate()`: ArgumentParser reports an unknown option
    /// (`--styl paper`) only after `validate()`, which would first see its words as extra ids.
    func checkArguments(ids: [String]) throws {
        let several = Set(ids).count > 1
        if candid != nil && several { throw ValidationError("--candid names an alert of one object") }
        if output != nil && outputDirectory != nil { throw ValidationError("-o and --output-dir exclude each other") }
        if output != nil && several {
            throw ValidationError("-o names one file; with several objects use --output-dir")
        }
        if table == "-" && output == "-" {
            throw ValidationError("-o - and --table - would both go to standard output: send one of them to a file")
        }
        if let table, let output, output != "-",
           URL(fileURLWithPath: table).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
            throw ValidationError("--table \(table) is the card's own path: name another file")
        }
        do { _ = try OutputFormat.resolve(explicit: format?.rawValue, outputPath: output) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        let objectIds = try batch.ids(arguments: objectIds)
        try checkArguments(ids: objectIds)
        let format = try OutputFormat.resolve(explicit: format?.rawValue, outputPath: output)
        let out: FigureSpec.Output
        if let output {
            out = .init(file: output)
        } else if let outputDirectory {
            try AtomicFile.ensureDirectory(URL(fileURLWithPath: outputDirectory, isDirectory: true))
            out = .init(directory: outputDirectory)
        } else {
            // <id>_card.<format> in the current folder, without a manifest.
            out = .init(directory: ".")
        }
        // The page follows the preset, so only a dpi given on the command line is recorded.
        var options = FigureSpec.Options(format: format, dpi: look.dpi, alert: candid == nil ? alert : nil,
                                         candid: candid)
        look.record(in: &options)
        try axes.record(in: &options)
        var spec = FigureSpec(command: .card, objectIds: objectIds, survey: source.survey,
                              source: try specSource(source, batch: batch, ids: objectIds), options: options, output: out)
        spec.output?.table = table
        try await runSpecBatch(spec, source: source, batch: batch, saveSpec: saveSpec, manifest: outputDirectory != nil)
    }
}
