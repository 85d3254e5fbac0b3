import ArgumentParser
import FinkAPI
import FinkPlotKit
import Foundation

/// Where `/anomaly` and `/statistics` answers come from: the API, or one saved answer (a file,
/// unlike `lightcurve --from DIR`: these services answer one table, not one file per object).
struct ServiceSourceOptions: ParsableArguments {
    @Option(name: .customLong("api-url"), help: ArgumentHelp(
        "Fink API base URL (default: $\(FinkAPIConfig.environmentVariable), else \(FinkAPIConfig.defaultBaseURL)).",
        valueName: "url"))
    var apiURL: String?

    @Option(name: .customLong("from"), help: ArgumentHelp(
        "Read a saved JSON answer of this service instead of asking the API (filtered as the server would).",
        valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("Seconds to wait for the API before giving up.", valueName: "seconds"))
    var timeout: Double = 60

    func validate() throws {
        if file != nil && apiURL != nil {
            throw ValidationError("--from and --api-url exclude each other: read a saved answer or ask the API, not both")
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func makeSource() throws -> ServiceSource {
        if let file { return .file(URL(fileURLWithPath: file)) }
        return .api(try makeClient())
    }

    func makeClient() throws -> FinkClient {
        let url = try FinkAPIConfig.resolveBaseURL(flag: apiURL, environment: ProcessInfo.processInfo.environment)
        return FinkClient(baseURL: url, transport: URLSessionTransport(timeout: timeout))
    }
}

/// One figure and an optional table.
struct FigureFileOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Figure file; its extension picks the format.", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("png, svg or pdf (default: from -o's extension, else png).", valueName: "format"))
    var format: String?

    @Option(name: .customLong("table"), help: ArgumentHelp("Also write the data as CSV (RFC 4180) to this file.", valueName: "file.csv"))
    var table: String?

    @Option(help: ArgumentHelp("Figure width in pixels (PNG, SVG; PDF pages are width/dpi inches).", valueName: "px"))
    var width: Int = 1200

    @Option(help: ArgumentHelp("Figure height in pixels (default depends on the figure).", valueName: "px"))
    var height: Int?

    @Option(help: ArgumentHelp("Pixels per inch: sets how large text and lines are relative to the figure.", valueName: "dpi"))
    var dpi: Double = 150

    func validate() throws {
        guard (16...20000).contains(width), (16...20000).contains(height ?? 600) else {
            throw ValidationError("--width and --height must be between 16 and 20000 pixels")
        }
        guard dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400") }
        do { _ = try resolvedFormat() } catch { throw ValidationError("\(error)") }
    }

    func resolvedFormat() throws -> OutputFormat { try OutputFormat.resolve(explicit: format, outputPath: output) }

    func size(defaultHeight: Int) -> FigureSize {
        FigureSize(widthPixels: width, heightPixels: height ?? defaultHeight, dpi: dpi)
    }

    func outputURL(defaultName: String) throws -> URL {
        if let output { return URL(fileURLWithPath: output) }
        return URL(fileURLWithPath: "\(defaultName).\(try resolvedFormat().rawValue)")
    }
}
