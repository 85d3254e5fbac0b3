import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// Which alert's stamps to show.
public enum AlertChoice: Sendable, Equatable {
    /// The newest detection.
    case latest
    /// The brightest detection (smallest magnitude; for Rubin, largest science flux).
    case peak
    /// One alert by id (ZTF candid, Rubin diaSourceId).
    case candid(Int64)
    /// Every valid alert, one grid row each (one `/api/v1/cutouts` request per alert).
    case all
}

/// How stamps are turned into pictures.
public struct StampRendering: Sendable {
    /// Flip rows as Fink's documentation does (`data[::-1]`), so FITS row 0 ends at the bottom
    /// and north is up for ZTF's orientation. False keeps the raw array order (row 0 at the top).
    public var flip = true
    /// Normalisation for science and template stamps, and for the difference.
    public var science: Normalization = .scienceDefault
    public var difference: Normalization = .differenceDefault
    public var scienceColormap: Colormap
    /// Diverging and centred on 0 by default, so a negative alert stays visibly negative.
    public var differenceColormap: Colormap
    public var maskColor: (r: UInt8, g: UInt8, b: UInt8, a: UInt8) = (255, 0, 255, 255)
    /// ZTF cuts the difference stamp of a negative candidate (`isdiffpos` f/0) from the
    /// *reference − science* image, so a source that faded looks positive. When true, such stamps
    /// are negated to show science − reference for every alert: a fading source is negative.
    public var scienceMinusReference = true

    public init() throws {
        scienceColormap = try Colormap.named("Greys_r")
        differenceColormap = try Colormap.named("RdBu_r")
    }

    /// The colour maps `colormap` accepts.
    public static var colormapNames: [String] { Colormap.availableNames }

    /// The command line's choices: `interval` (`zscale`, `minmax`, `99.5`...), `stretch`
    /// (`asinh`, `linear`, ...) and `colormap` apply to every kind of stamp when given.
    public init(flip: Bool, scienceMinusReference: Bool, interval: String?, stretch: String?, colormap: String?,
                maskColor: String) throws {
        try self.init()
        self.flip = flip
        self.scienceMinusReference = scienceMinusReference
        if let interval {
            let i = try Interval(parsing: interval)
            science.interval = i
            difference.interval = i
        }
        if let stretch {
            let s = try Stretch(parsing: stretch)
            science.stretch = s
            difference.stretch = s
        }
        if let colormap {
            let m = try Colormap.named(colormap)
            scienceColormap = m
            differenceColormap = m
        }
        self.maskColor = try parseColor(maskColor)
    }

    /// The difference stamp's limits are centred on zero whenever its map is diverging, whatever
    /// the interval (`--interval zscale` would otherwise put white at the median, not at 0).
    public func normalization(for kind: StampKind) -> Normalization {
        guard kind == .difference else { return science }
        var n = difference
        if differenceColormap.isDiverging { n.centredOnZero = true }
        return n
    }
    public func colormap(for kind: StampKind) -> Colormap { kind == .difference ? differenceColormap : scienceColormap }

    /// The stamp's pixels in display order: row 0 of the result is the top row of the picture.
    public func displayRows(_ stamp: Stamp) -> [Float] {
        guard flip else { return stamp.pixels }
        var out: [Float] = []
        out.reserveCapacity(stamp.pixels.count)
        for r in stride(from: stamp.height - 1, through: 0, by: -1) {
            out += stamp.pixels[(r * stamp.width)..<((r + 1) * stamp.width)]
        }
        return out
    }

    /// The coloured picture of a stamp, or nil when it has no finite pixel ("no data").
    /// `negativeSubtraction` is true for an alert with `isdiffpos` f/0.
    public func image(_ stamp: Stamp, kind: StampKind, negativeSubtraction: Bool = false)
        -> (image: RGBAImage, limits: (vmin: Double, vmax: Double))?
    {
        guard stamp.width > 0, stamp.height > 0, !stamp.isEmpty else { return nil }
        var rows = displayRows(stamp)
        if kind == .difference && negativeSubtraction && scienceMinusReference { rows = rows.map { -$0 } }
        let norm = normalization(for: kind)
        guard let limits = norm.limits(rows) else { return nil }
        let image = colorize(normalized: norm.apply(rows), width: stamp.width, height: stamp.height,
                             colormap: colormap(for: kind), maskColor: maskColor)
        return (image, limits)
    }

    /// A 256×1 ramp of the colour map for a colour bar.
    func ramp(_ kind: StampKind) -> RGBAImage {
        let values = (0..<256).map { Float((Double($0) + 0.5) / 256) }
        return colorize(normalized: values, width: 256, height: 1, colormap: colormap(for: kind), maskColor: maskColor)
    }
}

/// One grid row: an object's alert and its stamps.
public struct CutoutRow: Sendable {
    public var object: ObjectKey
    public var timeScale: TimeScale
    public var alert: PhotometryPoint
    public var stamps: [StampKind: Stamp]

    public init(object: ObjectKey, timeScale: TimeScale, alert: PhotometryPoint, stamps: [StampKind: Stamp]) {
        self.object = object; self.timeScale = timeScale; self.alert = alert; self.stamps = stamps
    }
}

public enum CutoutError: Error, Sendable, Equatable, CustomStringConvertible {
    case noAlerts(objectId: String)
    case unknownCandid(objectId: String, candid: Int64)

    public var description: String {
        switch self {
        case let .noAlerts(id): "\(id) has no valid alert, so no stamps"
        case let .unknownCandid(id, candid): "\(candid) is not a valid alert of \(id)"
        }
    }
}

public enum CutoutFigure {
    /// The detections of `data` chosen by `choice`, newest first.
    public static func choose(_ choice: AlertChoice, from data: ObjectData) throws -> [PhotometryPoint] {
        let valid = data.detectionsNewestFirst
        let id = data.key.id
        guard !valid.isEmpty else { throw CutoutError.noAlerts(objectId: id) }
        switch choice {
        case .latest: return [valid[0]]
        case .all: return valid
        case .peak:
            return [valid.min { brightness($0) < brightness($1) }!]
        case let .candid(c):
            guard let row = valid.first(where: { $0.alertId == c }) else {
                throw CutoutError.unknownCandid(objectId: id, candid: c)
            }
            return [row]
        }
    }

    /// A magnitude to rank detections by brightness: the point's own (ZTF magpsf), else that of
    /// its science flux, else of its difference flux; +∞ when there is none.
    static func brightness(_ p: PhotometryPoint) -> Double {
        p.magnitude?.value ?? p.totalFlux?.asMagnitude?.value ?? p.differenceFlux?.asMagnitude?.value ?? .infinity
    }

    /// Labels for a row: id, alert id, UTC date and MJD, band and magnitude.
    public static func labels(for row: CutoutRow) -> [String] {
        let a = row.alert
        let profile = Surveys.profile(row.object.survey)
        let scale = row.timeScale
        let mjdLabel = scale == .utc ? "MJD" : "MJD (\(scale.label))"
        var lines = [row.object.id, "\(profile?.alertIdName ?? "alert") \(a.alertId.map(String.init) ?? "–")",
                     utcDate(mjd: scale.utcMJD(a.mjd)), "\(mjdLabel) " + String(format: "%.5f", a.mjd)]
        if let m = a.magnitude ?? a.totalFlux?.asMagnitude {
            var mag = "\(a.band) = " + String(format: "%.2f", m.value)
            if let s = m.error { mag += " ± " + String(format: "%.2f", s) }
            if a.isNegative == true { mag += ", fainter than reference" }
            lines.append(mag)
        }
        return lines
    }

    /// `2019-11-01 12:40:15 UTC`: the instant `--table`'s `x_utc` gives for the same alert (one
    /// formatter, rounded to the second; no DateFormatter built per label).
    static func utcDate(mjd: Double) -> String {
        TimeParsing.utcString(mjd: mjd, seconds: true).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// Formats a colour-bar end value with about three significant digits, never an exponent.
    static func barLabel(_ v: Double) -> String {
        let magnitude = abs(v) > 0 ? Int(floor(log10(abs(v)))) : 0
        return Ticks.format(v, decimals: max(0, 2 - magnitude))
    }

    /// The grid: columns Science, Template, Difference; a row per alert.
    public static func grid(rows: [CutoutRow], rendering: StampRendering, scale: Int, dpi: Double,
                            colorbars: Bool) -> ImageGrid {
        let gridRows = rows.map { row in
            ImageGridRow(labels: labels(for: row), tiles: StampKind.allCases.map { kind in
                let role = kind.rawValue.lowercased()
                guard let stamp = row.stamps[kind],
                      let (image, limits) = rendering.image(stamp, kind: kind, negativeSubtraction: negativeSubtraction(row))
                else {
                    return ImageTile(role: role, image: nil, placeholder: "no data")
                }
                let linear = rendering.normalization(for: kind).stretch == .linear
                let profile = Surveys.profile(row.object.survey)
                // The unit once, after the high end: "4605 nJy", "1520 DN".
                let unit = profile.map { " " + $0.stampUnit } ?? ""
                let bar = colorbars ? Colorbar(ramp: rendering.ramp(kind), lowLabel: barLabel(limits.vmin),
                                               highLabel: barLabel(limits.vmax) + unit,
                                               midLabel: linear ? barLabel((limits.vmin + limits.vmax) / 2) : nil) : nil
                // One scale bar per row, on the science stamp (the three share the pixel scale).
                let scaleBar = kind == .science ? profile.flatMap { ScaleBar.fitting(width: stamp.width, arcsecPerPixel: $0.pixelScale) } : nil
                return ImageTile(role: role, image: image, colorbar: bar, scaleBar: scaleBar)
            })
        }
        return ImageGrid(columnTitles: StampKind.allCases.map(\.rawValue), rows: gridRows,
                         pixelSize: Double(scale) * 72 / dpi, devicePixelsPerPoint: dpi / 72)
    }

    /// A figure sized to hold the grid.
    public static func figure(_ grid: ImageGrid, style: Style = .screen, measurer: any TextMeasurer) -> Figure {
        let size = ImageGridLayout(grid: grid, style: style, measurer: measurer).size
        return Figure(size: size, style: style,
                      panels: [Panel(frame: Rect(x: 0, y: 0, width: size.width, height: size.height), content: .imageGrid(grid))])
    }

    /// ZTF cuts a negative alert's difference stamp from reference − science; Rubin's difference
    /// is always science − template, so only ZTF's are negated.
    static func negativeSubtraction(_ row: CutoutRow) -> Bool {
        row.object.survey == .ztf && row.alert.isNegative == true
    }

    /// The grid rows of one object's alerts (raw stamps written too when asked), with a note per
    /// alert that lacks a stamp. Shared by the one-grid job and the per-object batch job.
    static func rows(of object: ObjectData, alerts: [PhotometryPoint], stamps: [[StampKind: Stamp]], rendering: StampRendering,
                     rawDirectory: URL?) throws -> (rows: [CutoutRow], notes: [String]) {
        var rows: [CutoutRow] = []
        var notes: [String] = []
        for (alert, set) in zip(alerts, stamps) {
            if let note = missingStampsNote(alert, set, survey: object.key.survey) { notes.append(note) }
            let row = CutoutRow(object: object.key, timeScale: object.timeScale, alert: alert, stamps: set)
            if let rawDirectory { try writeRaw(row, rendering: rendering, to: rawDirectory) }
            rows.append(row)
        }
        return (rows, notes)
    }

    /// The kinds of stamp missing from `stamps` or empty, in column order.
    static func missingKinds(_ stamps: [StampKind: Stamp]) -> [StampKind] {
        StampKind.allCases.filter { stamps[$0].map(\.isEmpty) ?? true }
    }

    /// "candid N: no data for Science, Template" when some of an alert's stamps are missing or empty.
    static func missingStampsNote(_ alert: PhotometryPoint, _ stamps: [StampKind: Stamp], survey: Survey) -> String? {
        let missing = missingKinds(stamps)
        guard !missing.isEmpty else { return nil }
        let name = Surveys.profile(survey)?.alertIdName ?? "alert"
        return "\(name) \(alert.alertId ?? -1): no data for \(missing.map(\.rawValue).joined(separator: ", "))"
    }

    /// Lays out and encodes a grid of `rows`.
    static func render(_ rows: [CutoutRow], rendering: StampRendering, scale: Int, dpi: Double, colorbars: Bool,
                       style: Style, format: OutputFormat, metadata: DocumentMetadata?) throws -> Data {
        let grid = grid(rows: rows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars)
        let measurer = try CairoTextMeasurer()
        let figure = figure(grid, style: style, measurer: measurer)
        return try Renderer.render(figure.displayList(measurer: measurer), format: format, pixelsPerPoint: dpi / 72,
                                   metadata: metadata)
    }

    /// Each stamp of `row` as its own PNG in `dir`, one pixel per stamp pixel.
    static func writeRaw(_ row: CutoutRow, rendering: StampRendering, to dir: URL) throws {
        for kind in StampKind.allCases {
            guard let stamp = row.stamps[kind],
                  let (image, _) = rendering.image(stamp, kind: kind, negativeSubtraction: negativeSubtraction(row))
            else { continue }
            let name = "\(row.object.id)_\(row.alert.alertId.map(String.init) ?? "noalert")_\(kind.rawValue).png"
            try AtomicFile.write(try rawPNG(image), to: dir.appendingPathComponent(name))
        }
    }

    /// One stamp as its own PNG: one image pixel per stamp pixel, no decoration.
    public static func rawPNG(_ image: RGBAImage) throws -> Data {
        let list = DisplayList(size: Size(Double(image.width), Double(image.height)), background: nil, items: [
            DisplayItem("stamp", .image(image, rect: Rect(x: 0, y: 0, width: Double(image.width), height: Double(image.height)))),
        ])
        return try Renderer.render(list, format: .png, pixelsPerPoint: 1)
    }
}

/// One grid of many objects (`cutouts -o FILE`): the batch runner fetches and checks every
/// object, each adds its rows here, and `finish()` writes the grid once all are in, in the
/// order the ids were given.
public final class CutoutGridJob: BatchJob, @unchecked Sendable {
    public let output: URL
    public let choice: AlertChoice
    public let rendering: StampRendering
    public let scale: Int
    public let dpi: Double
    public let colorbars: Bool
    public let format: OutputFormat
    public let rawDirectory: URL?
    public let style: Style
    public let identity: String
    /// The grid file's metadata, given the objects it shows.
    public let metadata: @Sendable ([ObjectKey]) -> DocumentMetadata?
    // Guarded by `lock`: objects finish on several tasks.
    private let lock = NSLock()
    private var collected: [ObjectKey: [CutoutRow]] = [:]

    public init(output: URL, choice: AlertChoice, rendering: StampRendering, scale: Int, dpi: Double, colorbars: Bool,
                format: OutputFormat, rawDirectory: URL?, style: Style = .screen, identity: String = "cutouts",
                metadata: @escaping @Sendable ([ObjectKey]) -> DocumentMetadata? = { _ in nil }) {
        self.output = output; self.choice = choice; self.rendering = rendering; self.scale = scale; self.dpi = dpi
        self.colorbars = colorbars; self.format = format; self.rawDirectory = rawDirectory; self.style = style
        self.identity = identity; self.metadata = metadata
    }

    public var needs: DataNeeds { .lightcurve }
    public func outputs(for key: ObjectKey) -> [URL] { [output] }
    public func stampAlerts(of data: ObjectData) throws -> [PhotometryPoint] { try CutoutFigure.choose(choice, from: data) }

    public func render(_ data: ObjectData, stamps: [Int64: [StampKind: Stamp]]) throws -> BatchRendered {
        let alerts = try stampAlerts(of: data)
        let (rows, notes) = try CutoutFigure.rows(of: data, alerts: alerts,
                                                  stamps: alerts.map { a in a.alertId.flatMap { stamps[$0] } ?? [:] },
                                                  rendering: rendering, rawDirectory: rawDirectory)
        lock.withLock { collected[data.key] = rows }
        return BatchRendered(outputs: [output], notes: notes)
    }

    /// Writes the grid of the objects that were drawn, in `order`; false when none was.
    public func finish(order: [ObjectKey]) throws -> Bool {
        let byKey = lock.withLock { collected }
        let keys = order.filter { byKey[$0] != nil }
        let rows = keys.flatMap { byKey[$0]! }
        guard !rows.isEmpty else { return false }
        let data = try CutoutFigure.render(rows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars,
                                           style: style, format: format, metadata: metadata(keys))
        try AtomicFile.write(data, to: output)
        return true
    }
}
