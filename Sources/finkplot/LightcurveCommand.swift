import ArgumentParser
import FinkPlotKit
import Foundation

struct LightcurveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lightcurve",
        abstract: "Draw the lightcurve (magnitude versus MJD) of one or more ZTF objects.",
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
            fainter than the template). --table FILE.csv writes the drawn points.

            Examples:
              finkplot lightcurve ZTF21aaxtctv -o ZTF21aaxtctv.png
              finkplot lightcurve ZTF21aaxtctv --style paper --palette colorblind -o fig1.pdf
              finkplot lightcurve ZTF21aaxtctv --style talk --time since-first --top-axis date -o slide.png
              finkplot lightcurve ZTF21aaxtctv --y flux --table points.csv -o flux.svg
              finkplot lightcurve ZTF18aabjigr ZTF19acihgng --output-dir figures --format pdf
              finkplot lightcurve ZTF18aabjigr --from samples -o ZTF18aabjigr.svg

            Exits with status 1 when any object failed; the others are still drawn.
            """
    )

    @Argument(help: ArgumentHelp("ZTF objectIds, such as ZTF21aaxtctv.", valueName: "objectId"))
    var objectIds: [String]

    @OptionGroup(title: "Data source") var source: SourceOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Style") var style: StyleOptions
    @OptionGroup(title: "Axes") var axes: LightcurveAxisOptions

    @Option(name: .customLong("save-spec"), help: ArgumentHelp(
        "Also write a figure spec that 'finkplot render' turns into the same figure(s).", valueName: "file.json"))
    var saveSpec: String?

    func validate() throws {
        guard !objectIds.isEmpty else { throw ValidationError("give at least one objectId") }
        if output.output != nil && objectIds.count > 1 {
            throw ValidationError("-o names one file; with \(objectIds.count) objects use --output-dir")
        }
        if axes.table != nil && objectIds.count > 1 {
            throw ValidationError("--table writes one object's points; with \(objectIds.count) objects run once per object")
        }
    }

    func run() async throws {
        let format = try output.resolvedFormat()
        let out: FigureSpec.Output
        if let file = output.output {
            out = .init(file: file)
        } else {
            let dir = output.outputDirectory ?? "."
            try AtomicFile.ensureDirectory(URL(fileURLWithPath: dir, isDirectory: true))
            out = .init(directory: dir)
        }
        let size = try style.figureSize()
        var options = FigureSpec.Options(format: format.rawValue, width: size.widthPixels, height: size.heightPixels,
                                         dpi: size.dpi)
        try style.record(in: &options)
        try axes.record(in: &options)
        var spec = FigureSpec(command: .lightcurve, objectIds: objectIds, source: try source.specSource(),
                              options: options, output: out)
        spec.output?.table = axes.table
        try await runSpec(spec, source: try source.makeStampSource(), saveSpec: saveSpec)
    }
}
