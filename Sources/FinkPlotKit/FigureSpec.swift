import FinkAPI
import Foundation

/// Everything needed to make a figure again: which command, which objects, where the data came
/// from, the options that shape the figure, and when the data were asked for. Written by
/// `--save-spec FILE.json`, read by `finkplot render FILE.json`; both go through `batchJob`
/// (FigureSpec+Batch.swift), so the figure is made by the same code either way.
public struct FigureSpec: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public enum Command: String, Codable, Sendable { case lightcurve, card }

    public struct Source: Codable, Sendable, Equatable {
        /// The API base URL (as resolved from the flag, FINK_API_URL or the default) ...
        public var apiURL: String?
        /// ... or a directory of saved answers (absolute path).
        public var directory: String?
        public init(apiURL: String? = nil, directory: String? = nil) { self.apiURL = apiURL; self.directory = directory }

        /// For provenance: the URL, or `directory <path>`.
        public var description: String { apiURL ?? directory.map { "directory \($0)" } ?? "unknown" }
    }

    /// Options that shape the figure; nil fields do not apply to the command.
    public struct Options: Codable, Sendable, Equatable {
        public var format: String
        public var width: Int?
        public var height: Int?
        public var dpi: Double?
        /// Card: `latest` or `peak` (ignored when `candid` is set).
        public var alert: String?
        public var candid: Int64?
        // Look and axes of a lightcurve, or of a card's lightcurve panel (see FigureSpec+Lightcurve.swift);
        // nil means the default.
        public var style: String? = nil
        public var palette: String? = nil
        public var fontSize: Double? = nil
        public var time: String? = nil
        public var t0: Double? = nil
        public var topAxis: String? = nil
        /// MJD bounds of the time window.
        public var since: Double? = nil
        public var until: Double? = nil
        public var y: String? = nil
        public init(format: String, width: Int? = nil, height: Int? = nil, dpi: Double? = nil, alert: String? = nil,
                    candid: Int64? = nil) {
            self.format = format; self.width = width; self.height = height; self.dpi = dpi
            self.alert = alert; self.candid = candid
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var file: String?
        public var directory: String?
        /// Lightcurve: also write the drawn points as CSV here.
        public var table: String? = nil
        public init(file: String? = nil, directory: String? = nil) { self.file = file; self.directory = directory }
    }

    public var version: Int
    public var software: String
    public var command: Command
    public var objectIds: [String]
    public var source: Source
    public var options: Options
    public var output: Output?
    /// ISO 8601 UTC; reused as the files' creation time when rendering again.
    public var queryTime: String

    public init(command: Command, objectIds: [String], source: Source, options: Options, output: Output?,
                queryTime: String = Provenance.now(), software: String = FinkPlotVersion.software) {
        version = Self.currentVersion
        self.software = software; self.command = command; self.objectIds = objectIds; self.source = source
        self.options = options; self.output = output; self.queryTime = queryTime
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case unsupportedVersion(path: String, version: Int)
        case invalid(path: String, reason: String)

        public var description: String {
            switch self {
            case let .unreadable(path, reason): "cannot read the figure spec \(path): \(reason)"
            case let .unsupportedVersion(path, v):
                "\(path): spec version \(v) is not supported (this finkplot reads version \(FigureSpec.currentVersion))"
            case let .invalid(path, reason): "\(path): \(reason)"
            }
        }
    }

    // MARK: - JSON

    /// Stable JSON (sorted keys) so two specs of the same figure are the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func load(from url: URL) throws -> FigureSpec {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Failure.unreadable(path: url.path, reason: "no such file or not readable")
        }
        // Read the version first: a newer spec must say so rather than fail on a field it added.
        struct Versioned: Decodable { var version: Int? }
        guard let versioned = try? JSONDecoder().decode(Versioned.self, from: data) else {
            throw Failure.unreadable(path: url.path, reason: "not a JSON object")
        }
        if let v = versioned.version, v != currentVersion { throw Failure.unsupportedVersion(path: url.path, version: v) }
        let spec: FigureSpec
        do { spec = try JSONDecoder().decode(FigureSpec.self, from: data) } catch let DecodingError.keyNotFound(key, context) {
            throw Failure.invalid(path: url.path, reason: "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Failure.invalid(path: url.path, reason: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            throw Failure.invalid(path: url.path, reason: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        }
        try spec.check(path: url.path)
        return spec
    }

    /// The checks the command line makes, for a spec written by hand.
    func check(path: String) throws {
        guard !objectIds.isEmpty else { throw Failure.invalid(path: path, reason: "objectIds is empty") }
        guard source.apiURL != nil || source.directory != nil else {
            throw Failure.invalid(path: path, reason: "source needs apiURL or directory")
        }
        guard OutputFormat(rawValue: options.format) != nil else {
            throw Failure.invalid(path: path, reason: "options.format must be png, svg or pdf, not '\(options.format)'")
        }
        if let alert = options.alert, !["latest", "peak"].contains(alert) {
            throw Failure.invalid(path: path, reason: "options.alert must be latest or peak, not '\(alert)'")
        }
        if let w = options.width, let h = options.height, !(16...20000).contains(w) || !(16...20000).contains(h) {
            throw Failure.invalid(path: path, reason: "options.width and options.height must be between 16 and 20000")
        }
        if command == .card && (options.width != nil || options.height != nil) {
            throw Failure.invalid(path: path, reason: "options.width and options.height do not apply to a card: its page follows options.style")
        }
        if let dpi = options.dpi, !(10...2400).contains(dpi) {
            throw Failure.invalid(path: path, reason: "options.dpi must be between 10 and 2400")
        }
        do {
            _ = try lightcurveStyle()
            _ = try lightcurveOptions()
        } catch { throw Failure.invalid(path: path, reason: "\(error)") }
    }

    // MARK: - What it means

    public var format: OutputFormat { OutputFormat(rawValue: options.format) ?? .png }

    public var alertChoice: AlertChoice {
        if let candid = options.candid { return .candid(candid) }
        return options.alert == "peak" ? .peak : .latest
    }

    public var figureSize: FigureSize {
        if let name = options.style, let preset = StylePreset(rawValue: name) {
            return preset.size(width: options.width.map { .pixels(Double($0)) }, height: options.height.map { .pixels(Double($0)) },
                               dpi: options.dpi)
        }
        let d = FigureSize()
        return FigureSize(widthPixels: options.width ?? d.widthPixels, heightPixels: options.height ?? d.heightPixels,
                          dpi: options.dpi ?? d.dpi)
    }

    /// The options as one normalised command line, recorded in the files.
    public var normalizedOptions: String {
        var parts = [command.rawValue, "--format", options.format]
        if let w = options.width { parts += ["--width", "\(w)"] }
        if let h = options.height { parts += ["--height", "\(h)"] }
        if let dpi = options.dpi { parts += ["--dpi", Self.number(dpi)] }
        if let candid = options.candid { parts += ["--candid", "\(candid)"] } else if let a = options.alert { parts += ["--alert", a] }
        parts += lightcurveArguments
        return parts.joined(separator: " ")
    }

    /// A number as a normalised command line writes it: `150`, not `150.0`; `72.5` as is.
    public static func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }

    /// Provenance for the files: the spec itself is stored too, without its output path (where a
    /// figure was written does not change what it shows, and `render -o` may write elsewhere).
    public func provenance() throws -> Provenance {
        var stored = self
        stored.output = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Provenance(software: software, source: source.description, objectIds: objectIds, queryTime: queryTime,
                          options: normalizedOptions, specJSON: String(decoding: try encoder.encode(stored), as: UTF8.self))
    }

    public var target: OutputTarget {
        if let file = output?.file { return .file(URL(fileURLWithPath: file)) }
        return .directory(URL(fileURLWithPath: output?.directory ?? ".", isDirectory: true))
    }
}
