import ArgumentParser
import FinkPlotKit
import Foundation

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Make a figure again from a spec written by --save-spec.",
        discussion: """
            The spec names the command (lightcurve or card), the objects, the data source, the \
            options and the original query time, which is recorded again as the files' creation \
            time: the same data give the same bytes.

            Objects are read through the batch runner and its cache, as 'finkplot lightcurve' \
            reads them. A spec asks for a snapshot, so a cached object is used whatever its age \
            (--max-age to fetch older ones again); only objects missing from the cache are \
            fetched, from the spec's source unless --from or --api-url says otherwise. \
            --offline never asks the API: an object missing from the cache fails. Into \
            --output-dir DIR, or the spec's own directory when it names one other than the \
            current folder, a manifest.jsonl is kept and a re-run skips what is done \
            (--force redoes it). -o - writes the figure to standard output.

            Examples:
              finkplot lightcurve ZTF18aabjigr --from samples -o lc.pdf --save-spec lc.json
              finkplot render lc.json -o lc_again.pdf
              finkplot card ZTF21aaxtctv --cache cache -o card.png --save-spec card.json
              finkplot render card.json --cache cache --offline -o card_again.png

            Exit status: 0 when every object is rendered, 1 when any is empty or failed (or \
            the spec cannot be read), 130 when interrupted (Ctrl-C), 143 when terminated (SIGTERM), \
            64 for a usage error.
            """
    )

    @Argument(help: ArgumentHelp("A figure spec written by --save-spec.", valueName: "spec.json"), completion: .file(extensions: ["json"]))
    var spec: String

    @Option(name: .customLong("api-url"), help: ArgumentHelp("Ask this API instead of the spec's source (SURVEY=URL for one survey).", valueName: "url"))
    var apiURLs: [String] = []

    @Option(name: .customLong("from"), help: ArgumentHelp("Read saved responses from DIR instead of the spec's source.", valueName: "dir"),
            completion: .directory)
    var directory: String?

    @Option(help: ArgumentHelp("Seconds to wait for the API before giving up.", valueName: "seconds"))
    var timeout: Double = 60

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Write here instead of the spec's output (one object; its extension sets the format; '-': standard output).", valueName: "path"),
            completion: .file(extensions: ["png", "svg", "pdf"]))
    var output: String?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp(
        "Write the files here instead (<id>_lightcurve.<format>, <id>_card.<format>), with a manifest.jsonl.", valueName: "dir"),
            completion: .directory)
    var outputDirectory: String?

    @OptionGroup(title: "Cache and fetching") var runner: RunnerOptions

    @Option(name: .customLong("max-age"), help: ArgumentHelp(
        "Fetch objects again when their cached rows are older than this: seconds, or 30m, 12h, 3d (default: any age).",
        valueName: "age"))
    var maxAge: String?

    func validate() throws {
        if let maxAge { do { _ = try MaxAgeOption.parseAge(maxAge) } catch { throw ValidationError("\(error)") } }
        if directory != nil && !apiURLs.isEmpty { throw ValidationError("--from and --api-url exclude each other") }
        if output != nil && outputDirectory != nil { throw ValidationError("-o and --output-dir exclude each other") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// The file name a spec's table path is written under; a path naming no file (`..`, `/`) is refused.
    static func tableName(_ table: String) throws -> String {
        // Split as text: URL(fileURLWithPath:) would resolve `sub/..` against this folder's name.
        let name = table.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard !["", ".", ".."].contains(name) else {
            throw ValidationError("the spec's output.table '\(table)' names no file: edit the spec")
        }
        return name
    }

    func run() async throws {
        var spec: FigureSpec
        do { spec = try FigureSpec.load(from: URL(fileURLWithPath: self.spec)) } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if output == nil && outputDirectory == nil {
            do { try spec.checkReplayPaths(path: self.spec) } catch { throw ValidationError("\(error)") }
        }
        var target: OutputTarget?
        if let output {
            guard spec.objectIds.count == 1 else {
                throw ValidationError("-o names one file; this spec has \(spec.objectIds.count) objects: use --output-dir")
            }
            // The extension of -o wins over the spec's format (render card.json -o card.png draws a
            // PNG); without one, or for -o -, the spec's format is kept.
            let ext = URL(fileURLWithPath: output).pathExtension
            if output != "-" && !ext.isEmpty {
                guard let format = OutputFormat(pathExtension: ext) else {
                    throw ValidationError("cannot tell the format of '\(output)' from its extension: name it .png, .svg or .pdf")
                }
                spec.options.format = format
            }
            target = .file(OutputTarget.fileURL(output))
            // A spec's table path is data: only its name is kept, in the current folder.
            if let table = spec.output?.table {
                let name = try Self.tableName(table)
                if output != "-", URL(fileURLWithPath: name).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
                    throw ValidationError("the spec's output.table '\(table)' is the figure's own path: give another -o")
                }
                spec.output?.table = name
            }
        } else if let outputDirectory {
            let dir = URL(fileURLWithPath: outputDirectory, isDirectory: true)
            // The table follows the figures into the directory the command line names, by its
            // name alone: nothing of the spec's path can lead it out.
            if let table = spec.output?.table {
                let name = try Self.tableName(table)
                let figures = spec.objectIds.flatMap { ["\($0).\(spec.format.rawValue)", "\($0)_card.\(spec.format.rawValue)"] }
                if figures.contains(name) || name == "manifest.jsonl" {
                    throw ValidationError("the spec's output.table '\(table)' would replace \(name) in \(outputDirectory): edit the spec")
                }
                spec.output?.table = dir.appendingPathComponent(name).path
            }
            try AtomicFile.ensureDirectory(dir)
            target = .directory(dir)
        }
        // The spec's source unless overridden; --offline reads the cache entries of the spec's API.
        let surveys = BatchInput(raw: spec.objectIds, survey: spec.survey).validIds.map(\.survey)
        var settings: SourceSettings
        if directory != nil || !apiURLs.isEmpty {
            settings = SourceSettings()
            settings.apiURLs = apiURLs
            settings.directory = directory
        } else {
            settings = SourceSettings.from(spec.source, surveys: surveys)
            if runner.offline { settings.directory = nil }
        }
        settings.timeout = timeout
        try runner.apply(to: &settings, directoryGiven: settings.directory != nil)
        settings.maxAge = try maxAge.map { try MaxAgeOption.parseAge($0) }
        // A manifest where a directory was named: --output-dir, or the spec's own directory unless
        // that is the current folder (a run that named none).
        let named = outputDirectory != nil || (output == nil && spec.output?.directory.map { $0 != "." } == true)
        try await runSpecBatch(spec, target: target, settings: settings, runner: runner, shard: nil, manifest: named, dataTime: false)
    }
}
