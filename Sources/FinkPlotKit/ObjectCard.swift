import CairoRender
import FinkAPI
import Foundation
import PlotCore

/// The facts shown in a card's metadata block, computed from an object's rows.
public struct CardFacts: Sendable, Equatable {
    public var objectId: String
    /// Mean position of the valid alerts, degrees; nil when no row carries one.
    public var ra: Double?
    public var dec: Double?
    public var positionCount: Int
    public var first: Detection?
    public var last: Detection?
    /// Valid detections per band name, blue to red.
    public var validPerBand: [(band: String, count: Int)]
    public var upperLimits: Int
    public var badQuality: Int
    public var classification: String?
    public var simbad: String?

    public static func == (a: CardFacts, b: CardFacts) -> Bool {
        a.objectId == b.objectId && a.ra == b.ra && a.dec == b.dec && a.positionCount == b.positionCount
            && a.first == b.first && a.last == b.last && a.validPerBand.map(\.band) == b.validPerBand.map(\.band)
            && a.validPerBand.map(\.count) == b.validPerBand.map(\.count) && a.upperLimits == b.upperLimits
            && a.badQuality == b.badQuality && a.classification == b.classification && a.simbad == b.simbad
    }

    public init(objectId: String, rows: [Detection]) {
        self.objectId = objectId
        let valid = rows.filter { $0.tag == .valid && $0.jd.isFinite }.sorted { $0.jd < $1.jd }
        first = valid.first
        last = valid.last
        upperLimits = rows.filter { $0.tag == .upperLimit }.count
        badQuality = rows.filter { $0.tag == .badQuality }.count
        var perBand: [Int: Int] = [:]
        for d in valid { perBand[d.fid, default: 0] += 1 }
        validPerBand = perBand.keys.sorted { ZTFBands.style(fid: $0).order < ZTFBands.style(fid: $1).order }
            .map { (ZTFBands.style(fid: $0).name, perBand[$0]!) }
        let positions = valid.compactMap { d -> (Double, Double)? in
            guard let ra = d.ra, let dec = d.dec, ra.isFinite, dec.isFinite else { return nil }
            return (ra, dec)
        }
        positionCount = positions.count
        if let reference = positions.first?.0 {
            // RA offsets are taken from the first alert so an object at RA ≈ 0° does not average to 180°.
            let offsets = positions.map { ($0.0 - reference + 540).truncatingRemainder(dividingBy: 360) - 180 }
            var mean = reference + offsets.reduce(0, +) / Double(offsets.count)
            mean = mean.truncatingRemainder(dividingBy: 360)
            ra = mean < 0 ? mean + 360 : mean
            dec = positions.map(\.1).reduce(0, +) / Double(positions.count)
        }
        // Fink's classification is computed per alert at query time: the latest alert's is current.
        classification = valid.last?.classification.flatMap(Self.meaningful)
        simbad = valid.reversed().lazy.compactMap { $0.cdsxmatch.flatMap(Self.meaningful) }.first
    }

    /// nil for the placeholders Fink sends when there is nothing to say.
    static func meaningful(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces)
        return ["", "Unknown", "Fail", "nan", "NaN", "null", "None"].contains(t) ? nil : t
    }

    /// `2018-02-04 07:12 UTC` and `MJD 58153.300` on two lines.
    static func epoch(_ d: Detection) -> String {
        let date = String(CutoutFigure.utcDate(jd: d.jd).dropLast(7))   // drop ":ss UTC"
        return "\(date) UTC\nMJD \(String(format: "%.3f", d.mjd))"
    }

    /// The metadata block: position in degrees and sexagesimal, first and last detection,
    /// counts, and Fink's and SIMBAD's classes when known.
    public var textBlock: TextBlock {
        var rows: [TextBlock.Row] = []
        if let ra, let dec {
            rows.append(.init("RA", "\(Sexagesimal.rightAscension(ra))\n\(String(format: "%.6f", ra))°"))
            rows.append(.init("Dec", "\(Sexagesimal.declination(dec))\n\(String(format: "%+.6f", dec))°"))
        } else {
            rows.append(.init("Position", "not in the data"))
        }
        if let first { rows.append(.init("First", Self.epoch(first))) }
        if let last { rows.append(.init("Last", Self.epoch(last))) }
        let total = validPerBand.reduce(0) { $0 + $1.count }
        let bands = validPerBand.map { "\($0.band) \($0.count)" }.joined(separator: ", ")
        rows.append(.init("Detections", total > 0 ? "\(total) (\(bands))" : "none"))
        rows.append(.init("Upper limits", "\(upperLimits)"))
        rows.append(.init("Bad quality", "\(badQuality)"))
        if let classification { rows.append(.init("Fink class", classification)) }
        if let simbad { rows.append(.init("SIMBAD", simbad)) }
        var notes: [String] = []
        if positionCount > 1 { notes.append("Position: mean of \(positionCount) valid alerts.") }
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
    public static func figure(objectId: ObjectId, rows: [Detection], alert: Detection, choice: AlertChoice,
                              stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook = CardLook(),
                              measurer: any TextMeasurer) throws -> Figure {
        try make(objectId: objectId, rows: rows, alert: alert, choice: choice, stamps: stamps, rendering: rendering,
                 look: look, measurer: measurer).figure
    }

    /// The card and what its lightcurve left out, said in words for the user (rows outside the
    /// time window, an alert that could not be marked).
    static func make(objectId: ObjectId, rows: [Detection], alert: Detection, choice: AlertChoice,
                     stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook,
                     measurer: any TextMeasurer) throws -> (figure: Figure, notes: [String]) {
        let style = look.style
        let cardPage = look.page
        let page = cardPage.size.points
        // Stamps row, sized by the grid itself.
        let cutoutRow = CutoutRow(objectId: objectId, alert: alert, stamps: stamps)
        var grid = CutoutFigure.grid(rows: [cutoutRow], rendering: rendering, scale: cardPage.stampScale,
                                     dpi: cardPage.size.dpi, colorbars: false)
        var labels = CutoutFigure.labels(for: cutoutRow)
        labels[0] = "Stamps: \(describe(choice))"
        grid.rows[0].labels = labels
        let gridSize = ImageGridLayout(grid: grid, style: style, measurer: measurer).size

        let lightcurve = try LightcurveBuilder.build(objectId: objectId.rawValue, detections: rows, style: style,
                                                     options: look.lightcurve)
        var chart = lightcurve.chart
        chart.title = nil   // the metadata block is headed by the objectId
        // Marked where the lightcurve drew the alert, so every time and y mode agrees; an alert
        // outside --since/--until (or without a DC magnitude) gets neither ring nor line.
        let accent = style.isDark ? Color(hex: "#FF7F6E") : Color(hex: "#C0392B")
        let ring = MarkerStyle(shape: .circle, size: style.markerSize * 2.4, fill: nil,
                               stroke: Stroke(color: accent, width: style.lineWidth * 1.4))
        let drawn = lightcurve.points.first { $0.tag == .valid && $0.candid != nil && $0.candid == alert.candid }
        if let drawn {
            chart.series.append(Series(role: "chosen", points: [DataPoint(x: drawn.x, y: drawn.y)], marker: ring))
            chart.markers.append(VerticalMarker(role: "chosen", x: drawn.x,
                                                stroke: Stroke(color: accent.withAlpha(0.7), width: style.lineWidth,
                                                               dash: [3 * style.lineWidth / 0.8, 2 * style.lineWidth / 0.8]),
                                                label: nil))
            chart.legend.append(LegendEntry("stamps' alert", symbol: .marker(ring, errorBar: nil)))
        }
        var notes = lightcurve.notes
        if drawn == nil {
            notes.append("the stamps' alert (candid \(alert.candid.map(String.init) ?? "–")) is not drawn in the lightcurve, so it is not marked")
        }

        var block = CardFacts(objectId: objectId.rawValue, rows: rows).textBlock
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
        return (figure, notes)
    }

    /// The card's bytes and notes for the user: the per-object step a batch runner can call once
    /// rows and stamps are in hand.
    public static func render(objectId: ObjectId, rows: [Detection], alert: Detection, choice: AlertChoice,
                              stamps: [StampKind: Stamp], rendering: StampRendering, look: CardLook = CardLook(),
                              format: OutputFormat, metadata: DocumentMetadata? = nil) throws -> (data: Data, notes: [String]) {
        let measurer = try CairoTextMeasurer()
        let (figure, notes) = try make(objectId: objectId, rows: rows, alert: alert, choice: choice, stamps: stamps,
                                       rendering: rendering, look: look, measurer: measurer)
        let data = try Renderer.render(figure.displayList(measurer: measurer), format: format,
                                       pixelsPerPoint: look.page.size.pixelsPerPoint, metadata: metadata)
        return (data, notes)
    }
}

/// Fetches each object's rows and its chosen alert's stamps, and writes one card per object.
public struct CardRun: Sendable {
    public var source: any ObjectSource & StampProvider
    public var target: OutputTarget
    public var format: OutputFormat
    public var choice: AlertChoice
    public var rendering: StampRendering
    public var look: CardLook
    /// Stamped into every card (per object); nil for none.
    public var provenance: Provenance?

    public init(source: any ObjectSource & StampProvider, target: OutputTarget, format: OutputFormat,
                choice: AlertChoice = .latest, rendering: StampRendering, look: CardLook = CardLook(),
                provenance: Provenance? = nil) {
        self.source = source; self.target = target; self.format = format; self.choice = choice
        self.rendering = rendering; self.look = look; self.provenance = provenance
    }

    /// Full rows, not a column list: the server computes `v:classification` only when no
    /// `columns` are given. Upper limits for the lightcurve; no stamps (those come from /cutouts).
    static let fetchOptions = FetchOptions(withUpperLimits: true, withCutouts: false, columns: nil)

    public func run(ids: [String], report: (ObjectOutcome) -> Void = { _ in }) async -> [ObjectOutcome] {
        var outcomes: [ObjectOutcome] = []
        for raw in ids {
            let outcome: ObjectOutcome
            do {
                outcome = await render(try ObjectId(validating: raw))
            } catch {
                outcome = ObjectOutcome(objectId: raw, status: .failed(reason: "\(error)"), notes: [])
            }
            outcomes.append(outcome)
            report(outcome)
        }
        return outcomes
    }

    public func render(_ id: ObjectId) async -> ObjectOutcome {
        do {
            let rows = try await source.detections(of: id, options: Self.fetchOptions)
            let provenance = self.provenance
            let job = CardJob(target: target, format: format, choice: choice, rendering: rendering, look: look,
                              metadata: { provenance?.forObject($0.rawValue).metadata(title: "\($0.rawValue) object card") })
            let alert = try job.stampAlerts(of: id, rows: rows)[0]
            let stamps = try await source.stamps(of: id, alerts: [alert]).first ?? [:]
            let rendered = try job.render(id, rows: rows, stamps: alert.candid.map { [$0: stamps] } ?? [:])
            return ObjectOutcome(objectId: id.rawValue, status: .rendered(path: rendered.outputs[0].path), notes: rendered.notes)
        } catch {
            return ObjectOutcome(objectId: id.rawValue, status: .failed(reason: "\(error)"), notes: [])
        }
    }
}
