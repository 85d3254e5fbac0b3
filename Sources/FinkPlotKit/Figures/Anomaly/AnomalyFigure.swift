import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// The figure and table of `finkplot anomaly`.
public enum AnomalyFigure {
    public static let classColor = Color(hex: "#3A6EA5")
    /// "Unknown" and failed cross-matches are no class: a neutral grey, in their own group below a gap.
    public static let failColor = Color(hex: "#A0A0A0")
    static let noValue = "(no cdsxmatch)"

    /// Labels that name no SIMBAD class: "Unknown" (no match), a failed cross-match, no value.
    static func isUnclassified(_ label: String) -> Bool {
        label == "Unknown" || label == noValue || AnomalyAlert.isFailureLabel(label)
    }

    /// Counts of `d:cdsxmatch`, most frequent first (ties alphabetical). "Unknown", `Fail NNN`
    /// and missing values are apart (`failures`): they are no class and must not top the ranking.
    public static func classCounts(_ alerts: [AnomalyAlert]) -> (classes: [(String, Int)], failures: [(String, Int)]) {
        var counts: [String: Int] = [:]
        for alert in alerts {
            let label = alert.cdsxmatch?.trimmingCharacters(in: .whitespaces) ?? noValue
            counts[label.isEmpty ? noValue : label, default: 0] += 1
        }
        let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        return (sorted.filter { !isUnclassified($0.0) }, sorted.filter { isUnclassified($0.0) })
    }

    /// A horizontal bar chart of the classes. At most `maxRows` bars: beyond, the rarest classes
    /// are summed into one "other classes" bar (failures are few labels and always shown).
    public static func chart(_ alerts: [AnomalyAlert], maxRows: Int = 30) -> HorizontalBarChart {
        var (classes, failures) = classCounts(alerts)
        let room = max(2, maxRows - failures.count - (failures.isEmpty ? 0 : 1))
        if classes.count > room {
            let rest = classes[(room - 1)...]
            classes = Array(classes.prefix(room - 1)) + [("other classes (\(rest.count))", rest.reduce(0) { $0 + $1.1 })]
        }
        func bars(_ list: [(String, Int)]) -> [HorizontalBarChart.Bar] {
            list.map { HorizontalBarChart.Bar(label: $0.0, value: Double($0.1), valueLabel: CountFormat.grouped(Double($0.1))) }
        }
        var groups = [HorizontalBarChart.Group(role: "class", color: classColor, bars: bars(classes))]
        if !failures.isEmpty {
            // Its heading and grey say what it is: a legend would repeat them.
            groups.append(.init(role: "fail", title: "no SIMBAD class", color: failColor, bars: bars(failures)))
        }
        return HorizontalBarChart(title: title(alerts), groups: groups, valueAxis: Axis(title: axisTitle(alerts)))
    }

    /// A short title (it must fit a journal column); the dates go under the value axis.
    static func title(_ alerts: [AnomalyAlert]) -> String {
        "SIMBAD classes of \(alerts.count) anomalous alert\(alerts.count == 1 ? "" : "s")"
    }

    static func axisTitle(_ alerts: [AnomalyAlert]) -> String {
        let days = alerts.map { CivilDate(daysSinceUnixEpoch: JulianDate.daysSinceUnixEpoch(jd: $0.jd)) }
        guard let first = days.min(), let last = days.max() else { return "alerts" }
        return "alerts, " + (first == last ? "\(first) (UTC)" : "\(first) to \(last) (UTC)")
    }

    /// A page height that fits the bars at their natural thickness (2.4 em rows, as the layout
    /// caps them), so a chart of two classes is not a thin strip on an empty page: title, rows,
    /// value axis and nothing to spare. 200 to 1500 px. A slide (`talk`, `dark`) keeps its 16:9
    /// page, the rows centred on it: slides are all one size.
    public static func pageHeightPixels(_ alerts: [AnomalyAlert], size: FigureSize, preset: StylePreset) -> Int {
        if preset.isSlide { return size.heightPixels }
        let points = HorizontalBarLayout.naturalHeight(of: chart(alerts), style: preset.style)
        return min(1500, max(200, Int((points * size.dpi / 72).rounded(.up))))
    }

    /// Bars that fit a page of `height` points with readable rows.
    public static func maxRows(height: Double, style: Style) -> Int {
        max(4, Int((height - 8 * style.fontSize) / (1.45 * style.fontSize)))
    }

    public static func figure(_ alerts: [AnomalyAlert], size: FigureSize, style: Style = .screen) -> Figure {
        let page = size.points
        return Figure(size: page, style: style, panels: [
            Panel(frame: Rect(x: 0, y: 0, width: page.width, height: page.height),
                  content: .horizontalBars(chart(alerts, maxRows: maxRows(height: page.height, style: style)))),
        ])
    }

    /// The alerts with their 26 features per band as named columns (`g_mean` … `r_stetson_K`), in
    /// Fink's order; a feature string that could not be read leaves its cells empty and says why
    /// in `note`.
    public static func table(_ alerts: [AnomalyAlert]) -> Data {
        let header = ["objectId", "candid", "jd", "mjd", "date_utc", "anomaly_score", "cdsxmatch"]
            + LightcurveFeatures.names.map { "g_\($0)" } + LightcurveFeatures.names.map { "r_\($0)" } + ["note"]
        let rows: [[String?]] = alerts.map { a in
            var notes: [String] = []
            if let p = a.featuresG.problem { notes.append("d:lc_features_g: \(p)") }
            if let p = a.featuresR.problem { notes.append("d:lc_features_r: \(p)") }
            let candid: String? = a.candid.map { String($0) }
            let score: String? = a.anomalyScore.map { String($0) }
            var row: [String?] = [a.objectId, candid, String(a.jd), String(format: "%.7f", a.mjd), JulianDate.isoString(jd: a.jd), score, a.cdsxmatch]
            for value in a.featuresG.values + a.featuresR.values {
                row.append(value.map { String($0) })
            }
            row.append(notes.isEmpty ? nil : notes.joined(separator: "; "))
            return row
        }
        return CSVWriter.table(header: header, rows: rows)
    }
}
