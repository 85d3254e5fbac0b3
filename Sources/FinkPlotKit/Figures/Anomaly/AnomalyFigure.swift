import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// The figure and table of `finkplot anomaly`.
public enum AnomalyFigure {
    public static let classColor = Color(hex: "#3A6EA5")
    /// Failed cross-matches are no class: a neutral grey, in their own group below a gap.
    public static let failColor = Color(hex: "#A0A0A0")
    static let noValue = "(no cdsxmatch)"

    /// Counts of `d:cdsxmatch`, most frequent first (ties alphabetical), `Fail NNN` labels apart.
    public static func classCounts(_ alerts: [AnomalyAlert]) -> (classes: [(String, Int)], failures: [(String, Int)]) {
        var counts: [String: Int] = [:]
        for alert in alerts {
            let label = alert.cdsxmatch?.trimmingCharacters(in: .whitespaces) ?? noValue
            counts[label.isEmpty ? noValue : label, default: 0] += 1
        }
        let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        return (sorted.filter { !AnomalyAlert.isFailureLabel($0.0) }, sorted.filter { AnomalyAlert.isFailureLabel($0.0) })
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
            groups.append(.init(role: "fail", title: "cross-match failed", color: failColor, bars: bars(failures)))
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
    /// caps them), so a chart of two classes is not a thin strip on an empty page. 200 to 1500 px.
    public static func naturalHeightPixels(_ alerts: [AnomalyAlert], dpi: Double, style: Style = .screen) -> Int {
        let (classes, failures) = classCounts(alerts)
        let rows = Double(max(1, classes.count)) + (failures.isEmpty ? 0 : Double(failures.count) + 1.6)
        // Title and value axis take about 8 em; a little more keeps the page from feeling cramped.
        let points = 8.5 * style.fontSize + rows * 2.4 * style.fontSize
        return min(1500, max(200, Int((points * dpi / 72).rounded(.up))))
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

/// `finkplot anomaly`: asks for the anomalous alerts, writes the class chart and the table, and
/// names the objects for the second step (their own figures).
public struct AnomalyRun: Sendable {
    public var source: any ServiceAnswers
    public var n: Int
    public var since: CivilDate?
    public var until: CivilDate?

    public init(source: any ServiceAnswers, n: Int = 10, since: CivilDate? = nil, until: CivilDate? = nil) {
        self.source = source; self.n = n; self.since = since; self.until = until
    }

    public struct Result: Sendable {
        public var alerts: [AnomalyAlert]
        /// Distinct objects of the alerts, newest alert first (step two of Fink's workflow).
        public var objectIds: [ObjectId]
        /// The same with the malformed ones too, as sent: the batch input of step two, so its
        /// manifest accounts for every anomalous object.
        public var objectList: [String]
        public var notes: [String]
    }

    public func fetch() async throws -> Result {
        let (alerts, skipped) = try await source.anomalousAlerts(n: n, since: since, until: until)
        let (ids, invalid) = AnomalyAlert.objectIds(of: alerts)
        var notes = AnomalyAlert.skipNotes(skipped)
        if alerts.isEmpty { notes.append("no anomalous alerts at \(source.location) for these dates") }
        if !invalid.isEmpty { notes.append("not valid objectIds, not drawn: \(invalid.joined(separator: ", "))") }
        for a in alerts {
            if let p = a.featuresG.problem { notes.append("\(a.objectId) candid \(a.candid.map(String.init) ?? "?"): d:lc_features_g \(p)") }
            if let p = a.featuresR.problem { notes.append("\(a.objectId) candid \(a.candid.map(String.init) ?? "?"): d:lc_features_r \(p)") }
        }
        var seen = Set<String>()
        let list = alerts.sorted { $0.jd > $1.jd }.map(\.objectId).filter { seen.insert($0).inserted }
        return Result(alerts: alerts, objectIds: ids, objectList: list, notes: notes)
    }

    /// Writes the chart (and the table, when asked) atomically.
    public static func write(_ result: Result, chart: URL?, format: OutputFormat, size: FigureSize, style: Style = .screen,
                             table: URL?, metadata: DocumentMetadata? = nil) throws {
        if let chart {
            try FigureRenderer.write(AnomalyFigure.figure(result.alerts, size: size, style: style), format: format, size: size,
                                     metadata: metadata, to: chart)
        }
        if let table { try AtomicFile.write(AnomalyFigure.table(result.alerts), to: table) }
    }
}

/// What to draw of each anomalous object.
public enum AnomalyObjectFigure: String, Sendable, CaseIterable {
    case lightcurve, cutouts, card
}

extension AnomalyRun {
    /// The batch job drawing each anomalous object as `kind`, `<objectId>.<format>` in
    /// `directory`: the second step of Fink's workflow, run by `BatchRunner` like any batch
    /// (chunked fetches, cache, retries, manifest). Lightcurves and cards record a one-object
    /// figure spec, so `finkplot render` of a file's spec remakes it; cutout grids (the latest
    /// alert's stamps) record the options they were drawn with.
    ///
    /// `source`: where the objects' rows come from, as a spec records it. `look` applies to
    /// lightcurves (preset, width, dpi); `cutoutDPI` to grids; a card's page is fixed.
    public static func objectJob(
        _ kind: AnomalyObjectFigure, directory: URL, format: OutputFormat, source: FigureSpec.Source,
        look: (preset: StylePreset, size: FigureSize) = (.screen, FigureSize()), cutoutDPI: Double = 150,
        queryTime: String = Provenance.now()
    ) throws -> any BatchJob {
        let output = FigureSpec.Output(directory: directory.path)
        // A job serves whatever ids the runner is given, and each file records its own object
        // (`forObject`), so the template lists none.
        let objectIds: [String] = []
        switch kind {
        case .lightcurve:
            var options = FigureSpec.Options(format: format, width: look.size.widthPixels,
                                             height: look.size.heightPixels, dpi: look.size.dpi)
            options.style = look.preset == .screen ? nil : look.preset
            return try FigureSpec(command: .lightcurve, objectIds: objectIds, source: source, options: options, output: output,
                                  queryTime: queryTime).batchJob(target: .directory(directory))
        case .card:
            return try FigureSpec(command: .card, objectIds: objectIds, source: source,
                                  options: .init(format: format, alert: .latest), output: output,
                                  queryTime: queryTime).batchJob(target: .directory(directory))
        case .cutouts:
            // The defaults of `finkplot cutouts`, written as it normalises them.
            let options = "cutouts --format \(format.rawValue) --scale 4 --dpi \(FigureSpec.number(cutoutDPI)) --alert latest --mask-color magenta"
            let provenance = Provenance(source: source.description, objectIds: objectIds, queryTime: queryTime, options: options)
            return CutoutsJob(directory: directory, choice: .latest, rendering: try StampRendering(), scale: 4, dpi: cutoutDPI,
                              colorbars: false, format: format, rawDirectory: nil, identity: options,
                              metadata: { provenance.forObject($0.id).metadata(title: "\($0.id) cutouts") })
        }
    }
}
