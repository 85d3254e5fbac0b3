import FinkAPI
import Foundation

/// Everything needed to make a figure again: which command, which objects, where the data came
/// from, the options that shape the figure, and when the data were asked for. Written by
/// `--save-spec FILE.json`, read by `finkplot render FILE.json`; both go through `batchJob`
/// (FigureSpec+Batch.swift), so the figure is made by the same code either way.
public struct FigureSpec: Codable, Sendable, Equatable {
    /// 2 adds `survey` and per-survey API URLs; version 1 specs (ZTF only) still replay.
    public static let currentVersion = 2
    public static let readableVersions = 1...2

    public enum Command: String, Codable, Sendable, CaseIterable {
        case lightcurve, card

        /// An unknown name is said as such ("unknown command 'histogram'"), not in the decoder's words.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            let name = try c.decode(String.self)
            guard let command = Command(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "unknown command '\(ServerText.sanitized(name))': a spec makes a "
                        + Command.allCases.map(\.rawValue).joined(separator: " or "))
            }
            self = command
        }
    }

    public struct Source: Codable, Sendable, Equatable {
        /// The API base URL of the spec's survey (as resolved from the flag, the survey's
        /// environment variable or the default), without credentials ...
        public var apiURL: String?
        /// ... per survey when the spec's objects come from several (`{"lsst": "https://…"}`) ...
        public var apiURLs: [String: String]?
        /// ... or a directory of saved answers, as the user gave it.
        public var directory: String?
        public init(apiURL: String? = nil, apiURLs: [String: String]? = nil, directory: String? = nil) {
            self.apiURL = apiURL; self.apiURLs = apiURLs; self.directory = directory
        }

        /// For provenance: the URL(s), or `directory <name>`.
        public var description: String {
            if let directory { return "directory \(Provenance.shown(path: directory))" }
            if let apiURLs, !apiURLs.isEmpty { return apiURLs.keys.sorted().map { apiURLs[$0]! }.joined(separator: ", ") }
            return apiURL ?? "unknown"
        }
    }

    /// Options that shape the figure, typed once: the command line fills them, the figure is
    /// drawn from them, and the spec's JSON is written from them. nil fields are the defaults
    /// (or do not apply to the command).
    public struct Options: Sendable, Equatable {
        public var format: OutputFormat
        public var width: Int?
        public var height: Int?
        public var dpi: Double?
        /// Card: the latest or the brightest alert (ignored when `candid` is set).
        public var alert: AlertPick?
        public var candid: Int64?
        // Look and axes of a lightcurve, or of a card's lightcurve panel.
        public var style: StylePreset? = nil
        public var palette: BandPalette? = nil
        public var fontSize: Double? = nil
        public var time: TimeAxisMode? = nil
        public var topAxis: TimeAxisMode? = nil
        /// MJD bounds of the time window.
        public var since: Double? = nil
        public var until: Double? = nil
        /// nil: each survey's default.
        public var y: YQuantity? = nil
        /// Fixed marker size in points; nil: the style's, adapted to dense data.
        public var markerSize: Double? = nil
        public init(format: OutputFormat, width: Int? = nil, height: Int? = nil, dpi: Double? = nil, alert: AlertPick? = nil,
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
    /// The survey forced by `--survey`; nil: each id's survey follows from its shape.
    public var survey: Survey?
    /// The surveys of the spec's objects, as recorded when it was written (for readers; the
    /// ids and `survey` decide).
    public var surveys: [Survey]?
    public var source: Source
    public var options: Options
    public var output: Output?
    /// ISO 8601 UTC; reused as the files' creation time when rendering again.
    public var queryTime: String

    public init(command: Command, objectIds: [String], survey: Survey? = nil, source: Source, options: Options, output: Output?,
                queryTime: String = Provenance.now(), software: String = FinkPlotVersion.software) {
        version = Self.currentVersion
        self.software = software; self.command = command; self.objectIds = objectIds; self.survey = survey; self.source = source
        let known = Set(objectIds.compactMap { try? Surveys.key($0, survey: survey).survey })
        surveys = known.isEmpty ? nil : known.sorted()
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
                "\(path): spec version \(v) is not supported (this finkplot reads versions \(FigureSpec.readableVersions.lowerBound) to \(FigureSpec.readableVersions.upperBound))"
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
        if let v = versioned.version, !readableVersions.contains(v) { throw Failure.unsupportedVersion(path: url.path, version: v) }
        let spec: FigureSpec
        do { spec = try JSONDecoder().decode(FigureSpec.self, from: data) } catch let DecodingError.keyNotFound(key, context) {
            throw Failure.invalid(path: url.path, reason: "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Failure.invalid(path: url.path, reason: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            throw Failure.invalid(path: url.path, reason: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch {
            throw Failure.invalid(path: url.path, reason: "\(error)")
        }
        try spec.check(path: url.path)
        return spec
    }

    /// The checks the command line makes, for a spec written by hand (or by someone else: a spec
    /// travels with a figure, so its paths are data, never orders to write anywhere).
    func check(path: String) throws {
        guard !objectIds.isEmpty else { throw Failure.invalid(path: path, reason: "objectIds is empty") }
        if objectIds.count > 1, output?.file != nil {
            throw Failure.invalid(path: path, reason: "output.file names one file but the spec has \(objectIds.count) objects")
        }
        guard source.apiURL != nil || source.apiURLs?.isEmpty == false || source.directory != nil else {
            throw Failure.invalid(path: path, reason: "source needs apiURL, apiURLs or directory")
        }
        if !(options.width.map { (16...20000).contains($0) } ?? true) || !(options.height.map { (16...20000).contains($0) } ?? true) {
            throw Failure.invalid(path: path, reason: "options.width and options.height must be between 16 and 20000")
        }
        if command == .card && (options.width != nil || options.height != nil) {
            throw Failure.invalid(path: path, reason: "options.width and options.height do not apply to a card: its page follows options.style")
        }
        if let dpi = options.dpi, !(10...2400).contains(dpi) {
            throw Failure.invalid(path: path, reason: "options.dpi must be between 10 and 2400")
        }
        // It becomes the files' creation time: a spec of words would write words into PDF dates.
        guard Self.isDateTime(queryTime) else {
            throw Failure.invalid(path: path, reason: "queryTime '\(queryTime.prefix(60))' is not a date and time (ISO 8601 UTC, like 2024-03-01T12:00:00Z)")
        }
        if let m = options.markerSize, !(0.5...50).contains(m) {
            throw Failure.invalid(path: path, reason: "options.markerSize must be between 0.5 and 50 points")
        }
        do {
            _ = try lightcurveOptions()
            for id in objectIds { _ = try Surveys.key(id, survey: survey) }
        } catch { throw Failure.invalid(path: path, reason: "\(error)") }
    }

    /// An ISO 8601 date and time with its zone, as `Provenance.now()` writes it (fractions of a
    /// second accepted).
    static func isDateTime(_ text: String) -> Bool {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if f.date(from: text) != nil { return true }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text) != nil
    }

    /// Refuses output paths that would write outside the current folder: a replay writes where
    /// the command line says, or under the current folder.
    public func checkReplayPaths(path: String) throws {
        for (name, value) in [("output.file", output?.file), ("output.directory", output?.directory), ("output.table", output?.table)] {
            guard let value else { continue }
            if let problem = Self.unsafePathProblem(value) {
                throw Failure.invalid(path: path, reason: "\(name) '\(value)' \(problem): give -o or --output-dir to replay it")
            }
        }
    }

    /// Why a path from a spec may not be written to: absolute, or climbing out with `..`.
    static func unsafePathProblem(_ path: String) -> String? {
        if path.hasPrefix("/") || path.hasPrefix("~") { return "is an absolute path" }
        if path.split(separator: "/").contains("..") { return "leaves the current folder (..)" }
        if path.isEmpty { return "is empty" }
        return nil
    }

    // MARK: - What it means

    public var format: OutputFormat { options.format }

    public var alertChoice: AlertChoice {
        if let candid = options.candid { return .candid(candid) }
        return options.alert == .peak ? .peak : .latest
    }

    public var figureSize: FigureSize {
        if let preset = options.style {
            return preset.size(width: options.width.map { .pixels(Double($0)) }, height: options.height.map { .pixels(Double($0)) },
                               dpi: options.dpi)
        }
        let d = FigureSize()
        return FigureSize(widthPixels: options.width ?? d.widthPixels, heightPixels: options.height ?? d.heightPixels,
                          dpi: options.dpi ?? d.dpi)
    }

    /// The options as one normalised command line, recorded in the files.
    public var normalizedOptions: String {
        var parts = [command.rawValue, "--format", options.format.rawValue]
        if let survey { parts += ["--survey", survey.name] }
        if let w = options.width { parts += ["--width", "\(w)"] }
        if let h = options.height { parts += ["--height", "\(h)"] }
        if let dpi = options.dpi { parts += ["--dpi", Self.number(dpi)] }
        if let candid = options.candid { parts += ["--candid", "\(candid)"] } else if let a = options.alert { parts += ["--alert", a.rawValue] }
        parts += lightcurveArguments
        return parts.joined(separator: " ")
    }

    /// A number as a normalised command line writes it: `150`, not `150.0`; `72.5` as is.
    public static func number(_ v: Double) -> String { NumberText.plain(v) }

    /// Provenance for the files: the spec itself is stored too, without its output path (where a
    /// figure was written does not change what it shows, and `render -o` may write elsewhere).
    public func provenance() throws -> Provenance {
        var stored = self
        stored.output = nil
        // The spec saved with --save-spec keeps the directory as given; the one a figure carries names it.
        stored.source.directory = stored.source.directory.map(Provenance.shown(path:))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let surveys = Set(objectIds.compactMap { try? Surveys.key($0, survey: survey).survey }).sorted()
        return Provenance(software: software, source: source.description, surveys: surveys, objectIds: objectIds, queryTime: queryTime,
                          options: normalizedOptions, specJSON: String(decoding: try encoder.encode(stored), as: UTF8.self))
    }

    public var target: OutputTarget {
        if let file = output?.file { return .file(OutputTarget.fileURL(file)) }
        return .directory(URL(fileURLWithPath: output?.directory ?? ".", isDirectory: true))
    }
}

/// The latest or the brightest alert: the alert a card shows when no `--candid` is given.
public enum AlertPick: String, Sendable, CaseIterable, Codable {
    case latest
    case peak
}

extension FigureSpec.Options: Codable {
    enum Key: String, CodingKey {
        case format, width, height, dpi, alert, candid, style, palette, fontSize, time, t0, topAxis, since, until, y, markerSize
    }

    /// Reads the same keys as version 1 wrote (names as strings), checking each name once here.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func named<T>(_ key: Key, _ parse: (String) throws -> T) throws -> T? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            do { return try parse(text) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(error)")
            }
        }
        format = try named(.format) { text in
            guard let f = OutputFormat(rawValue: text.lowercased()) else { throw FormatError.unknownFormat(text) }
            return f
        } ?? .png
        width = try c.decodeIfPresent(Int.self, forKey: .width)
        height = try c.decodeIfPresent(Int.self, forKey: .height)
        dpi = try c.decodeIfPresent(Double.self, forKey: .dpi)
        alert = try named(.alert) { text in
            guard let a = AlertPick(rawValue: text.lowercased()) else {
                throw LightcurveOptionError.invalid(option: "alert", value: text, expected: "latest or peak")
            }
            return a
        }
        candid = try c.decodeIfPresent(Int64.self, forKey: .candid)
        style = try named(.style) { try StylePreset(parsing: $0) }
        palette = try named(.palette) { try BandPalette(parsing: $0) }
        fontSize = try c.decodeIfPresent(Double.self, forKey: .fontSize)
        let t0 = try c.decodeIfPresent(Double.self, forKey: .t0)
        time = try named(.time) { try TimeAxisMode(parsing: $0, t0: t0) } ?? t0.map { .sinceT0($0) }
        topAxis = try named(.topAxis) { $0.lowercased() == "none" ? nil : try TimeAxisMode(parsing: $0, t0: t0, option: "--top-axis") } ?? nil
        since = try c.decodeIfPresent(Double.self, forKey: .since)
        until = try c.decodeIfPresent(Double.self, forKey: .until)
        y = try named(.y) { try YQuantity(parsing: $0) }
        markerSize = try c.decodeIfPresent(Double.self, forKey: .markerSize)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(format.rawValue, forKey: .format)
        try c.encodeIfPresent(width, forKey: .width)
        try c.encodeIfPresent(height, forKey: .height)
        try c.encodeIfPresent(dpi, forKey: .dpi)
        try c.encodeIfPresent(alert?.rawValue, forKey: .alert)
        try c.encodeIfPresent(candid, forKey: .candid)
        try c.encodeIfPresent(style?.rawValue, forKey: .style)
        try c.encodeIfPresent(palette?.rawValue, forKey: .palette)
        try c.encodeIfPresent(fontSize, forKey: .fontSize)
        try c.encodeIfPresent(time?.name, forKey: .time)
        try c.encodeIfPresent(t0, forKey: .t0)
        try c.encodeIfPresent(topAxis?.name, forKey: .topAxis)
        try c.encodeIfPresent(since, forKey: .since)
        try c.encodeIfPresent(until, forKey: .until)
        try c.encodeIfPresent(y?.rawValue, forKey: .y)
        try c.encodeIfPresent(markerSize, forKey: .markerSize)
    }

    /// The MJD of `since-t0`, on either axis.
    public var t0: Double? {
        if case let .sinceT0(t)? = time { return t }
        if case let .sinceT0(t)? = topAxis { return t }
        return nil
    }
}
