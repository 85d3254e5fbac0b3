import ArgumentParser
import FinkPlotKit
import Foundation

/// Where `/anomaly` and `/statistics` answers come from: the API, or one saved answer (a file,
/// unlike `lightcurve --from DIR`: these services answer one table, not one file per object).
/// Each command declares its own `--from`, worded for what it reads.
struct ServiceSourceOptions: ParsableArguments {
    @Option(name: .customLong("api-url"), help: ArgumentHelp(
        "Fink API base URL (default: $\(FinkAPIConfig.environmentVariable), else \(FinkAPIConfig.defaultBaseURL)).",
        valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp("Seconds to wait for the API before giving up.", valueName: "seconds"))
    var timeout: Double = 60

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// The saved answer `file` when given, else the API; `log` is told every request (`--verbose`).
    func makeSource(file: String?, log: (@Sendable (String) -> Void)?) throws -> any ServiceAnswers {
        if let file { return SavedAnswerFile(URL(fileURLWithPath: file), shownAs: file) }
        var settings = SourceSettings()
        settings.apiURLs = apiURL.map { [$0] } ?? []
        settings.timeout = timeout
        settings.requestLog = log
        return try settings.serviceAPI()
    }
}

/// What a `--from PATH` names: a file, a directory, or nothing (a usage error).
enum SavedAnswerPath {
    case file, directory

    init(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("--from \(path): no such file or directory")
        }
        self = isDirectory.boolValue ? .directory : .file
    }
}

/// One figure and an optional table, with the looks of `--style` (the lightcurve's presets).
struct FigureFileOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Figure file; its extension picks the format ('-': standard output, PNG unless --format says).", valueName: "path"),
            completion: .file(extensions: ["png", "svg", "pdf"]))
    var output: String?

    @Option(help: ArgumentHelp("png, svg or pdf (default: from -o's extension, else png).", valueName: "format"))
    var format: OutputFormat?

    @Option(name: .customLong("table"), help: ArgumentHelp("Also write the data as CSV (RFC 4180) to this file ('-': standard output).", valueName: "file.csv"),
            completion: .file(extensions: ["csv"]))
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
        if table == "-" && output == "-" {
            throw ValidationError("-o - and --table - would both go to standard output: send one of them to a file")
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

    /// The chart's file: `-o` (`-` for standard output), else `<defaultName>.<format>`; a bare
    /// name (no directory part) goes into `directory` when one is given (`anomaly --output-dir`).
    func outputURL(defaultName: String, directory: String? = nil) throws -> URL {
        Self.place(try output ?? "\(defaultName).\(resolvedFormat().rawValue)", in: directory)
    }

    /// The table's file (`--table -` for standard output), placed as `outputURL`.
    func tableURL(directory: String? = nil) -> URL? { table.map { Self.place($0, in: directory) } }

    static func place(_ path: String, in directory: String?) -> URL {
        if path == "-" { return OutputTarget.fileURL(path) }
        guard let directory, !path.contains("/") else { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(path)
    }
}
