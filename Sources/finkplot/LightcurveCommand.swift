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

            Examples:
              finkplot lightcurve ZTF21aaxtctv -o ZTF21aaxtctv.png
              finkplot lightcurve ZTF18aabjigr ZTF19acihgng --output-dir figures --format pdf
              finkplot lightcurve ZTF18aabjigr --from samples -o ZTF18aabjigr.svg

            Exits with status 1 when any object failed; the others are still drawn.
            """
    )

    @Argument(help: ArgumentHelp("ZTF objectIds, such as ZTF21aaxtctv.", valueName: "objectId"))
    var objectIds: [String]

    @OptionGroup(title: "Data source") var source: SourceOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    @Option(name: .customLong("save-spec"), help: ArgumentHelp(
        "Also write a figure spec that 'finkplot render' turns into the same figure(s).", valueName: "file.json"))
    var saveSpec: String?

    func validate() throws {
        guard !objectIds.isEmpty else { throw ValidationError("give at least one objectId") }
        if output.output != nil && objectIds.count > 1 {
            throw ValidationError("-o names one file; with \(objectIds.count) objects use --output-dir")
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
        let spec = FigureSpec(command: .lightcurve, objectIds: objectIds, source: try source.specSource(),
                              options: .init(format: format.rawValue, width: output.width, height: output.height, dpi: output.dpi),
                              output: out)
        try await runSpec(spec, source: try source.makeStampSource(), saveSpec: saveSpec)
    }
}
