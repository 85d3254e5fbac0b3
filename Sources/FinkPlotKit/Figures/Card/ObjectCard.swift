import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// The facts shown in a card's metadata block, computed from an object's data.
public struct CardFacts: Sendable, Equatable {
    public var objectId: String
    public var survey: Survey
    public var timeScale: TimeScale
    /// Degrees; nil when the data carry no position.
    public var ra: Double?
    public var dec: Double?
    /// How the position was obtained, when not by one measurement.
    public var positionNote: String?
    public var first: PhotometryPoint?
    public var last: PhotometryPoint?
    /// Detections per band name, blue to red.
    public var validPerBand: [(band: String, count: Int)]
    /// Points of each other kind the survey has (upper limits, bad quality, forced photometry).
    public var otherKinds: [(kind: PointKind, count: Int)]
    public var classification: String?
    public var simbad: String?
    /// More lines from the survey's summary.
    public var facts: [ObjectFact]

    public static func == (a: CardFacts, b: CardFacts) -> Bool {
        a.objectId == b.objectId && a.ra == b.ra && a.dec == b.dec && a.positionNote == b.positionNote
            && a.first == b.first && a.last == b.last && a.validPerBand.map(\.band) == b.validPerBand.map(\.band)
            && a.validPerBand.map(\.count) == b.validPerBand.map(\.count) && a.otherKinds.map(\.kind) == b.otherKinds.map(\.kind)
            && a.otherKinds.map(\.count) == b.otherKinds.map(\.count) && a.classification == b.classification
            && a.simbad == b.simbad && a.facts == b.facts
    }

    public var upperLimits: Int { otherKinds.first { $0.kind == .upperLimit }?.count ?? 0 }
    public var badQuality: Int { otherKinds.first { $0.kind == .badQuality }?.count ?? 0 }

    /// ZTF rows (tests and library callers holding `Detection`s).
    public init(objectId: String, rows: [Detection]) {
        self.init(ZTFPhotometry.object(ObjectKey(survey: .ztf, validatedId: objectId), rows: rows, full: true))
    }

    public init(_ data: ObjectData) {
        objectId = data.key.id
        survey = data.key.survey
        timeScale = data.timeScale
        let look = SurveyLooks.of(data.key.survey)
        // Dates outside physical ranges are left out of the lightcurve (with a note): not "first" or "last" either.
        let valid = data.points.filter { $0.kind == .detection && LightcurveBuilder.plausibleMJD.contains($0.mjd) }
            .sorted { $0.mjd < $1.mjd }
        first = valid.first
        last = valid.last
        var perBand: [String: Int] = [:]
        for d in valid { perBand[d.band, default: 0] += 1 }
        let order = { (band: String) in look.bandStyle(band, palette: .fink, dark: false).order }
        validPerBand = perBand.keys.sorted { (order($0), $0) < (order($1), $1) }.map { ($0, perBand[$0]!) }
        otherKinds = look.pointKinds.filter { $0 != .detection }.map { kind in (kind, data.points.filter { $0.kind == kind }.count) }
        ra = data.summary.ra
        dec = data.summary.dec
        positionNote = data.summary.positionNote
        classification = data.summary.classification.flatMap(ObjectSummary.meaningful)
        simbad = data.summary.crossmatch.flatMap(ObjectSummary.meaningful)
        facts = data.summary.facts
    }

    /// nil for the placeholders Fink sends when there is nothing to say.
    static func meaningful(_ s: String) -> String? { ObjectSummary.meaningful(s) }

    /// `2018-02-04 07:12 UTC` and `MJD 58153.300` on two lines (the MJD in the survey's scale).
    func epoch(_ d: PhotometryPoint) -> String {
        let date = String(CutoutFigure.utcDate(mjd: timeScale.utcMJD(d.mjd)).dropLast(7))   // drop ":ss UTC"
        let scale = timeScale == .utc ? "" : " \(timeScale.label)"
        return "\(date) UTC\nMJD \(String(format: "%.3f", d.mjd))\(scale)"
    }

    /// The metadata block: position in degrees and sexagesimal, first and last detection,
    /// counts, and Fink's and the catalogues' classes when known.
    public var textBlock: TextBlock {
        var rows: [TextBlock.Row] = []
        if let ra, let dec {
            rows.append(.init("RA", "\(Sexagesimal.rightAscension(ra))\n\(String(format: "%.6f", ra))°"))
            rows.append(.init("Dec", "\(Sexagesimal.declination(dec))\n\(String(format: "%+.6f", dec))°"))
        } else {
            rows.append(.init("Position", "not in the data"))
        }
        if let first { rows.append(.init("First", epoch(first))) }
        if let last { rows.append(.init("Last", epoch(last))) }
        let total = validPerBand.reduce(0) { $0 + $1.count }
        let bands = validPerBand.map { "\($0.band) \($0.count)" }.joined(separator: ", ")
        rows.append(.init("Detections", total > 0 ? "\(total) (\(bands))" : "none"))
        for (kind, count) in otherKinds {
            let label = switch kind {
            case .upperLimit: "Upper limits"
            case .badQuality: "Bad quality"
            case .forced: "Forced phot."
            case .detection: "Detections"
            }
            rows.append(.init(label, "\(count)"))
        }
        if let classification { rows.append(.init("Fink class", classification)) }
        if let simbad { rows.append(.init(survey == .ztf ? "SIMBAD" : "Cross-match", simbad)) }
        for fact in facts { rows.append(.init(fact.label, fact.value)) }
        var notes: [String] = []
        if let positionNote { notes.append("Position: \(positionNote).") }
        return TextBlock(title: objectId, rows: rows, notes: notes)
    }
}

/// One page per object: the lightcurve with the chosen alert marked, the metadata block beside it,
/// and that alert's Science, Template and Difference stamps below, drawn as `finkplot cutouts` does.
public enum ObjectCard {
    /// What to call `choice` on the page.
    public static func describe(_ choice: AlertChoice) -> String {
        switch choice {
        case .latest, .all: "latest alert"
        case .peak: "brightest alert"
        case .candid: "chosen alert"
        }
    }

    /// The card as a figure. `alert` is one of `rows`' valid alerts; `stamps` are its stamps
    /// (missing kinds are drawn as "no data" tiles and named in a note). `look` picks the page,
    /// the type and colours, and the lightcurve's axes; the stamps are drawn the same in every look.
    public static func figure(_ data: ObjectData, alert: PhotometryPoint, choice: AlertChoice,
                              stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook = CardLook(),
                              measurer: any TextMeasurer) throws -> Figure {
        try make(data, alert: alert, choice: choice, stamps: stamps, rendering: rendering, look: look, measurer: measurer).figure
    }

    /// ZTF rows (tests and library callers holding `Detection`s); `alert` is one of them.
    public static func figure(objectId: ObjectId, rows: [Detection], alert: Detection, choice: AlertChoice,
                              stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook = CardLook(),
                              measurer: any TextMeasurer) throws -> Figure {
        try figure(ZTFPhotometry.object(objectId.key, rows: rows, full: true), alert: ZTFPhotometry.point(alert), choice: choice,
                   stamps: stamps, rendering: rendering, look: look, measurer: measurer)
    }

    /// The card and what its lightcurve left out, said in words for the user (rows outside the
    /// time window, an alert that could not be marked).
    static func make(_ data: ObjectData, alert: PhotometryPoint, choice: AlertChoice,
                     stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook,
                     measurer: any TextMeasurer) throws -> (figure: Figure, notes: [String]) {
        let (figure, notes, _) = try makeCard(data, alert: alert, choice: choice, stamps: stamps, rendering: rendering,
                                              look: look, measurer: measurer)
        return (figure, notes)
    }

    /// `make`, and the lightcurve panel as built (its points are what `card --table` writes).
    static func makeCard(_ data: ObjectData, alert: PhotometryPoint, choice: AlertChoice, stamps: [StampKind: Stamp],
                         rendering: StampRendering, look: CardLook,
                         measurer: any TextMeasurer) throws -> (figure: Figure, notes: [String], lightcurve: Lightcurve) {
        let objectId = data.key
        var style = look.style
        // The lightcurve gets the panel's width: its legend goes above it, in rows.
        style.legendPlacement = .top
        let cardPage = look.page
        let page = cardPage.size.points
        // Stamps row, sized by the grid itself.
        let cutoutRow = CutoutRow(object: objectId, timeScale: data.timeScale, alert: alert, stamps: stamps)
        var grid = CutoutFigure.grid(rows: [cutoutRow], rendering: rendering, scale: cardPage.stampScale,
                                     dpi: cardPage.size.dpi, colorbars: false)
        var labels = CutoutFigure.labels(for: cutoutRow)
        labels[0] = "Stamps: \(describe(choice))"
        grid.rows[0].labels = labels
        // The card's page has the width beside the stamps: their labels stay on the left.
        grid.labelPlacement = .left
        let gridSize = ImageGridLayout(grid: grid, style: style, measurer: measurer).size

        var lightcurveOptions = look.lightcurve
        // The lightcurve panel takes about a third of the page.
        lightcurveOptions.plotArea = page.width * page.height * 0.3
        let lightcurve = try LightcurveBuilder.build(data, style: style, options: lightcurveOptions)
        var chart = lightcurve.chart
        chart.title = nil   // the metadata block is headed by the objectId
        // Marked where the lightcurve drew the alert, so every time and y mode agrees; an alert
        // outside --since/--until (or without a DC magnitude) gets neither ring nor line.
        let accent = style.isDark ? Color(hex: "#FF7F6E") : Color(hex: "#C0392B")
        let ring = MarkerStyle(shape: .circle, size: style.markerSize * 2.4, fill: nil,
                               stroke: Stroke(color: accent, width: style.lineWidth * 1.4))
        let drawn = lightcurve.points.first { $0.tag == .detection && $0.alertId != nil && $0.alertId == alert.alertId }
        if let drawn {
            chart.series.append(Series(role: "chosen", points: [DataPoint(x: drawn.x, y: drawn.y)], marker: ring, overlay: true))
            chart.markers.append(VerticalMarker(role: "chosen", x: drawn.x,
                                                stroke: Stroke(color: accent.withAlpha(0.7), width: style.lineWidth,
                                                               dash: [3 * style.lineWidth / 0.8, 2 * style.lineWidth / 0.8]),
                                                label: nil))
            chart.legend.append(LegendEntry("stamps' alert", symbol: .marker(ring, errorBar: nil)))
        }
        var notes = lightcurve.notes
        if drawn == nil {
            let name = Surveys.profile(objectId.survey)?.alertIdName ?? "alert"
            notes.append("the stamps' alert (\(name) \(alert.alertId.map(String.init) ?? "–")) is not drawn in the lightcurve, so it is not marked")
        }

        var block = CardFacts(data).textBlock
        let missing = CutoutFigure.missingKinds(stamps)
        if !missing.isEmpty {
            let names = missing.map { $0.rawValue.lowercased() }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names.last!
            block.notes.append("No \(list) stamp for this alert in the data.")
        }
        let chartFrame: Rect, blockFrame: Rect, gridFrame: Rect
        switch cardPage.arrangement {
        case .stampsBelow:
            gridFrame = Rect(x: ((page.width - gridSize.width) / 2).rounded(), y: page.height - gridSize.height,
                             width: gridSize.width, height: gridSize.height)
            let blockWidth = (page.width * 0.36).rounded()
            chartFrame = Rect(x: 0, y: 0, width: page.width - blockWidth, height: gridFrame.minY)
            blockFrame = Rect(x: page.width - blockWidth, y: 0, width: blockWidth, height: gridFrame.minY)
        case .metadataColumn:
            // The metadata column as wide as its rows need (a little spare), the rest for the
            // lightcurve; the stamps' width is kept if the rows would need more.
            let natural = TextBlockLayout(block: block, frame: Rect(x: 0, y: 0, width: page.width, height: page.height),
                                          style: style, measurer: measurer).naturalWidth
            let left = max(gridSize.width, (page.width - natural - style.fontSize).rounded(.down))
            gridFrame = Rect(x: 0, y: page.height - gridSize.height, width: gridSize.width, height: gridSize.height)
            chartFrame = Rect(x: 0, y: 0, width: left, height: gridFrame.minY)
            blockFrame = Rect(x: left, y: 0, width: page.width - left, height: page.height)
        }

        let figure = Figure(size: page, style: style, panels: [
            Panel(frame: chartFrame, content: .chart(chart)),
            Panel(frame: blockFrame, content: .textBlock(block)),
            Panel(frame: gridFrame, content: .imageGrid(grid)),
        ])
        return (figure, notes, lightcurve)
    }

    /// The card's bytes and notes for the user: the per-object step a batch runner can call once
    /// rows and stamps are in hand.
    public static func render(_ object: ObjectData, alert: PhotometryPoint, choice: AlertChoice,
                              stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook = CardLook(),
                              format: OutputFormat, metadata: DocumentMetadata? = nil) throws -> (data: Data, notes: [String]) {
        let (data, notes, _) = try renderCard(object, alert: alert, choice: choice, stamps: stamps, rendering: rendering,
                                              look: look, format: format, metadata: metadata)
        return (data, notes)
    }

    /// `render`, and the lightcurve panel as drawn.
    public static func renderCard(_ object: ObjectData, alert: PhotometryPoint, choice: AlertChoice,
                                  stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook = CardLook(),
                                  format: OutputFormat, metadata: DocumentMetadata? = nil)
        throws -> (data: Data, notes: [String], lightcurve: Lightcurve) {
        let measurer = try CairoTextMeasurer()
        let (figure, notes, lightcurve) = try makeCard(object, alert: alert, choice: choice, stamps: stamps,
                                                       rendering: rendering, look: look, measurer: measurer)
        let data = try Renderer.render(figure.displayList(measurer: measurer), format: format,
                                       pixelsPerPoint: look.page.size.pixelsPerPoint, metadata: metadata)
        return (data, notes, lightcurve)
    }
}
