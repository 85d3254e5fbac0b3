import CairoRender
import FinkAPI
import Foundation
import PlotCore

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

    /// An answer with no alerts is no chart: an empty 0–1 axis would look like a result.
    public struct NoAlerts: Error, CustomStringConvertible {
        public var location: String
        public var description: String { "no anomalous alerts in this range at \(location); nothing written" }
    }

    public func fetch() async throws -> Result {
        let (alerts, skipped) = try await source.anomalousAlerts(n: n, since: since, until: until)
        if alerts.isEmpty { throw NoAlerts(location: source.location) }
        let (ids, invalid) = AnomalyAlert.objectIds(of: alerts)
        var notes = AnomalyAlert.skipNotes(skipped)
        if !invalid.isEmpty { notes.append("not valid objectIds, not drawn: \(invalid.joined(separator: ", "))") }
        for a in alerts {
            if let p = a.featuresG.problem { notes.append("\(a.objectId) candid \(a.candid.map(String.init) ?? "?"): d:lc_features_g \(p)") }
            if let p = a.featuresR.problem { notes.append("\(a.objectId) candid \(a.candid.map(String.init) ?? "?"): d:lc_features_r \(p)") }
            for p in a.problems { notes.append("\(a.objectId) candid \(a.candid.map(String.init) ?? "?"): \(p)") }
        }
        var seen = Set<String>()
        let list = alerts.sorted { $0.jd > $1.jd }.map(\.objectId).filter { seen.insert($0).inserted }
        return Result(alerts: alerts, objectIds: ids, objectList: list, notes: notes)
    }

    /// Writes the table, when asked, then the chart, each atomically: a table that cannot be
    /// written fails before the chart exists.
    public static func write(_ result: Result, chart: URL?, format: OutputFormat, size: FigureSize, style: Style = .screen,
                             table: URL?, metadata: DocumentMetadata? = nil) throws {
        if let table { try TableFile.write(AnomalyFigure.table(result.alerts), to: table) }
        if let chart {
            try FigureRenderer.write(AnomalyFigure.figure(result.alerts, size: size, style: style), format: format, size: size,
                                     metadata: metadata, to: chart)
        }
    }
}

/// What to draw of each anomalous object.
public enum AnomalyObjectFigure: String, Sendable, CaseIterable {
    case lightcurve, cutouts, card
}

extension AnomalyRun {
    /// The batch job drawing each anomalous object as `kind`, one file per object (`<id>_lightcurve.<format>`, `<id>_card…`, `<id>_cutouts…`) in
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
                              metadata: { key, fetched in provenance.forObject(key.id, fetchedAt: fetched).metadata(title: "\(key.id) cutouts") })
        }
    }
}
