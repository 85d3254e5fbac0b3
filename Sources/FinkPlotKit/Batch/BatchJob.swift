import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// What a batch does with each object: the one protocol a command implements to run over
/// thousands of ids with chunked fetches, retries, the cache, the manifest, shards and progress.
///
/// The runner fetches the object's data (from its survey's source, as `needs` says), asks
/// `stampAlerts` which alerts' stamps are needed, fetches those (or reads the cache), then calls
/// `render`. Implementations must be cheap to share across tasks (`render` runs concurrently) and
/// must write only through `AtomicFile`, to paths derived from the validated `ObjectKey`.
public protocol BatchJob: Sendable {
    /// What it draws (`lightcurve`, `card`, `cutouts`) and the normalised options that shape its
    /// figures: a manifest entry counts as this job's only when its `job` equals this, so a
    /// re-run with other options, or another command writing into the same directory, redoes it.
    var identity: String { get }

    /// What the job needs of each object beyond its photometry.
    var needs: DataNeeds { get }

    /// The files `render` writes for `key`. An id whose last manifest entry of this job is done
    /// and whose outputs all exist is skipped by a re-run.
    func outputs(for key: ObjectKey) -> [URL]

    /// The detections whose stamps `render` needs; empty for none. Throwing here fails the
    /// object (e.g. a `--candid` that is not one of its alerts).
    func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint]

    /// Draws and writes the object's figures. `stamps` holds the stamps of each alert asked for,
    /// by alert id. Returns what was written and remarks for the user.
    func render(_ data: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered

    /// True when the figure still says something without an alert's stamps (a card's lightcurve
    /// and facts; one row of many in a grid): stamps that cannot be had after the retries are then
    /// drawn as "no data" with a note, instead of failing the object.
    var drawsWithoutStamps: Bool { get }

    /// The alert to draw when the object itself has no data, or nil (the object is then empty).
    func alertWithoutObject(_ key: ObjectKey) -> PhotometryPoint?
}

extension BatchJob {
    public var drawsWithoutStamps: Bool { false }
    public func alertWithoutObject(_ key: ObjectKey) -> PhotometryPoint? { nil }
}

extension AlertChoice {
    /// For `--candid` of a survey that serves stamps by alert id alone: the alert as a bare
    /// detection (no time, no photometry), drawn when its object has no rows (Rubin SSO alerts
    /// carry diaObjectId 0).
    func bareAlert(of key: ObjectKey) -> PhotometryPoint? {
        guard case let .candid(id) = self, Surveys.profile(key.survey)?.servesStampsByAlertAlone == true else { return nil }
        return PhotometryPoint(mjd: .nan, band: "", kind: .detection, alertId: id)
    }
}

public struct BatchRendered: Sendable {
    public var outputs: [URL]
    public var notes: [String]

    public init(outputs: [URL], notes: [String] = []) {
        self.outputs = outputs
        self.notes = notes
    }
}

/// Provenance per object: what each file of a batch records, given when its data were fetched
/// (`ObjectData.fetchedAt`: from the cache, the entry's time; nil when unknown, e.g. saved answers).
public typealias ObjectMetadata = @Sendable (ObjectKey, _ fetchedAt: Date?) -> DocumentMetadata?

/// Lightcurves, one file per object (`<id>_lightcurve.<format>` in a directory), and the drawn
/// points added to `points` when given (one table for the whole batch, written by the caller
/// once its figures are drawn, as for cards and cutout grids).
public struct LightcurveJob: BatchJob {
    public var target: OutputTarget
    public var format: OutputFormat
    public var size: FigureSize
    public var style: Style
    /// Axes, palette and time window.
    public var options: LightcurveOptions
    public var points: PointTable?
    /// The metadata recorded in each object's file (provenance); nil for none.
    public var metadata: ObjectMetadata
    public var identity: String

    public init(target: OutputTarget, format: OutputFormat, size: FigureSize = FigureSize(), style: Style = .screen,
                options: LightcurveOptions = LightcurveOptions(), points: PointTable? = nil,
                identity: String = "lightcurve", metadata: @escaping ObjectMetadata = { _, _ in nil }) {
        self.identity = identity
        self.points = points
        self.target = target
        self.format = format
        self.size = size
        self.style = style
        self.options = options
        self.metadata = metadata
    }

    public var needs: DataNeeds { .lightcurve }

    /// Every kind of figure is named `<id>_<kind>.<format>` in a directory, so several commands
    /// can share one.
    public static let suffix = "_lightcurve"

    public func outputs(for id: ObjectKey) -> [URL] {
        [target.url(for: id, format: format, suffix: Self.suffix)]
    }

    public func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint] { [] }

    public func render(_ object: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let id = object.key
        var options = self.options
        options.plotArea = size.points.width * size.points.height * 0.55
        let lightcurve = try LightcurveBuilder.build(object, style: style, options: options)
        let figure = Figure(size: size.points, style: style, chart: lightcurve.chart)
        let data = try FigureRenderer.render(figure, format: format, size: size, metadata: metadata(id, object.fetchedAt))
        let url = target.url(for: id, format: format, suffix: Self.suffix)
        try AtomicFile.write(data, to: url)
        points?.add(id, header: LightcurveTable.header(lightcurve), rows: LightcurveTable.rows(lightcurve, objectId: id.id))
        var notes: [String] = []
        if lightcurve.skippedRows > 0 {
            notes.append("\(lightcurve.skippedRows) of \(object.points.count) rows had no magnitude or limit and were not drawn")
        }
        notes += lightcurve.notes
        return BatchRendered(outputs: [url], notes: notes)
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
    /// Collects the lightcurve panel's points (`card --table`).
    public var points: PointTable?
    public var metadata: ObjectMetadata
    public var identity: String

    public init(target: OutputTarget, format: OutputFormat, choice: AlertChoice = .latest, rendering: StampRendering,
                look: CardLook = CardLook(), points: PointTable? = nil, identity: String = "card",
                metadata: @escaping ObjectMetadata = { _, _ in nil }) {
        self.identity = identity
        self.points = points
        self.target = target
        self.format = format
        self.choice = choice
        self.rendering = rendering
        self.look = look
        self.metadata = metadata
    }

    /// The full summary: Fink's classification and cross-matches.
    public var needs: DataNeeds { .card }
    public var drawsWithoutStamps: Bool { true }

    public func outputs(for id: ObjectKey) -> [URL] { [target.url(for: id, format: format, suffix: "_card")] }

    public func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint] {
        [try CutoutFigure.choose(choice, from: data)[0]]
    }

    public func render(_ object: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let id = object.key
        let alert = try stampAlerts(of: object)[0]
        let set = alert.alertId.flatMap { stamps[$0] } ?? [:]
        let (data, cardNotes, lightcurve) = try ObjectCard.renderCard(object, alert: alert, choice: choice, stamps: set,
                                                                      rendering: rendering, look: look, format: format,
                                                                      metadata: metadata(id, object.fetchedAt))
        points?.add(id, header: LightcurveTable.header(lightcurve), rows: LightcurveTable.rows(lightcurve, objectId: id.id))
        let url = outputs(for: id)[0]
        try AtomicFile.write(data, to: url)
        let notes = cardNotes + [CutoutFigure.missingStampsNote(alert, set, survey: id.survey)].compactMap { $0 }
        return BatchRendered(outputs: [url], notes: notes)
    }
}

/// A cutout grid per object (`<id>_cutouts.<format>` in a directory), and optionally raw stamps.
public struct CutoutsJob: BatchJob {
    public var directory: URL
    public var choice: AlertChoice
    public var rendering: StampRendering
    public var scale: Int
    /// `scale` as given (`--scale`), not adapted to the stamps' size.
    public var exactScale: Bool
    public var dpi: Double
    public var colorbars: Bool
    public var format: OutputFormat
    public var rawDirectory: URL?
    /// Colours and type of the labels (the grid's size comes from the stamps, scale and dpi).
    public var style: Style
    /// Collects each grid's rows (`cutouts --table`).
    public var points: PointTable?
    public var metadata: ObjectMetadata
    public var identity: String

    public init(directory: URL, choice: AlertChoice, rendering: StampRendering, scale: Int, dpi: Double,
                colorbars: Bool, format: OutputFormat, rawDirectory: URL?, style: Style = .screen, identity: String = "cutouts", exactScale: Bool = false,
                points: PointTable? = nil, metadata: @escaping ObjectMetadata = { _, _ in nil }) {
        self.points = points
        self.directory = directory; self.choice = choice; self.rendering = rendering; self.scale = scale
        self.dpi = dpi; self.colorbars = colorbars; self.format = format; self.rawDirectory = rawDirectory
        self.style = style; self.metadata = metadata; self.identity = identity; self.exactScale = exactScale
    }

    public var needs: DataNeeds { .lightcurve }

    public func outputs(for id: ObjectKey) -> [URL] { [OutputTarget.directory(directory).url(for: id, format: format, suffix: "_cutouts")] }
    /// With `--alert all`, one alert's missing stamps leave the other rows.
    public var drawsWithoutStamps: Bool { choice == .all }
    public func alertWithoutObject(_ key: ObjectKey) -> PhotometryPoint? { choice.bareAlert(of: key) }

    public func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint] {
        try CutoutFigure.choose(choice, from: data)
    }

    public func render(_ object: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let id = object.key
        let alerts = try stampAlerts(of: object)
        let (gridRows, notes) = try CutoutFigure.rows(of: object, alerts: alerts,
                                                      stamps: alerts.map { a in a.alertId.flatMap { stamps[$0] } ?? [:] },
                                                      rendering: rendering, rawDirectory: rawDirectory)
        let data = try CutoutFigure.render(gridRows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars, exactScale: exactScale,
                                           style: style, format: format, metadata: metadata(id, object.fetchedAt))
        let url = outputs(for: id)[0]
        try AtomicFile.write(data, to: url)
        CutoutTable.add(gridRows, of: id, to: points)
        return BatchRendered(outputs: [url], notes: notes)
    }
}
