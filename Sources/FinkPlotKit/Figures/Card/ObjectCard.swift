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
        // A kind with no points says nothing the legend does not ("Bad quality 0").
        for (kind, count) in otherKinds where count > 0 {
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
        // The lightcurve gets the panel's width: its legend goes above it, in rows, unless there
        // is room for it under the metadata (below).
        style.legendPlacement = .top
        let cardPage = look.page
        let page = cardPage.size.points
        let em = style.fontSize

        var block = CardFacts(data).textBlock
        let missing = CutoutFigure.missingKinds(stamps)
        if !missing.isEmpty {
            let names = missing.map { $0.rawValue.lowercased() }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names.last!
            block.notes.append("No \(list) stamp for this alert in the data.")
        }
        let blockWidth = switch cardPage.arrangement {
        case .stampsBelow: (page.width * 0.36).rounded()
        // As wide as its rows need, a little spare: the rest is the lightcurve's.
        case .metadataColumn: (TextBlockLayout(block: block, frame: Rect(x: 0, y: 0, width: page.width, height: page.height),
                                               style: style, measurer: measurer).naturalWidth + em).rounded(.up)
        }
        let left = page.width - blockWidth
        let blockHeight = TextBlockLayout(block: block, frame: Rect(x: left, y: 0, width: blockWidth, height: page.height),
                                          style: style, measurer: measurer).usedHeight

        // The stamps as large as the page allows (`stampRow`): under both the lightcurve and the
        // metadata when the metadata fits above them, else left of a full-height metadata column.
        let cutoutRow = CutoutRow(object: objectId, timeScale: data.timeScale, alert: alert, stamps: stamps)
        // The stamps drawn once, at one device pixel per stamp pixel; `stampRow` scales the grid.
        var baseGrid = CutoutFigure.grid(rows: [cutoutRow], rendering: rendering, scale: 1, dpi: cardPage.size.dpi,
                                         colorbars: false, exactScale: true)
        baseGrid.rows[0].labels[0] = "Stamps: \(describe(choice))"
        // The card's page has the width beside the stamps: their labels stay on the left.
        baseGrid.labelPlacement = .left
        let stampPixels = stamps.values.filter { !$0.isEmpty }.map { max($0.width, $0.height) }.max()
            ?? Surveys.profile(objectId.survey)?.typicalStampPixels ?? 48
        let maxHeight = (page.height * maxStampShare).rounded(.down)
        var lightcurveOptions = look.lightcurve
        // Markers sized for the panel the lightcurve gets, about 60 % of the page's height.
        lightcurveOptions.plotArea = left * page.height * 0.6
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

        // Two arrangements: the stamps under both the lightcurve and the metadata (when the
        // metadata fits above them), or under the lightcurve only, the metadata in a full-height
        // column. Either way the legend goes in a column under the metadata when it fits there,
        // so the plot has the lightcurve panel's whole height. The page takes the arrangement
        // giving the most plot area times stamp size: a slide with a short metadata block
        // trades a stamp scale step for a plot half as tall again.
        struct Arrangement { var chart: Chart; var chartFrame, blockFrame, gridFrame: Rect; var grid: ImageGrid; var score: Double }
        let legendSize = ChartLayout.legendColumnSize(chart.legend, style: style, measurer: measurer)
        func arrange(stampsWidth: Double) -> Arrangement? {
            let (grid, size, cell) = stampRow(baseGrid, pixels: stampPixels, width: stampsWidth, height: maxHeight,
                                              dpi: cardPage.size.dpi, style: style, measurer: measurer)
            let under = stampsWidth > left
            guard !under || blockHeight <= page.height - size.height else { return nil }
            let gridFrame = under
                ? Rect(x: ((page.width - size.width) / 2).rounded(), y: page.height - size.height, width: size.width, height: size.height)
                : Rect(x: 0, y: page.height - size.height, width: size.width, height: size.height)
            let blockFrame = Rect(x: left, y: 0, width: blockWidth, height: under ? gridFrame.minY : page.height)
            let chartFrame = Rect(x: 0, y: 0, width: left, height: gridFrame.minY)
            var placed = chart
            let legendTop = (blockFrame.minY + blockHeight).rounded(.up)
            if !chart.legend.isEmpty, legendTop + legendSize.height + 0.9 * em <= blockFrame.maxY,
               legendSize.width + 1.8 * em <= blockFrame.width {
                placed.legendOrigin = Point(blockFrame.minX + 0.9 * em, legendTop)
            }
            let plot = ChartLayout(chart: placed, frame: chartFrame, style: style, measurer: measurer).plotRect
            return Arrangement(chart: placed, chartFrame: chartFrame, blockFrame: blockFrame, gridFrame: gridFrame, grid: grid,
                               score: plot.width * plot.height * cell)
        }
        let candidates = [arrange(stampsWidth: page.width), arrange(stampsWidth: left)].compactMap { $0 }
        // The second always exists (the stamps under the lightcurve need no room from the metadata).
        let best = candidates.max { $0.score < $1.score }!
        let (chartFrame, blockFrame, gridFrame, grid) = (best.chartFrame, best.blockFrame, best.gridFrame, best.grid)
        chart = best.chart

        let figure = Figure(size: page, style: style, panels: [
            Panel(frame: chartFrame, content: .chart(chart)),
            Panel(frame: blockFrame, content: .textBlock(block)),
            Panel(frame: gridFrame, content: .imageGrid(grid)),
        ])
        return (figure, notes, lightcurve)
    }

    /// The largest share of a card's height its stamps row may take: the lightcurve keeps the rest.
    public static let maxStampShare = 0.4

    /// The stamps row, its size and a stamp's side in points, at the largest whole number of device pixels per stamp pixel (sharp blocks)
    /// that keeps it within `width` × `height` points. A label line too wide for it is split at
    /// its last comma ("i = 18.19 ± 0.003" / "fainter than reference") before the stamps are made
    /// smaller; at the smallest scale the row is what it is (a page too small for three stamps).
    static func stampRow(_ base: ImageGrid, pixels: Int, width: Double, height: Double, dpi: Double, style: Style,
                         measurer: any TextMeasurer) -> (ImageGrid, Size, cell: Double) {
        let labels = base.rows[0].labels
        let split = labels.flatMap { line -> [String] in
            guard let comma = line.range(of: ", ", options: .backwards) else { return [line] }
            return [String(line[..<comma.lowerBound]), String(line[comma.upperBound...])]
        }
        let devicePerPoint = dpi / 72
        let largest = max(1, Int((height * devicePerPoint / Double(pixels)).rounded(.down)))
        // Only the pixel size and the labels change: the stamps are normalised and coloured once.
        func make(_ scale: Int, _ lines: [String]) -> (ImageGrid, Size, cell: Double) {
            var grid = base
            grid.pixelSize = Double(scale) / devicePerPoint
            grid.rows[0].labels = lines
            return (grid, ImageGridLayout(grid: grid, style: style, measurer: measurer).size, Double(scale * pixels) / devicePerPoint)
        }
        for scale in stride(from: largest, through: 1, by: -1) {
            for lines in split == labels ? [labels] : [labels, split] {
                let candidate = make(scale, lines)
                if candidate.1.width <= width && candidate.1.height <= height { return candidate }
            }
        }
        return make(1, split)
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
