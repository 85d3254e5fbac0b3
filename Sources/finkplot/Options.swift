import ArgumentParser
import FinkAPI
import FinkPlotKit
import Foundation

/// Where rows come from: the live API or a directory of saved responses.
struct SourceOptions: ParsableArguments {
    static let defaultURLText = FinkAPIConfig.defaultBaseURL

    @Option(name: .customLong("api-url"), help: ArgumentHelp(
        "Fink API base URL (default: $\(FinkAPIConfig.environmentVariable), else \(FinkAPIConfig.defaultBaseURL)).",
        valueName: "url"))
    var apiURL: String?

    @Option(name: .customLong("from"), help: ArgumentHelp(
        "Read saved responses DIR/<objectId>.json (or .csv) instead of asking the API. Example: --from samples",
        valueName: "dir"))
    var directory: String?

    @Option(help: ArgumentHelp("Seconds to wait for the API before giving up.", valueName: "seconds"))
    var timeout: Double = 60

    func validate() throws {
        if directory != nil && apiURL != nil {
            throw ValidationError("--from and --api-url exclude each other: read saved files or ask the API, not both")
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// A source that also serves stamps (the API's /cutouts, or saved rows): the one place a
    /// per-object source is built from settings (batches build theirs in `RunnerOptions.origin`).
    func makeStampSource() throws -> any ObjectSource & StampProvider {
        if let directory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--from \(directory): no such directory")
            }
            return DirectorySource(directory: URL(fileURLWithPath: directory, isDirectory: true))
        }
        let url = try FinkAPIConfig.resolveBaseURL(flag: apiURL, environment: ProcessInfo.processInfo.environment)
        return FinkClient(baseURL: url, transport: URLSessionTransport(timeout: timeout))
    }

    func specSource() throws -> FigureSpec.Source { try Self.specSource(apiURL: apiURL, directory: directory) }

    /// Where the data come from, as a figure spec records it: the resolved URL or an absolute directory.
    static func specSource(apiURL: String?, directory: String?) throws -> FigureSpec.Source {
        if let directory {
            return .init(directory: URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL.path)
        }
        return .init(apiURL: try FinkAPIConfig.resolveBaseURL(flag: apiURL, environment: ProcessInfo.processInfo.environment).absoluteString)
    }
}

/// Where and how figures are written.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Output file for a single object; its extension picks the format. Example: -o ZTF21aaxtctv.pdf",
        valueName: "path"))
    var output: String?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp(
        "Directory for <objectId>.<format> files (created if missing; default: current directory).",
        valueName: "dir"))
    var outputDirectory: String?

    @Option(help: ArgumentHelp("png, svg or pdf (default: from -o's extension, else png).", valueName: "format"))
    var format: String?

    func validate() throws {
        if output != nil && outputDirectory != nil {
            throw ValidationError("-o and --output-dir exclude each other")
        }
        do { _ = try resolvedFormat() } catch { throw ValidationError("\(error)") }
    }

    func resolvedFormat() throws -> OutputFormat {
        try OutputFormat.resolve(explicit: format, outputPath: output)
    }

    func target() throws -> OutputTarget {
        if let output { return .file(URL(fileURLWithPath: output)) }
        let dir = URL(fileURLWithPath: outputDirectory ?? ".", isDirectory: true)
        try AtomicFile.ensureDirectory(dir)
        return .directory(dir)
    }
}

/// Prints one line per object: what was written, or why it failed (on standard error).
func printOutcome(_ outcome: ObjectOutcome) {
    switch outcome.status {
    case let .rendered(path):
        print("wrote \(path)")
        for note in outcome.notes { printError("note: \(outcome.objectId): \(note)") }
    case let .failed(reason):
        printError("error: \(outcome.objectId): \(reason)")
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
