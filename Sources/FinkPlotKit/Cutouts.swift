import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// Which alert's stamps to show.
public enum AlertChoice: Sendable, Equatable {
    /// The newest valid alert.
    case latest
    /// The brightest valid alert (smallest `magpsf`).
    case peak
    case candid(Int64)
    /// Every valid alert, one grid row each (one `/api/v1/cutouts` request per alert).
    case all
}

/// Where stamps come from. The API serves one alert's stamps from `/api/v1/cutouts`, which costs
/// the server a fraction of `withcutouts` on a whole object (about 0.25 s per cutout per alert).
public protocol StampProvider: Sendable {
    /// The stamps of each of `alerts` (valid alerts of `id`), in the same order.
    func stamps(of id: ObjectId, alerts: [Detection]) async throws -> [[StampKind: Stamp]]
}

extension FinkClient: StampProvider {
    public func stamps(of id: ObjectId, alerts: [Detection]) async throws -> [[StampKind: Stamp]] {
        var result: [[StampKind: Stamp]] = []
        for alert in alerts {
            result.append(try await cutouts(objectId: id, candid: alert.candid, kinds: StampKind.allCases))
        }
        return result
    }
}

extension DirectorySource: StampProvider {
    /// Saved stamps: a saved `/api/v1/cutouts` answer `DIR/cutouts/<id>_<candid>.json` when there
    /// is one, else the stamps saved in the alert's own row (`withcutouts`). The object's file is
    /// read once for all alerts, and only when some alert has no saved `/cutouts` answer.
    public func stamps(of id: ObjectId, alerts: [Detection]) async throws -> [[StampKind: Stamp]] {
        var savedRows: [Detection]?
        var result: [[StampKind: Stamp]] = []
        for alert in alerts {
            if let candid = alert.candid {
                let saved = directory.appendingPathComponent("cutouts/\(id.rawValue)_\(candid).json")
                if let data = try? Data(contentsOf: saved) {
                    result.append(try RowDecoder.stamps(fromCutouts: data, kinds: StampKind.allCases, source: saved.path))
                    continue
                }
            }
            if savedRows == nil {
                savedRows = try await detections(of: id, options: FetchOptions(withUpperLimits: false, withCutouts: true))
            }
            result.append(savedRows?.first { $0.candid == alert.candid && $0.jd == alert.jd }?.stamps ?? [:])
        }
        return result
    }
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

    public func normalization(for kind: StampKind) -> Normalization { kind == .difference ? difference : science }
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
        guard let limits = norm.interval.limits(rows) else { return nil }
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
    public var objectId: ObjectId
    public var alert: Detection
    public var stamps: [StampKind: Stamp]
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
    /// Columns needed to choose an alert.
    static let columns = ["i:objectId", "i:candid", "i:jd", "i:fid", "i:magpsf", "i:sigmapsf", "i:isdiffpos"]

    /// The valid alerts of `id` chosen by `choice`, newest first.
    public static func alerts(of id: ObjectId, choice: AlertChoice, source: any ObjectSource) async throws -> [Detection] {
        let rows = try await source.detections(of: id, options: FetchOptions(withUpperLimits: false, columns: columns))
        return try choose(choice, from: rows, of: id)
    }

    /// The valid alerts among `rows` chosen by `choice`, newest first (rows already fetched,
    /// e.g. with upper limits for an object card).
    public static func choose(_ choice: AlertChoice, from rows: [Detection], of id: ObjectId) throws -> [Detection] {
        let valid = rows.filter { $0.tag == .valid && $0.candid != nil }.sorted { $0.jd > $1.jd }
        guard !valid.isEmpty else { throw CutoutError.noAlerts(objectId: id.rawValue) }
        switch choice {
        case .latest: return [valid[0]]
        case .all: return valid
        case .peak:
            return [valid.min { ($0.magpsf ?? .infinity) < ($1.magpsf ?? .infinity) }!]
        case let .candid(c):
            guard let row = valid.first(where: { $0.candid == c }) else {
                throw CutoutError.unknownCandid(objectId: id.rawValue, candid: c)
            }
            return [row]
        }
    }

    /// Labels for a row: objectId, candid, UTC date and MJD, band and magnitude.
    public static func labels(for row: CutoutRow) -> [String] {
        let a = row.alert
        var lines = [row.objectId.rawValue, "candid \(a.candid.map(String.init) ?? "–")", utcDate(jd: a.jd),
                     "MJD " + String(format: "%.5f", a.mjd)]
        if let m = a.magpsf {
            var mag = "\(a.bandName) = " + String(format: "%.2f", m)
            if let s = a.sigmapsf { mag += " ± " + String(format: "%.2f", s) }
            if a.isdiffpos == false { mag += " (negative)" }
            lines.append(mag)
        }
        return lines
    }

    /// `2019-11-01 12:40:15 UTC`: the instant `--table`'s `x_utc` gives for the same alert (one
    /// formatter, rounded to the second; no DateFormatter built per label).
    static func utcDate(jd: Double) -> String {
        TimeParsing.utcString(mjd: jd - 2_400_000.5, seconds: true).replacingOccurrences(of: "T", with: " ") + " UTC"
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
                      let (image, limits) = rendering.image(stamp, kind: kind, negativeSubtraction: row.alert.isdiffpos == false)
                else {
                    return ImageTile(role: role, image: nil, placeholder: "no data")
                }
                let linear = rendering.normalization(for: kind).stretch == .linear
                let bar = colorbars ? Colorbar(ramp: rendering.ramp(kind), lowLabel: barLabel(limits.vmin),
                                               highLabel: barLabel(limits.vmax),
                                               midLabel: linear ? barLabel((limits.vmin + limits.vmax) / 2) : nil) : nil
                return ImageTile(role: role, image: image, colorbar: bar)
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

    /// The grid rows of one object's alerts (raw stamps written too when asked), with a note per
    /// alert that lacks a stamp. Shared by the one-grid run and the per-object batch job.
    static func rows(of id: ObjectId, alerts: [Detection], stamps: [[StampKind: Stamp]], rendering: StampRendering,
                     rawDirectory: URL?) throws -> (rows: [CutoutRow], notes: [String]) {
        var rows: [CutoutRow] = []
        var notes: [String] = []
        for (alert, set) in zip(alerts, stamps) {
            if let note = missingStampsNote(alert, set) { notes.append(note) }
            let row = CutoutRow(objectId: id, alert: alert, stamps: set)
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
    static func missingStampsNote(_ alert: Detection, _ stamps: [StampKind: Stamp]) -> String? {
        let missing = missingKinds(stamps)
        guard !missing.isEmpty else { return nil }
        return "candid \(alert.candid ?? -1): no data for \(missing.map(\.rawValue).joined(separator: ", "))"
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
                  let (image, _) = rendering.image(stamp, kind: kind, negativeSubtraction: row.alert.isdiffpos == false)
            else { continue }
            let name = "\(row.objectId.rawValue)_\(row.alert.candid.map(String.init) ?? "nocandid")_\(kind.rawValue).png"
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

/// Fetches alerts and stamps for each object, then writes one grid (and optionally raw stamps).
public struct CutoutRun: Sendable {
    public var source: any ObjectSource & StampProvider
    public var choice: AlertChoice
    public var rendering: StampRendering
    public var scale: Int
    public var dpi: Double
    public var colorbars: Bool
    public var format: OutputFormat
    public var output: URL
    public var rawDirectory: URL?
    /// Recorded in the grid file; nil for none.
    public var provenance: Provenance? = nil
    /// Colours and type of the labels (`StylePreset.style`); the grid is sized by its stamps.
    public var style: Style = .screen

    public init(source: any ObjectSource & StampProvider, choice: AlertChoice, rendering: StampRendering, scale: Int,
                dpi: Double, colorbars: Bool, format: OutputFormat, output: URL, rawDirectory: URL?) {
        self.source = source; self.choice = choice; self.rendering = rendering; self.scale = scale; self.dpi = dpi
        self.colorbars = colorbars; self.format = format; self.output = output; self.rawDirectory = rawDirectory
    }

    /// Returns an outcome per requested id; the grid holds the rows of those that succeeded.
    public func run(ids: [String], report: (ObjectOutcome) -> Void = { _ in }) async -> [ObjectOutcome] {
        var outcomes: [ObjectOutcome] = []
        var rows: [CutoutRow] = []
        for raw in ids {
            do {
                let id = try ObjectId(validating: raw)
                let alerts = try await CutoutFigure.alerts(of: id, choice: choice, source: source)
                let stampSets = try await source.stamps(of: id, alerts: alerts)
                let (objectRows, notes) = try CutoutFigure.rows(of: id, alerts: alerts, stamps: stampSets,
                                                                rendering: rendering, rawDirectory: rawDirectory)
                rows += objectRows
                outcomes.append(ObjectOutcome(objectId: raw, status: .rendered(path: output.path), notes: notes))
            } catch {
                outcomes.append(ObjectOutcome(objectId: raw, status: .failed(reason: "\(error)"), notes: []))
            }
        }
        if !rows.isEmpty {
            do {
                var provenance = self.provenance
                provenance?.objectIds = rows.map(\.objectId.rawValue).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
                let data = try CutoutFigure.render(rows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars,
                                                   style: style, format: format,
                                                   metadata: provenance?.metadata(title: "Fink cutouts"))
                try AtomicFile.write(data, to: output)
            } catch {
                // The grid could not be written: every object that reached it fails with the reason.
                outcomes = outcomes.map { o in
                    o.succeeded ? ObjectOutcome(objectId: o.objectId, status: .failed(reason: "\(error)"), notes: o.notes) : o
                }
            }
        }
        outcomes.forEach(report)
        return outcomes
    }
}
