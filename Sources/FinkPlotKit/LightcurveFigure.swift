import FinkAPI
import PlotCore

public enum FigureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing in the rows can be drawn; no file is written.
    case nothingToPlot(objectId: String, rows: Int)

    public var description: String {
        switch self {
        case let .nothingToPlot(id, rows):
            "nothing to plot for \(id): none of its \(rows) rows has a magnitude or a limiting magnitude"
        }
    }
}

/// A lightcurve ready to draw, with what was left out and why.
public struct Lightcurve: Sendable {
    public var chart: Chart
    /// Rows that could not be drawn (no magnitude, no limit, or no time).
    public var skippedRows: Int
    /// Points drawn per band and kind, e.g. `counts["g"]?[.valid]`.
    public var counts: [String: [DetectionTag: Int]]
}

/// Turns Fink rows into a magnitude-versus-MJD chart.
///
/// Per band: valid alerts are filled circles with `sigmapsf` error bars; upper limits are open
/// downward triangles at `diffmaglim` ("fainter than"); bad-quality detections are lighter upward
/// triangles with error bars. Limits are drawn first and valid points last, so detections stay on
/// top. The magnitude axis is inverted: brighter is higher.
public enum LightcurveBuilder {
    static let neutral = Color(hex: "#555555")

    public static func build(objectId: String, detections: [Detection], style: Style = .screen) throws -> Lightcurve {
        struct Key: Hashable { let fid: Int; let tag: DetectionTag }
        var groups: [Key: [DataPoint]] = [:]
        var skipped = 0
        for d in detections {
            guard d.jd.isFinite else { skipped += 1; continue }
            let point: DataPoint?
            switch d.tag {
            case .valid, .badQuality:
                point = d.magpsf.flatMap { m in
                    m.isFinite ? DataPoint(x: d.mjd, y: m, yError: d.sigmapsf.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }) : nil
                }
            case .upperLimit:
                point = d.diffmaglim.flatMap { $0.isFinite ? DataPoint(x: d.mjd, y: $0) : nil }
            }
            guard let point else { skipped += 1; continue }
            groups[Key(fid: d.fid, tag: d.tag), default: []].append(point)
        }
        guard !groups.isEmpty else { throw FigureError.nothingToPlot(objectId: objectId, rows: detections.count) }

        let bands = Set(groups.keys.map(\.fid)).map { (fid: $0, style: ZTFBands.style(fid: $0)) }
            .sorted { $0.style.order < $1.style.order }
        var series: [Series] = []
        var counts: [String: [DetectionTag: Int]] = [:]
        for tag in [DetectionTag.upperLimit, .badQuality, .valid] {
            for (fid, band) in bands {
                guard var points = groups[Key(fid: fid, tag: tag)] else { continue }
                points.sort { $0.x < $1.x }
                counts[band.name, default: [:]][tag] = points.count
                let (marker, bar) = appearance(tag, color: band.color, style: style)
                series.append(Series(role: "\(band.name).\(tag.rawValue)", points: points, marker: marker, errorBar: bar))
            }
        }

        var legend = bands.map { _, band in
            LegendEntry("\(band.name) (\(counts[band.name]?[.valid] ?? 0))", symbol: .swatch(band.color))
        }
        for tag in [DetectionTag.valid, .upperLimit, .badQuality] {
            let n = counts.values.reduce(0) { $0 + ($1[tag] ?? 0) }
            guard n > 0 else { continue }
            let (marker, bar) = appearance(tag, color: neutral, style: style)
            let label = switch tag {
            case .valid: "detection"
            case .upperLimit: "upper limit (\(n))"
            case .badQuality: "bad quality (\(n))"
            }
            legend.append(LegendEntry(label, symbol: .marker(marker, errorBar: bar)))
        }

        let chart = Chart(
            title: objectId,
            xAxis: Axis(title: "MJD", padding: 0.04, minimumSpan: 2),
            yAxis: Axis(title: "Difference magnitude", inverted: true, padding: 0.06, minimumSpan: 1),
            series: series,
            legend: legend)
        return Lightcurve(chart: chart, skippedRows: skipped, counts: counts)
    }

    /// Marker and error-bar stroke for one kind of row in one band colour.
    static func appearance(_ tag: DetectionTag, color: Color, style: Style) -> (MarkerStyle, Stroke?) {
        let s = style.markerSize
        switch tag {
        case .valid:
            return (MarkerStyle(shape: .circle, size: s, fill: color, stroke: Stroke(color: .white, width: 0.4)),
                    Stroke(color: color, width: style.lineWidth))
        case .upperLimit:
            return (MarkerStyle(shape: .triangleDown, size: s, fill: nil,
                                stroke: Stroke(color: color.withAlpha(0.6), width: style.lineWidth * 1.05)), nil)
        case .badQuality:
            let light = color.lightened(0.55)
            return (MarkerStyle(shape: .triangleUp, size: s, fill: light, stroke: Stroke(color: color.lightened(0.3), width: 0.5)),
                    Stroke(color: light, width: style.lineWidth))
        }
    }
}
