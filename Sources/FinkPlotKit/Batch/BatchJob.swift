import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// What a batch does with each object: the one protocol a command implements to run over
/// thousands of ids with chunked fetches, retries, the cache, the manifest, shards and progress.
///
/// The runner fetches the object's rows (the standard column set, upper limits included: one
/// cached entry serves every command), asks `stampAlerts` which alerts' stamps are needed,
/// fetches those from `/api/v1/cutouts` (or the cache), then calls `render`.
/// Implementations must be cheap to share across tasks (`render` runs concurrently) and must
/// write only through `AtomicFile`, to paths derived from the validated `ObjectId`.
public protocol BatchJob: Sendable {
    /// The files `render` writes for `id`. An id whose last manifest entry is done and whose
    /// outputs all exist is skipped by a re-run.
    func outputs(for id: ObjectId) -> [URL]

    /// The valid alerts (from `rows`) whose stamps `render` needs; empty for none. Throwing here
    /// fails the object (e.g. a `--candid` that is not one of its alerts).
    func stampAlerts(of id: ObjectId, rows: [Detection]) throws -> [Detection]

    /// Draws and writes the object's figures. `stamps` holds the stamps of each alert asked for,
    /// by candid. Returns what was written and remarks for the user.
    func render(_ id: ObjectId, rows: [Detection], stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered
}

public struct BatchRendered: Sendable {
    public var outputs: [URL]
    public var notes: [String]

    public init(outputs: [URL], notes: [String] = []) {
        self.outputs = outputs
        self.notes = notes
    }
}

/// The columns fetched for every batch: the union of what lightcurves, the choice of a cutout's
/// alert and object cards need, so that one cached entry serves all of them. `v:classification`
/// only comes back when no column list is sent; it is asked for anyway so a server that starts
/// honouring it fills it.
public enum BatchColumns {
    public static let standard = [
        "i:objectId", "i:candid", "i:jd", "i:fid", "i:magpsf", "i:sigmapsf", "i:diffmaglim", "i:isdiffpos",
        "i:magnr", "i:sigmagnr", "i:distnr", "i:ra", "i:dec", "d:cdsxmatch", "v:classification",
    ]
}

/// Lightcurves, one file per object.
public struct LightcurveJob: BatchJob {
    public var target: OutputTarget
    public var format: OutputFormat
    public var size: FigureSize
    public var style: Style

    public init(target: OutputTarget, format: OutputFormat, size: FigureSize = FigureSize(), style: Style = .screen) {
        self.target = target
        self.format = format
        self.size = size
        self.style = style
    }

    public func outputs(for id: ObjectId) -> [URL] { [target.url(for: id, format: format)] }

    public func stampAlerts(of id: ObjectId, rows: [Detection]) throws -> [Detection] { [] }

    public func render(_ id: ObjectId, rows: [Detection], stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let lightcurve = try LightcurveBuilder.build(objectId: id.rawValue, detections: rows, style: style)
        let figure = Figure(size: size.points, style: style, chart: lightcurve.chart)
        let data = try FigureRenderer.render(figure, format: format, size: size)
        let url = target.url(for: id, format: format)
        try AtomicFile.write(data, to: url)
        var notes: [String] = []
        if lightcurve.skippedRows > 0 {
            notes.append("\(lightcurve.skippedRows) of \(rows.count) rows had no magnitude or limit and were not drawn")
        }
        return BatchRendered(outputs: [url], notes: notes)
    }
}

/// A cutout grid per object (`<objectId>.<format>` in a directory), and optionally raw stamps.
public struct CutoutsJob: BatchJob {
    public var directory: URL
    public var choice: AlertChoice
    public var rendering: StampRendering
    public var scale: Int
    public var dpi: Double
    public var colorbars: Bool
    public var format: OutputFormat
    public var rawDirectory: URL?

    public init(directory: URL, choice: AlertChoice, rendering: StampRendering, scale: Int, dpi: Double,
                colorbars: Bool, format: OutputFormat, rawDirectory: URL?) {
        self.directory = directory; self.choice = choice; self.rendering = rendering; self.scale = scale
        self.dpi = dpi; self.colorbars = colorbars; self.format = format; self.rawDirectory = rawDirectory
    }

    public func outputs(for id: ObjectId) -> [URL] { [OutputTarget.directory(directory).url(for: id, format: format)] }

    public func stampAlerts(of id: ObjectId, rows: [Detection]) throws -> [Detection] {
        try CutoutFigure.choose(choice, of: id, rows: rows)
    }

    public func render(_ id: ObjectId, rows: [Detection], stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let alerts = try stampAlerts(of: id, rows: rows)
        var notes: [String] = []
        let run = CutoutRun(source: DirectorySource(directory: directory), choice: choice, rendering: rendering, scale: scale,
                            dpi: dpi, colorbars: colorbars, format: format, output: directory, rawDirectory: rawDirectory)
        var gridRows: [CutoutRow] = []
        for alert in alerts {
            let set = alert.candid.flatMap { stamps[$0] } ?? [:]
            let missing = StampKind.allCases.filter { set[$0].map(\.isEmpty) ?? true }
            if !missing.isEmpty {
                notes.append("candid \(alert.candid ?? -1): no data for \(missing.map(\.rawValue).joined(separator: ", "))")
            }
            let row = CutoutRow(objectId: id, alert: alert, stamps: set)
            if let raw = rawDirectory { try run.writeRaw(row, to: raw) }
            gridRows.append(row)
        }
        let grid = CutoutFigure.grid(rows: gridRows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars)
        let measurer = try CairoTextMeasurer()
        let figure = CutoutFigure.figure(grid, measurer: measurer)
        let data = try Renderer.render(figure.displayList(measurer: measurer), format: format, pixelsPerPoint: dpi / 72)
        let url = outputs(for: id)[0]
        try AtomicFile.write(data, to: url)
        return BatchRendered(outputs: [url], notes: notes)
    }
}
