import ArgumentParser
import FinkPlotKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where objects come from: each survey's API, or a directory of saved answers.
struct SourceOptions: ParsableArguments {
    static let apiDefaults = Surveys.all.map { "$\($0.environmentVariable) or \($0.defaultBaseURL) for \($0.displayName)" }
        .joined(separator: "; ")

    @Option(name: .customLong("api-url"), help: ArgumentHelp(
        "API base URL of the ids' survey, or SURVEY=URL for one survey (repeatable). Defaults: \(apiDefaults).",
        valueName: "url"))
    var apiURLs: [String] = []

    @Option(name: .customLong("from"), help: ArgumentHelp(
        "Read saved answers from DIR instead of asking the API: ZTF DIR/<objectId>.json (or .csv), Rubin DIR/sources_<id>.json, fp_<id>.json, object_<id>.json, cutouts/. Example: --from samples",
        valueName: "dir"), completion: .directory)
    var directory: String?

    @Option(help: ArgumentHelp(
        "The survey of the ids: \(Surveys.names) (default: from each id: ZTF… is ZTF, a number is a Rubin diaObjectId).",
        valueName: "survey"))
    var survey: Survey?

    @Option(help: ArgumentHelp("Seconds to wait for the API before giving up.", valueName: "seconds"))
    var timeout: Double = 60

    func validate() throws {
        if directory != nil && !apiURLs.isEmpty {
            throw ValidationError("--from and --api-url exclude each other: read saved files or ask the API, not both")
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// The settings these options and the runner's give.
    func settings(_ runner: RunnerOptions, maxAge: Double?) throws -> SourceSettings {
        var s = SourceSettings()
        s.apiURLs = apiURLs
        s.directory = directory
        s.timeout = timeout
        try runner.apply(to: &s, directoryGiven: directory != nil)
        s.maxAge = maxAge
        return s
    }
}

/// Where and how figures are written.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Output file for a single object; its extension picks the format ('-': standard output, PNG unless --format says). Example: -o ZTF21aaxtctv.pdf",
        valueName: "path"), completion: .file(extensions: ["png", "svg", "pdf"]))
    var output: String?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp(
        "Directory for <id>_lightcurve.<format> files and the batch's manifest.jsonl (created if missing; default: the current directory, without a manifest).",
        valueName: "dir"), completion: .directory)
    var outputDirectory: String?

    @Option(help: ArgumentHelp("png, svg or pdf (default: from -o's extension, else png).", valueName: "format"))
    var format: OutputFormat?

    func validate() throws {
        if output != nil && outputDirectory != nil {
            throw ValidationError("-o and --output-dir exclude each other")
        }
        do { _ = try resolvedFormat() } catch { throw ValidationError("\(error)") }
    }

    func resolvedFormat() throws -> OutputFormat {
        try OutputFormat.resolve(explicit: format?.rawValue, outputPath: output)
    }

    func target() throws -> OutputTarget {
        if let output { return .file(OutputTarget.fileURL(output)) }
        let dir = URL(fileURLWithPath: outputDirectory ?? ".", isDirectory: true)
        try AtomicFile.ensureDirectory(dir)
        return .directory(dir)
    }
}

/// A message on standard error; a closed or full stream loses it, never the run.
func printError(_ message: String) {
    Console.error(message + "\n")
}

/// `--verbose`: one line per request on standard error, clearing a progress bar's line first.
let requestLogger: @Sendable (String) -> Void = { line in
    Console.error((isatty(2) == 1 ? "\r\u{1B}[2K" : "") + "request: " + line + "\n")
}
