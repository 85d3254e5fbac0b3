import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// What a batch does with each object: the one protocol a command implements to run over
/// thousands of ids with chunked fetches, retries, the cache, the manifest, shards and progress.
///
/// The runner fetches the object's rows (the job's `columns`, upper limits included), asks
/// `stampAlerts` which alerts' stamps are needed, fetches those from `/api/v1/cutouts` (or the
/// cache), then calls `render`. Jobs share the standard column set so that one cached entry
/// serves every command.
/// Implementations must be cheap to share across tasks (`render` runs concurrently) and must
/// write only through `AtomicFile`, to paths derived from the validated `ObjectId`.
public protocol BatchJob: Sendable {
    /// The `/api/v1/objects` columns the job needs: `BatchColumns.standard` unless it needs every
    /// column (nil), as a card does for `v:classification`, which the server computes only then.
    var columns: [String]? { get }

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

extension BatchJob {
    public var columns: [String]? { BatchColumns.standard }
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

/// Lightcurves, one file per object (and the drawn points as CSV when `table` is set: one object).
public struct LightcurveJob: BatchJob {
    public var target: OutputTarget
    public var format: OutputFormat
    public var size: FigureSize
    public var style: Style
    /// Axes, palette and time window.
    public var options: LightcurveOptions
    public var table: URL?
    /// The metadata recorded in each object's file (provenance); nil for none.
    public var metadata: @Sendable (ObjectId) -> DocumentMetadata?

    public init(target: OutputTarget, format: OutputFormat, size: FigureSize = FigureSize(), style: Style = .screen,
                options: LightcurveOptions = LightcurveOptions(), table: URL? = nil,
                metadata: @escaping @Sendable (ObjectId) -> DocumentMetadata? = { _ in nil }) {
        self.target = target
        self.format = format
        self.size = size
        self.style = style
        self.options = options
        self.table = table
        self.metadata = metadata
    }

    public func outputs(for id: ObjectId) -> [URL] { [target.url(for: id, format: format)] + (table.map { [$0] } ?? []) }

    public func stampAlerts(of id: ObjectId, rows: [Detection]) throws -> [Detection] { [] }

    public func render(_ id: ObjectId, rows: [Detection], stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let lightcurve = try LightcurveBuilder.build(objectId: id.rawValue, detections: rows, style: style, options: options)
        let figure = Figure(size: size.points, style: style, chart: lightcurve.chart)
        let data = try FigureRenderer.render(figure, format: format, size: size, metadata: metadata(id))
        let url = target.url(for: id, format: format)
        // Both files are fully made before either is written, so a failure leaves neither half-done.
        let tableData = table.map { _ in Data(LightcurveTable.csv(lightcurve, objectId: id.rawValue).utf8) }
        try AtomicFile.write(data, to: url)
        var outputs = [url]
        if let table, let tableData {
            try AtomicFile.write(tableData, to: table)
            outputs.append(table)
        }
        var notes: [String] = []
        if lightcurve.skippedRows > 0 {
            notes.append("\(lightcurve.skippedRows) of \(rows.count) rows had no magnitude or limit and were not drawn")
        }
        notes += lightcurve.notes
        if let table { notes.append("wrote the \(lightcurve.points.count) drawn points to \(table.path)") }
        return BatchRendered(outputs: outputs, notes: notes)
    }
}

/// Object cards (lightcurve, metadata, the chosen alert's stamps), one file per object.
public struct CardJob: BatchJob {
    public var target: OutputTarget
    public var format: OutputFormat
    public var choice: AlertChoice
    public var rendering: StampRendering
    /// Page, type, colours and the lightcurve panel's axes.
    public var look: CardLook
    public var metadata: @Sendable (ObjectId) -> DocumentMetadata?

    public init(target: OutputTarget, format: OutputFormat, choice: AlertChoice = .latest, rendering: StampRendering,
                look: CardLook = CardLook(), metadata: @escaping @Sendable (ObjectId) -> DocumentMetadata? = { _ in nil }) {
        self.target = target
        self.format = format
        self.choice = choice
        self.rendering = rendering
        self.look = look
        self.metadata = metadata
    }

    /// Every column: the card shows `v:classification`, which the server computes only without a list.
    public var columns: [String]? { nil }

    public func outputs(for id: ObjectId) -> [URL] { [target.url(for: id, format: format)] }

    public func stampAlerts(of id: ObjectId, rows: [Detection]) throws -> [Detection] {
        [try CutoutFigure.choose(choice, from: rows, of: id)[0]]
    }

    public func render(_ id: ObjectId, rows: [Detection], stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let alert = try stampAlerts(of: id, rows: rows)[0]
        let set = alert.candid.flatMap { stamps[$0] } ?? [:]
        let (data, cardNotes) = try ObjectCard.render(objectId: id, rows: rows, alert: alert, choice: choice, stamps: set,
                                                      rendering: rendering, look: look, format: format, metadata: metadata(id))
        let url = target.url(for: id, format: format)
        try AtomicFile.write(data, to: url)
        let notes = cardNotes + [CutoutFigure.missingStampsNote(alert, set)].compactMap { $0 }
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
    /// Colours and type of the labels (the grid's size comes from the stamps, scale and dpi).
    public var style: Style
    public var metadata: @Sendable (ObjectId) -> DocumentMetadata?

    public init(directory: URL, choice: AlertChoice, rendering: StampRendering, scale: Int, dpi: Double,
                colorbars: Bool, format: OutputFormat, rawDirectory: URL?, style: Style = .screen,
                metadata: @escaping @Sendable (ObjectId) -> DocumentMetadata? = { _ in nil }) {
        self.directory = directory; self.choice = choice; self.rendering = rendering; self.scale = scale
        self.dpi = dpi; self.colorbars = colorbars; self.format = format; self.rawDirectory = rawDirectory
        self.style = style; self.metadata = metadata
    }

    public func outputs(for id: ObjectId) -> [URL] { [OutputTarget.directory(directory).url(for: id, format: format)] }

    public func stampAlerts(of id: ObjectId, rows: [Detection]) throws -> [Detection] {
        try CutoutFigure.choose(choice, from: rows, of: id)
    }

    public func render(_ id: ObjectId, rows: [Detection], stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let alerts = try stampAlerts(of: id, rows: rows)
        let (gridRows, notes) = try CutoutFigure.rows(of: id, alerts: alerts,
                                                      stamps: alerts.map { a in a.candid.flatMap { stamps[$0] } ?? [:] },
                                                      rendering: rendering, rawDirectory: rawDirectory)
        let data = try CutoutFigure.render(gridRows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars,
                                           style: style, format: format, metadata: metadata(id))
        let url = outputs(for: id)[0]
        try AtomicFile.write(data, to: url)
        return BatchRendered(outputs: [url], notes: notes)
    }
}
