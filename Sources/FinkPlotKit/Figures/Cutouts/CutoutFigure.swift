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
        // An alert dated outside physical ranges (a JD of 1e308) is left out of the lightcurve,
        // with a note naming it: it is not "the latest" either. A bare alert (no time) stays.
        let valid = data.detectionsNewestFirst.filter { !$0.mjd.isFinite || LightcurveBuilder.plausibleMJD.contains($0.mjd) }
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
    /// its science flux, else of its difference flux; +∞ when there is none, or when it is no
    /// real magnitude (a damaged −1e300 is not the peak).
    static func brightness(_ p: PhotometryPoint) -> Double {
        let m = p.magnitude?.value ?? p.totalFlux?.asMagnitude?.value ?? p.differenceFlux?.asMagnitude?.value ?? .infinity
        return LightcurveBuilder.plausibleMagnitude.contains(m) ? m : .infinity
    }

    /// Labels for a row: id, alert id, UTC date and MJD, band and magnitude.
    public static func labels(for row: CutoutRow) -> [String] {
        let a = row.alert
        let profile = Surveys.profile(row.object.survey)
        let scale = row.timeScale
        let mjdLabel = scale == .utc ? "MJD" : "MJD (\(scale.label))"
        var lines = [row.object.id, "\(profile?.alertIdName ?? "alert") \(a.alertId.map(String.init) ?? "–")"]
        // A bare alert (stamps asked by id alone) has no time to show.
        if LightcurveBuilder.plausibleMJD.contains(a.mjd) { lines += [utcDate(mjd: scale.utcMJD(a.mjd)), "\(mjdLabel) " + String(format: "%.5f", a.mjd)] }
        if let m = a.magnitude ?? a.totalFlux?.asMagnitude {
            // A damaged value (1e300) would print 300 digits: the lightcurve's note names it.
            guard LightcurveBuilder.plausibleMagnitude.contains(m.value) else {
                lines.append("\(a.band): magnitude out of range")
                return lines
            }
            var mag = "\(a.band) = " + String(format: "%.2f", m.value)
            // A bright Rubin source has σ of a few mmag: "± 0.00" would read as no error.
            if let s = m.error { mag += " ± " + String(format: s < 0.005 ? "%.3f" : "%.2f", s) }
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

    /// A whole-number scale giving the widest stamp of `rows` the size a 63 px stamp has at `base`.
    static func effectiveScale(_ base: Int, rows: [CutoutRow]) -> Int {
        let widest = rows.flatMap { $0.stamps.values.map(\.width) }.max() ?? 63
        guard widest > 0 else { return base }
        return max(1, Int((Double(base) * 63 / Double(widest)).rounded()))
    }

    /// Formats a colour-bar end value with about three significant digits, never an exponent.
    static func barLabel(_ v: Double) -> String {
        let magnitude = abs(v) > 0 ? Int(floor(log10(abs(v)))) : 0
        return Ticks.format(v, decimals: max(0, 2 - magnitude))
    }

    /// The grid: columns Science, Template, Difference; a row per alert.
    /// `scale`: output pixels per stamp pixel for a ZTF-sized (63 px) stamp; smaller stamps (Rubin's
    /// 30 px) get a proportionally larger whole-number scale, so every survey's stamps print at
    /// about the same size. `exactScale` uses `scale` as it is (`--scale` given).
    public static func grid(rows: [CutoutRow], rendering: StampRendering, scale: Int, dpi: Double,
                            colorbars: Bool, exactScale: Bool = false) -> ImageGrid {
        // Rows of smaller stamps (Rubin 30 px beside ZTF 63 px) are enlarged by a whole factor, so
        // every row fills its cells; then the grid's scale follows the widest stamp.
        let widest = rows.flatMap { $0.stamps.values.map(\.width) }.max() ?? 0
        func factor(_ row: CutoutRow) -> Int {
            guard !exactScale, let w = row.stamps.values.map(\.width).max(), w > 0 else { return 1 }
            return max(1, Int((Double(widest) / Double(w)).rounded(.down)))
        }
        let scale = exactScale ? scale : effectiveScale(scale, rows: rows)
        let gridRows = rows.map { row in
            let k = factor(row)
            return ImageGridRow(labels: labels(for: row), tiles: StampKind.allCases.map { kind in
                let role = kind.rawValue.lowercased()
                guard let stamp = row.stamps[kind],
                      let (image, limits) = rendering.image(stamp, kind: kind, negativeSubtraction: negativeSubtraction(row))
                else {
                    return ImageTile(role: role, image: nil, placeholder: "no data")
                }
                // A middle value where it is the middle of the data's scale: linear, or zero on a
                // scale symmetric about zero whatever the stretch (each side stretched alike).
                let norm = rendering.normalization(for: kind)
                let linear = norm.stretch == .linear || norm.centredOnZero
                let profile = Surveys.profile(row.object.survey)
                // The unit once, after the high end: "4605 nJy", "1520 DN".
                let unit = profile.map { " " + $0.stampUnit } ?? ""
                let bar = colorbars ? Colorbar(ramp: rendering.ramp(kind), lowLabel: barLabel(limits.vmin),
                                               highLabel: barLabel(limits.vmax) + unit,
                                               midLabel: linear ? barLabel((limits.vmin + limits.vmax) / 2) : nil) : nil
                // One scale bar per row, on the science stamp (the three share the pixel scale).
                let scaleBar = kind == .science ? profile.flatMap { p in
                    ScaleBar.fitting(width: stamp.width, arcsecPerPixel: p.pixelScale).map { ScaleBar(pixels: $0.pixels * Double(k), label: $0.label) }
                } : nil
                return ImageTile(role: role, image: image.upsampled(by: k), colorbar: bar, scaleBar: scaleBar)
            })
        }
        let placeholder = rows.compactMap { Surveys.profile($0.object.survey)?.typicalStampPixels }.max() ?? 48
        return ImageGrid(columnTitles: StampKind.allCases.map(\.rawValue), rows: gridRows,
                         pixelSize: Double(scale) * 72 / dpi, devicePixelsPerPoint: dpi / 72, placeholderPixels: placeholder)
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
    static func render(_ rows: [CutoutRow], rendering: StampRendering, scale: Int, dpi: Double, colorbars: Bool, exactScale: Bool = false,
                       style: Style, format: OutputFormat, metadata: DocumentMetadata?) throws -> Data {
        let grid = grid(rows: rows, rendering: rendering, scale: scale, dpi: dpi, colorbars: colorbars, exactScale: exactScale)
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
