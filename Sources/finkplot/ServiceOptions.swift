import ArgumentParser
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
        if let file {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                throw ValidationError("--from \(file): no such file")
            }
            if isDirectory.boolValue { throw ValidationError("--from \(file) is a directory: this command reads one saved answer (a file)") }
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func makeSource() throws -> any ServiceAnswers {
        if let file { return SavedAnswerFile(URL(fileURLWithPath: file), shownAs: file) }
        var settings = SourceSettings()
        settings.apiURLs = apiURL.map { [$0] } ?? []
        settings.timeout = timeout
        return try settings.serviceAPI()
    }
}

/// One figure and an optional table, with the looks of `--style` (the lightcurve's presets).
struct FigureFileOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Figure file; its extension picks the format.", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("png, svg or pdf (default: from -o's extension, else png).", valueName: "format"))
    var format: OutputFormat?

    @Option(name: .customLong("table"), help: ArgumentHelp("Also write the data as CSV (RFC 4180) to this file.", valueName: "file.csv"))
    var table: String?

    @Option(help: ArgumentHelp("Preset: screen, paper, paper-wide, talk or dark (as for lightcurve).", valueName: "name"))
    var style: StylePreset = .screen

    @Option(help: ArgumentHelp("Figure width: 1200 or 1200px, 3.4in, 8.6cm, 245pt (default: the preset's).", valueName: "length"))
    var width: String?

    @Option(help: ArgumentHelp("Figure height, as --width (default: fitted to the figure).", valueName: "length"))
    var height: String?

    @Option(help: ArgumentHelp("Pixels per inch of PNG and SVG (default: the preset's).", valueName: "dpi"))
    var dpi: Double?

    func validate() throws {
        if let table, let output, URL(fileURLWithPath: table).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL,
           output != "-" {
            throw ValidationError("--table \(table) is the figure's own path: name another file")
        }
        do {
            _ = try lengths()
            _ = try resolvedFormat()
        } catch { throw ValidationError("\(error)") }
        if let dpi { guard dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400") } }
    }

    func lengths() throws -> (Length?, Length?) {
        (try width.map { try Length(parsing: $0, option: "--width") }, try height.map { try Length(parsing: $0, option: "--height") })
    }

    func resolvedFormat() throws -> OutputFormat { try OutputFormat.resolve(explicit: format?.rawValue, outputPath: output) }

    func preset() throws -> StylePreset { style }

    /// The preset's page, `--width`/`--dpi` applied; the height is `--height` when given, else
    /// `fitted(size)` in pixels (the figure knows how tall it wants to be at that width and dpi).
    func size(fitted: (FigureSize) -> Int) throws -> FigureSize {
        let (w, h) = try lengths()
        var size = try preset().size(width: w, height: h, dpi: dpi)
        if h == nil { size.heightPixels = fitted(size) }
        guard (16...20000).contains(size.widthPixels), (16...20000).contains(size.heightPixels) else {
            throw ValidationError("the figure would be \(size.widthPixels)×\(size.heightPixels) px: each side must be between 16 and 20000 pixels")
        }
        return size
    }

    func outputURL(defaultName: String) throws -> URL {
        if let output { return OutputTarget.fileURL(output) }
        return URL(fileURLWithPath: "\(defaultName).\(try resolvedFormat().rawValue)")
    }
}
