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

            Many objects: ids as arguments and/or --ids-file. They are fetched in chunks \
            (--chunk-size), cached, retried, and every id is recorded in manifest.jsonl in the \
            output directory; a re-run skips what is done (--force redoes it).

            Examples:
              finkplot lightcurve ZTF21aaxtctv -o ZTF21aaxtctv.png
              finkplot lightcurve ZTF18aabjigr ZTF19acihgng --output-dir figures --format pdf
              finkplot lightcurve ZTF18aabjigr --from samples -o ZTF18aabjigr.svg
              finkplot lightcurve --ids-file ids.txt --output-dir figures --shard 3/8

            Exit status: 0 when every id is rendered (now or by an earlier run), 1 when any is \
            empty, invalid or failed, 130 when interrupted (Ctrl-C; run again to resume).
            """
    )

    @Argument(help: ArgumentHelp("ZTF objectIds, such as ZTF21aaxtctv.", valueName: "objectId"))
    var objectIds: [String] = []

    @OptionGroup(title: "Data source") var source: SourceOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Batch") var batch: BatchOptions

    func validate() throws {
        guard !objectIds.isEmpty || batch.idsFile != nil else { throw ValidationError("give at least one objectId, or --ids-file") }
        if output.output != nil && (objectIds.count > 1 || batch.idsFile != nil) {
            throw ValidationError("-o names one file; with several objects use --output-dir")
        }
    }

    func run() async throws {
        let input = try batch.input(arguments: objectIds)
        if output.output != nil && input.items.count > 1 {
            throw ValidationError("-o names one file; with \(input.items.count) objects use --output-dir")
        }
        let target = try output.target()
        let job = LightcurveJob(target: target, format: try output.resolvedFormat(), size: output.size)
        let manifestDirectory: URL? = if case let .directory(dir) = target { dir } else { nil }
        let runner = BatchRunner(job: job, origin: try batch.origin(source),
                                 configuration: try batch.configuration(manifestDirectory: manifestDirectory))
        try await runBatch(runner, input: input, quiet: batch.quiet)
    }
}
