import FinkAPI
import Foundation
import PlotCore

public enum FigureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing in the rows can be drawn; no file is written.
    case nothingToPlot(objectId: String, rows: Int)
    /// Rows had values, but the chosen window or y quantity left none.
    case nothingLeft(objectId: String, reason: String)

    public var description: String {
        switch self {
        case let .nothingToPlot(id, rows):
            "nothing to plot for \(id): none of its \(rows) rows has a magnitude or a limiting magnitude"
        case let .nothingLeft(id, reason):
            "nothing to plot for \(id): \(reason)"
        }
    }
}

/// One point as drawn: the table (`--table`) and the chart's series are both made from these.
public struct PlottedPoint: Sendable, Equatable {
    public var band: String
    public var tag: DetectionTag
    public var candid: Int64?
    public var mjd: Double
    /// The x value in the chart's time unit (MJD, or days since t0).
    public var x: Double
    public var y: Double
    public var yError: Double?
}

/// A lightcurve ready to draw, with what was left out and why.
public struct Lightcurve: Sendable {
    public var chart: Chart
    /// Every drawn point, in drawing order (series by series).
    public var points: [PlottedPoint]
    public var options: LightcurveOptions
    /// The MJD that x = 0 stands for in the `since-…` modes (nil for MJD and date axes).
    public var t0: Double?
    /// Rows that could not be drawn (no magnitude, no limit, or no time).
    public var skippedRows: Int
    /// Points drawn per band and kind, e.g. `counts["g"]?[.valid]`.
    public var counts: [String: [DetectionTag: Int]]
    /// Rows left out on purpose (time window, no reference source...), said in words.
    public var notes: [String]
}

/// Turns Fink rows into a chart of magnitude or flux against time.
///
/// Per band: valid alerts are filled markers with error bars; upper limits are open downward
/// triangles at `diffmaglim` ("fainter than"); bad-quality detections are lighter upward
/// triangles with error bars. Limits are drawn first and valid points last, so detections stay on
/// top. Magnitude axes are inverted (brighter is higher); the flux axis is not.
public enum LightcurveBuilder {
    static let neutral = Color(hex: "#555555")

    public static func build(objectId: String, detections: [Detection], style: Style = .screen,
                             options: LightcurveOptions = LightcurveOptions()) throws -> Lightcurve {
        struct Key: Hashable { let fid: Int; let tag: DetectionTag }
        let t0 = timeZero(options.time, detections)
        let topT0 = options.topAxis.flatMap { timeZero($0, detections) }
        var groups: [Key: [PlottedPoint]] = [:]
        var skipped = 0, outside = 0, noReference = 0, limitsDropped = 0
        var referenceMags: [Int: [Double]] = [:]
        for d in detections {
            guard d.jd.isFinite else { skipped += 1; continue }
            let mjd = d.mjd
            if let since = options.since, mjd < since { outside += 1; continue }
            if let until = options.until, mjd > until { outside += 1; continue }
            var value: (y: Double, error: Double?)?
            switch (d.tag, options.y) {
            case (.valid, .differenceMagnitude), (.badQuality, .differenceMagnitude):
                value = d.magpsf.flatMap { m in m.isFinite ? (m, d.sigmapsf.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }) : nil }
            case (.upperLimit, .differenceMagnitude), (.upperLimit, .differenceFlux):
                value = d.diffmaglim.flatMap { m in
                    m.isFinite ? (options.y == .differenceFlux ? Photometry.millijansky(m) : m, nil) : nil
                }
            case (.valid, .apparentMagnitude), (.badQuality, .apparentMagnitude):
                guard d.magpsf?.isFinite == true else { break }
                if let dc = Photometry.apparentMagnitude(d) {
                    value = (dc.mag, dc.sigma)
                    if let magnr = d.magnr { referenceMags[d.fid, default: []].append(magnr) }
                } else {
                    noReference += 1
                    continue
                }
            case (.upperLimit, .apparentMagnitude):
                // Fink's DC recipe has no limits: an upper-limit row carries no reference source.
                limitsDropped += 1
                continue
            case (.valid, .differenceFlux), (.badQuality, .differenceFlux):
                value = Photometry.differenceFlux(d).map { ($0.flux, $0.sigma) }
            }
            guard let value else { skipped += 1; continue }
            let point = PlottedPoint(band: d.bandName, tag: d.tag, candid: d.candid, mjd: mjd, x: mjd - (t0 ?? 0),
                                     y: value.y, yError: value.error)
            groups[Key(fid: d.fid, tag: d.tag), default: []].append(point)
        }

        var notes: [String] = []
        if outside > 0 { notes.append("\(outside) of \(detections.count) rows lie outside the --since/--until window and were not drawn") }
        if noReference > 0 {
            notes.append("\(noReference) detections have no reference source within \(Photometry.maxReferenceDistance) px "
                + "(or a DC magnitude error ≥ 1 mag) and are not drawn in DC magnitude")
        }
        if limitsDropped > 0 { notes.append("\(limitsDropped) upper limits are not drawn in DC magnitude") }
        guard !groups.isEmpty else {
            if outside + noReference + limitsDropped > 0 {
                throw FigureError.nothingLeft(objectId: objectId, reason: notes.joined(separator: "; "))
            }
            throw FigureError.nothingToPlot(objectId: objectId, rows: detections.count)
        }

        let dark = style.isDark
        let bands = Set(groups.keys.map(\.fid)).map { (fid: $0, style: options.palette.style(fid: $0, dark: dark)) }
            .sorted { $0.style.order < $1.style.order }
        var series: [Series] = []
        var drawn: [PlottedPoint] = []
        var counts: [String: [DetectionTag: Int]] = [:]
        for tag in [DetectionTag.upperLimit, .badQuality, .valid] {
            for (fid, band) in bands {
                guard var points = groups[Key(fid: fid, tag: tag)] else { continue }
                points.sort { $0.mjd < $1.mjd }
                counts[band.name, default: [:]][tag] = points.count
                let (marker, bar) = appearance(tag, band: band, style: style)
                series.append(Series(role: "\(band.name).\(tag.rawValue)",
                                     points: points.map { DataPoint(x: $0.x, y: $0.y, yError: $0.yError) },
                                     marker: marker, errorBar: bar))
                drawn += points
            }
        }

        // Band shapes differ only in the colour-blind palette: there the band entries show them,
        // and a separate neutral "detection" entry would contradict them.
        let shapesPerBand = Set(bands.map(\.style.shape)).count > 1
        var legend = bands.map { _, band in
            let label = "\(band.name) (\(counts[band.name]?[.valid] ?? 0))"
            if shapesPerBand {
                let (marker, bar) = appearance(.valid, band: band, style: style)
                return LegendEntry(label, symbol: .marker(marker, errorBar: bar))
            }
            return LegendEntry(label, symbol: .swatch(band.color))
        }
        let neutralBand = BandStyle(name: "", color: dark ? Color(hex: "#B5B5B5") : neutral, order: 0)
        for tag in [DetectionTag.valid, .upperLimit, .badQuality] {
            let n = counts.values.reduce(0) { $0 + ($1[tag] ?? 0) }
            guard n > 0, !(tag == .valid && shapesPerBand) else { continue }
            let (marker, bar) = appearance(tag, band: neutralBand, style: style)
            let label = switch tag {
            case .valid: "detection"
            case .upperLimit: options.y == .differenceFlux ? "5σ flux limit (\(n))" : "upper limit (\(n))"
            case .badQuality: "bad quality (\(n))"
            }
            legend.append(LegendEntry(label, symbol: .marker(marker, errorBar: bar)))
        }

        var referenceLines: [ReferenceLine] = []
        switch options.y {
        case .apparentMagnitude:
            // The reference source alone: where the light curve sits when the transient is gone.
            for (fid, band) in bands {
                guard let mags = referenceMags[fid], let m = median(mags) else { continue }
                let stroke = Stroke(color: band.color, width: style.lineWidth, dash: [4 * style.lineWidth + 2, 2.5 * style.lineWidth + 1.5])
                referenceLines.append(ReferenceLine(role: "\(band.name).magnr", y: m, stroke: stroke))
                legend.append(LegendEntry("\(band.name) reference \(Ticks.format(m, decimals: 2))", symbol: .line(stroke)))
            }
        case .differenceFlux:
            referenceLines.append(ReferenceLine(role: "zero", y: 0, stroke: Stroke(color: style.axisColor.withAlpha(0.7),
                                                                                  width: style.lineWidth * 0.8)))
        case .differenceMagnitude:
            break
        }

        var chart = Chart(
            title: objectId,
            xAxis: xAxis(options.time, t0: t0),
            yAxis: yAxis(options.y),
            series: series,
            referenceLines: referenceLines,
            legend: legend)
        if let top = options.topAxis, top != options.time {
            chart.secondaryX = secondaryAxis(top, topT0: topT0, primary: options.time, t0: t0)
        }
        return Lightcurve(chart: chart, points: drawn, options: options, t0: t0, skippedRows: skipped, counts: counts,
                          notes: notes)
    }

    /// The MJD that x = 0 stands for: the first valid alert for `since-first` (else the first
    /// row with a magnitude, else the first row), the given MJD for `since-t0`, nil otherwise.
    static func timeZero(_ mode: TimeAxisMode, _ rows: [Detection]) -> Double? {
        switch mode {
        case .mjd, .date: return nil
        case let .sinceT0(t): return t
        case .sinceFirst:
            let timed = rows.filter { $0.jd.isFinite }
            let valid = timed.filter { $0.tag == .valid && $0.magpsf?.isFinite == true }
            let measured = timed.filter { $0.magpsf?.isFinite == true }
            return (valid.isEmpty ? (measured.isEmpty ? timed : measured) : valid).map(\.mjd).min()
        }
    }

    static func timeTitle(_ mode: TimeAxisMode, t0: Double?) -> String {
        switch mode {
        case .mjd: "MJD"
        case .date: "Date (UTC)"
        case .sinceFirst: "Days since first detection (MJD \(Ticks.format(t0 ?? 0, decimals: 2)))"
        case .sinceT0: "Days since MJD \(formatMJD(t0 ?? 0))"
        }
    }

    /// An MJD as typed: `59000`, `59000.5`, no trailing zeros.
    static func formatMJD(_ v: Double) -> String {
        var s = Ticks.format(v, decimals: 5)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func xAxis(_ mode: TimeAxisMode, t0: Double?) -> Axis {
        var axis = Axis(title: timeTitle(mode, t0: t0), padding: 0.04, minimumSpan: 2)
        if mode == .date { axis.labeling = .calendar(unixEpochAt: TimeParsing.unixEpochMJD) }
        // Days: 2.5-day steps would print MJD 58762.5.
        axis.wholeNumberSteps = true
        return axis
    }

    /// A top axis in `mode` as a mapping of the primary values: top = primary + offset.
    static func secondaryAxis(_ mode: TimeAxisMode, topT0: Double?, primary: TimeAxisMode, t0: Double?) -> SecondaryAxis {
        // Primary x is MJD − (t0 ?? 0); the top axis shows MJD − (topT0 ?? 0).
        let offset = (t0 ?? 0) - (topT0 ?? 0)
        let labeling: AxisLabeling = mode == .date ? .calendar(unixEpochAt: TimeParsing.unixEpochMJD) : .numeric
        var axis = SecondaryAxis(title: timeTitle(mode, t0: topT0), labeling: labeling, offset: offset)
        axis.wholeNumberSteps = true
        return axis
    }

    static func yAxis(_ y: YQuantity) -> Axis {
        switch y {
        case .differenceMagnitude: Axis(title: "Difference magnitude", inverted: true, padding: 0.06, minimumSpan: 1)
        case .apparentMagnitude: Axis(title: "Apparent (DC) magnitude", inverted: true, padding: 0.06, minimumSpan: 1)
        case .differenceFlux: Axis(title: "Difference flux (mJy)", padding: 0.06, minimumSpan: 0.01)
        }
    }

    static func median(_ values: [Double]) -> Double? {
        let v = values.filter(\.isFinite).sorted()
        guard !v.isEmpty else { return nil }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    /// Marker and error-bar stroke for one kind of row in one band.
    static func appearance(_ tag: DetectionTag, band: BandStyle, style: Style) -> (MarkerStyle, Stroke?) {
        let s = style.markerSize, color = band.color
        // "Lighter" means closer to the background, so bad-quality points recede on dark slides too.
        let bg = style.background
        switch tag {
        case .valid:
            return (MarkerStyle(shape: band.shape, size: s, fill: color, stroke: Stroke(color: bg, width: style.markerEdgeWidth)),
                    Stroke(color: color, width: style.lineWidth))
        case .upperLimit:
            return (MarkerStyle(shape: .triangleDown, size: s, fill: nil,
                                stroke: Stroke(color: color.withAlpha(0.6), width: style.lineWidth * 1.05)), nil)
        case .badQuality:
            let light = color.mixed(with: bg, 0.55)
            return (MarkerStyle(shape: .triangleUp, size: s, fill: light,
                                stroke: Stroke(color: color.mixed(with: bg, 0.3), width: style.markerEdgeWidth * 1.25)),
                    Stroke(color: light, width: style.lineWidth))
        }
    }
}
