import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// Where figures go: one named file (single object) or `<objectId>.<ext>` files in a directory.
public enum OutputTarget: Sendable, Equatable {
    case file(URL)
    case directory(URL)

    /// The path for `id`'s figure. Names come from validated ids only, so no id can escape the directory.
    public func url(for id: ObjectId, format: OutputFormat) -> URL {
        switch self {
        case let .file(url): url
        case let .directory(dir): dir.appendingPathComponent("\(id.rawValue).\(format.rawValue)")
        }
    }
}

public enum FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownFormat(String)
    case unknownExtension(path: String)
    case conflict(format: String, path: String)

    public var description: String {
        switch self {
        case let .unknownFormat(f):
            "unknown format '\(f)': use png, svg or pdf"
        case let .unknownExtension(path):
            "cannot tell the format of '\(path)' from its extension: name it .png, .svg or .pdf, or pass --format"
        case let .conflict(format, path):
            "--format \(format) contradicts the extension of '\(path)'"
        }
    }
}

extension OutputFormat {
    /// The format from `--format` and/or the output file's extension; PNG when neither says.
    public static func resolve(explicit: String?, outputPath: String?) throws -> OutputFormat {
        let fromPath = outputPath.flatMap { p -> OutputFormat?? in
            let ext = URL(fileURLWithPath: p).pathExtension
            return ext.isEmpty ? .some(nil) : .some(OutputFormat(pathExtension: ext))
        }
        if let explicit {
            guard let format = OutputFormat(rawValue: explicit.lowercased()) else { throw FormatError.unknownFormat(explicit) }
            if let path = outputPath, case let .some(.some(ext)) = fromPath, ext != format {
                throw FormatError.conflict(format: explicit, path: path)
            }
            return format
        }
        switch fromPath {
        case .none: return .png
        case let .some(.some(format)): return format
        case .some(.none): throw FormatError.unknownExtension(path: outputPath ?? "")
        }
    }
}

/// What happened to one requested object.
public struct ObjectOutcome: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case rendered(path: String)
        case failed(reason: String)
    }
    public var objectId: String
    public var status: Status
    /// Remarks worth telling the user even on success (rows that could not be drawn).
    public var notes: [String]

    public var succeeded: Bool {
        if case .rendered = status { return true }
        return false
    }
}

/// Fetches, lays out, renders and writes lightcurves, one object after another. A failure is
/// recorded against its object and the others go on.
public struct LightcurveRun: Sendable {
    public var source: any ObjectSource
    public var target: OutputTarget
    public var format: OutputFormat
    public var size: FigureSize
    public var style: Style
    /// Recorded in every file (per object); nil for none.
    public var provenance: Provenance? = nil
    /// Axes, palette and time window.
    public var options = LightcurveOptions()
    /// Where to write the drawn points as CSV (see `LightcurveTable`); one object only.
    public var table: URL?

    /// Columns a lightcurve needs: asking only for these keeps answers small (no stamps, no 130
    /// other columns). `i:jd` must be there or the server fails with `withupperlim`.
    public static let columns = ["i:objectId", "i:candid", "i:jd", "i:fid", "i:magpsf", "i:sigmapsf",
                                 "i:diffmaglim", "i:isdiffpos", "i:magnr", "i:sigmagnr", "i:distnr"]

    public init(source: any ObjectSource, target: OutputTarget, format: OutputFormat,
                size: FigureSize = FigureSize(), style: Style = .screen) {
        self.source = source
        self.target = target
        self.format = format
        self.size = size
        self.style = style
    }

    /// Validates every id first (bad ones are never sent), then renders the valid ones.
    public func run(ids: [String], report: (ObjectOutcome) -> Void = { _ in }) async -> [ObjectOutcome] {
        var outcomes: [ObjectOutcome] = []
        var valid: [ObjectId] = []
        for raw in ids {
            do {
                valid.append(try ObjectId(validating: raw))
            } catch {
                let outcome = ObjectOutcome(objectId: raw, status: .failed(reason: error.description), notes: [])
                outcomes.append(outcome)
                report(outcome)
            }
        }
        for id in valid {
            let outcome = await render(id)
            outcomes.append(outcome)
            report(outcome)
        }
        return outcomes
    }

    public func render(_ id: ObjectId) async -> ObjectOutcome {
        do {
            let rows = try await source.detections(
                of: id, options: FetchOptions(withUpperLimits: true, withCutouts: false, columns: Self.columns))
            let provenance = self.provenance
            let job = LightcurveJob(target: target, format: format, size: size, style: style, options: options, table: table,
                                    metadata: { provenance?.forObject($0.rawValue).metadata(title: "\($0.rawValue) lightcurve") })
            let rendered = try job.render(id, rows: rows, stamps: [:])
            return ObjectOutcome(objectId: id.rawValue, status: .rendered(path: rendered.outputs[0].path), notes: rendered.notes)
        } catch {
            return ObjectOutcome(objectId: id.rawValue, status: .failed(reason: "\(error)"), notes: [])
        }
    }
}
