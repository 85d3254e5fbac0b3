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
    /// What the point is as drawn (a forced point below S/N 5 is drawn as an upper limit).
    public var tag: PointKind
    /// The alert of a detection (ZTF candid, Rubin diaSourceId).
    public var alertId: Int64?
    /// The MJD in the survey's time scale (UTC for ZTF, TAI for Rubin).
    public var mjd: Double
    /// The x value in the chart's time unit (MJD, or days since t0).
    public var x: Double
    public var y: Double
    public var yError: Double?
    /// A detection fainter than the reference image (ZTF `isdiffpos = f`), drawn open in
    /// difference magnitude, where the magnitude alone cannot tell it from a brightening.
    public var negative: Bool = false

    /// The point's tag in the table and its series' role: the kind as drawn, or `negative`.
    public var tagName: String { negative ? "negative" : tag.rawValue }
}

/// A lightcurve ready to draw, with what was left out and why.
public struct Lightcurve: Sendable {
    public var chart: Chart
    /// Every drawn point, in drawing order (series by series).
    public var points: [PlottedPoint]
    public var options: LightcurveOptions
    /// The y quantity drawn (the survey's default when the options left it open).
    public var quantity: YQuantity
    public var survey: Survey
    public var timeScale: TimeScale
    /// The unit of flux values (`y` and `yError` in flux mode).
    public var fluxUnit: PhotometricUnit
    /// The MJD that x = 0 stands for in the `since-…` modes (nil for MJD and date axes).
    public var t0: Double?
    /// Points that could not be drawn (no value for the quantity, or no time).
    public var skippedRows: Int
    /// Points drawn per band and kind, e.g. `counts["g"]?[.detection]`.
    public var counts: [String: [PointKind: Int]]
    /// Points left out on purpose (time window, no reference source...), said in words.
    public var notes: [String]
}

/// Turns an object's photometry into a chart of magnitude or flux against time.
///
/// Per band: detections are filled markers with error bars; upper limits are open downward
/// triangles ("fainter than"); bad-quality detections are lighter upward triangles with error
/// bars; forced photometry is an open marker of the band's shape with its error bar. Limits are
/// drawn first and detections last, so detections stay on top. Magnitude axes are inverted
/// (brighter is higher); the flux axis is not.
public enum LightcurveBuilder {
    static let neutral = Color(hex: "#555555")

    /// Detections and forced points below this S/N have no difference magnitude: forced points are
    /// drawn as 5σ upper limits instead, detections are left out (and counted).
    public static let minimumSignalToNoise = 5.0

    /// ZTF rows (tests and library callers holding `Detection`s).
    public static func build(objectId: String, detections: [Detection], style: Style = .screen,
                             options: LightcurveOptions = LightcurveOptions()) throws -> Lightcurve {
        let key = ObjectKey(survey: .ztf, validatedId: objectId)
        var data = ZTFPhotometry.object(key, rows: detections, full: false)
        // Rows without a time still count as rows that could not be drawn.
        let untimed = detections.count - data.points.count
        data.notes = []
        var lightcurve = try build(data, style: style, options: options, extraRows: detections.count)
        lightcurve.skippedRows += untimed
        return lightcurve
    }

    /// Why a point is not drawn in the chosen quantity, counted for one note each.
    enum Omission: Hashable {
        case noValue, outside, noReference, limitsInDC, belowSignalToNoise, nonPositiveFlux, forcedNotInMag, outOfRange
    }

    /// Values no real exposure has (a 1e300 magnitude, a JD of 1e308): such rows are left out and
    /// named, so one damaged cell cannot stretch an axis to 300-digit labels or hide every point.
    static let plausibleMJD = 30_000.0...100_000.0      // 1941 to 2132
    static let plausibleMagnitude = -5.0...40.0
    static let maximumFluxNanojansky = 1e13             // brighter than magnitude −1

    static func isPlausible(y: Double, error: Double?, quantity: YQuantity, unit: PhotometricUnit) -> Bool {
        if let error, !(error.isFinite && error < 1e6 * max(1, abs(y))) { return false }
        if quantity.isMagnitude { return plausibleMagnitude.contains(y) }
        return abs(y) * (unit.jansky ?? 1e-9) / 1e-9 <= maximumFluxNanojansky
    }

    /// The point as drawn in `quantity`: its kind (a forced point below S/N 5 becomes an upper
    /// limit), y and error; or why it is not drawn.
    static func value(_ p: PhotometryPoint, _ quantity: YQuantity, fluxUnit: PhotometricUnit)
        -> Result<(kind: PointKind, y: Double, error: Double?), OmissionError> {
        func fail(_ o: Omission) -> Result<(kind: PointKind, y: Double, error: Double?), OmissionError> { .failure(OmissionError(o)) }
        switch quantity {
        case .differenceMagnitude:
            switch p.kind {
            case .detection, .badQuality:
                if let m = p.magnitude { return .success((p.kind, m.value, m.error)) }
                guard let f = p.differenceFlux else { return fail(.noValue) }
                guard f.value > 0, (f.signalToNoise ?? 0) >= minimumSignalToNoise, let m = f.asMagnitude else {
                    return fail(.belowSignalToNoise)
                }
                return .success((p.kind, m.value, m.error))
            case .upperLimit:
                guard let m = p.magnitude else { return fail(.noValue) }
                return .success((.upperLimit, m.value, nil))
            case .forced:
                guard let f = p.differenceFlux else { return fail(.noValue) }
                if f.value > 0, (f.signalToNoise ?? 0) >= minimumSignalToNoise, let m = f.asMagnitude {
                    return .success((.forced, m.value, m.error))
                }
                // Not detected: the flux was below 5σ.
                guard let sigma = f.error, sigma > 0, let limit = f.unit.magnitude(ofFlux: minimumSignalToNoise * sigma) else {
                    return fail(.noValue)
                }
                return .success((.upperLimit, limit, nil))
            }
        case .apparentMagnitude:
            switch p.kind {
            case .detection, .badQuality:
                guard p.magnitude != nil else { return fail(.noValue) }
                guard let dc = Photometry.apparentMagnitude(p) else { return fail(.noReference) }
                return .success((p.kind, dc.mag, dc.sigma))
            case .upperLimit:
                // Fink's DC recipe has no limits: an upper-limit row carries no reference source.
                return fail(.limitsInDC)
            case .forced:
                return fail(.noReference)
            }
        case .differenceFlux:
            switch p.kind {
            case .detection, .badQuality, .forced:
                guard let f = p.differenceFlux?.converted(to: fluxUnit) else { return fail(.noValue) }
                return .success((p.kind, f.value, f.error))
            case .upperLimit:
                guard let m = p.magnitude, let f = fluxUnit.flux(ofMagnitude: m.value) else { return fail(.noValue) }
                return .success((.upperLimit, f, nil))
            }
        case .totalMagnitude:
            switch p.kind {
            case .detection, .badQuality:
                guard let f = p.totalFlux else { return fail(.noValue) }
                guard let m = f.asMagnitude else { return fail(.nonPositiveFlux) }
                return .success((p.kind, m.value, m.error))
            case .forced:
                return fail(.forcedNotInMag)
            case .upperLimit:
                return fail(.noValue)
            }
        }
    }

    struct OmissionError: Error { let omission: Omission; init(_ o: Omission) { omission = o } }

    /// `extraRows`: the row count the "nothing to plot" message names (ZTF rows without a time
    /// never became points).
    public static func build(_ data: ObjectData, style: Style = .screen, options: LightcurveOptions = LightcurveOptions(),
                             extraRows: Int? = nil) throws -> Lightcurve {
        let look = SurveyLooks.of(data.key.survey)
        let quantity = options.y ?? look.defaultQuantity
        let objectId = data.key.id
        let profile = Surveys.profile(data.key.survey)
        guard look.quantities.contains(quantity) else {
            throw LightcurveOptionError.invalid(
                option: "--y", value: quantity.rawValue,
                expected: "for \(profile?.displayName ?? data.key.survey.name) objects one of \(look.quantities.map(\.rawValue).joined(separator: ", "))")
        }
        let fluxUnit = look.fluxUnit
        let points = data.points
        let t0 = timeZero(options.time, points)
        let topT0 = options.topAxis.flatMap { timeZero($0, points) }
        struct Key: Hashable { let band: String; let kind: PointKind; var negative = false }
        var groups: [Key: [PlottedPoint]] = [:]
        var skipped = 0
        var omitted: [Omission: Int] = [:]
        var referenceMags: [String: [Double]] = [:]
        // The date axis is UTC: a TAI time is shifted by 37 s so the calendar is right.
        let dateShift = options.time == .date ? data.timeScale.utcMJD(0) : 0
        var implausible: [String] = []
        for p in points {
            guard p.mjd.isFinite else { skipped += 1; continue }
            guard plausibleMJD.contains(p.mjd) else {
                omitted[.outOfRange, default: 0] += 1
                implausible.append(p.alertId.map { "alert \($0) (MJD \(p.mjd))" } ?? "MJD \(p.mjd)")
                continue
            }
            if let since = options.since, p.mjd < since { omitted[.outside, default: 0] += 1; continue }
            if let until = options.until, p.mjd > until { omitted[.outside, default: 0] += 1; continue }
            switch value(p, quantity, fluxUnit: fluxUnit) {
            case let .failure(why):
                if why.omission == .noValue { skipped += 1 } else { omitted[why.omission, default: 0] += 1 }
            case let .success((kind, y, error)):
                guard y.isFinite else { skipped += 1; continue }
                guard isPlausible(y: y, error: error, quantity: quantity, unit: fluxUnit) else {
                    omitted[.outOfRange, default: 0] += 1
                    implausible.append(p.alertId.map { "alert \($0) (value \(y))" } ?? "MJD \(Ticks.format(p.mjd, decimals: 4)) (value \(y))")
                    continue
                }
                if quantity == .apparentMagnitude, let r = p.reference { referenceMags[p.band, default: []].append(r.magnitude) }
                // Only a difference magnitude hides the sign: flux shows it, DC magnitude folds it in.
                let negative = quantity == .differenceMagnitude && kind == .detection && p.isNegative == true
                let point = PlottedPoint(band: p.band, tag: kind, alertId: kind == .detection ? p.alertId : nil, mjd: p.mjd,
                                         x: p.mjd + dateShift - (t0 ?? 0), y: y,
                                         yError: error.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }, negative: negative)
                groups[Key(band: p.band, kind: kind, negative: negative), default: []].append(point)
            }
        }

        let total = points.count
        var notes: [String] = []
        if let n = omitted[.outOfRange] {
            let named = implausible.prefix(3).joined(separator: ", ") + (implausible.count > 3 ? ", …" : "")
            notes.append("\(n) rows with values outside physical ranges were left out: \(named)")
        }
        if let n = omitted[.outside] { notes.append("\(n) of \(total) rows lie outside the --since/--until window and were not drawn") }
        if let n = omitted[.noReference] {
            notes.append("\(n) detections have no reference source within \(Photometry.maxReferenceDistance) px "
                + "(or a DC magnitude error ≥ 1 mag) and are not drawn in DC magnitude")
        }
        if let n = omitted[.limitsInDC] { notes.append("\(n) upper limits are not drawn in DC magnitude") }
        if let n = omitted[.belowSignalToNoise] {
            notes.append("\(n) detections with a difference flux ≤ 0 or S/N < \(Int(minimumSignalToNoise)) have no difference "
                + "magnitude and are not drawn (--y diffflux shows them)")
        }
        if let n = omitted[.nonPositiveFlux] { notes.append("\(n) detections with a science flux ≤ 0 have no magnitude and are not drawn") }
        if let n = omitted[.forcedNotInMag] {
            notes.append("\(n) forced-photometry points are not drawn in science magnitude (--y diffflux or diffmag shows them)")
        }
        guard !groups.isEmpty else {
            if !omitted.isEmpty {
                throw FigureError.nothingLeft(objectId: objectId, reason: notes.joined(separator: "; "))
            }
            throw FigureError.nothingToPlot(objectId: objectId, rows: extraRows ?? total)
        }

        let dark = style.isDark
        let bands = Set(groups.keys.map(\.band)).map { (name: $0, style: look.bandStyle($0, palette: options.palette, dark: dark)) }
            .sorted { ($0.style.order, $0.name) < ($1.style.order, $1.name) }
        var series: [Series] = []
        var drawn: [PlottedPoint] = []
        var counts: [String: [PointKind: Int]] = [:]
        // Dense objects (a deep-drilling field gives ~1,000 points in three weeks): markers and
        // error bars shrink so points stay apart; `--marker-size` fixes the size instead.
        let pointCount = groups.values.reduce(0) { $0 + $1.count }
        var dataStyle = style
        if let fixed = options.markerSize {
            dataStyle.markerSize = fixed
        } else {
            let scaled = MarkerDensity.scaled(markerSize: style.markerSize, errorBarWidth: style.lineWidth,
                                              pointCount: pointCount, plotArea: options.plotArea)
            dataStyle.markerSize = scaled.markerSize
            dataStyle.lineWidth = scaled.errorBarWidth
            dataStyle.markerEdgeWidth *= max(scaled.factor, MarkerDensity.minimumMarkerFraction)
        }
        // Band shapes differ only in some palettes: there limits take their band's shape too, so
        // bands stay apart in greyscale print.
        let shapesPerBand = Set(bands.map(\.style.shape)).count > 1
        let flux = quantity == .differenceFlux
        var negatives: [String: Int] = [:]
        for kind in [PointKind.upperLimit, .forced, .badQuality, .detection] {
            for negative in kind == .detection ? [false, true] : [false] {
                // The band with the fewest points of a kind is drawn last, on top: a lone g detection
                // is not buried under a crowd of r points (coincident markers are also spread apart
                // by the chart's layout).
                func count(_ name: String) -> Int { groups[Key(band: name, kind: kind, negative: negative)]?.count ?? 0 }
                let ordered = bands.sorted { (count($1.name), $0.style.order, $0.name) < (count($0.name), $1.style.order, $1.name) }
                for (name, band) in ordered {
                    guard var points = groups[Key(band: name, kind: kind, negative: negative)] else { continue }
                    points.sort { $0.mjd < $1.mjd }
                    counts[band.name, default: [:]][kind, default: 0] += points.count
                    if negative { negatives[band.name, default: 0] += points.count }
                    let look = appearance(kind, band: band, style: dataStyle, negative: negative, flux: flux, bandShape: shapesPerBand)
                    let data = points.map { p in
                        // A flux limit spans −5σ…+5σ: |flux| is below it, whatever its sign.
                        kind == .upperLimit && flux
                            ? DataPoint(x: p.x, y: p.y, yInterval: -abs(p.y)...abs(p.y))
                            : DataPoint(x: p.x, y: p.y, yError: p.yError)
                    }
                    series.append(Series(role: "\(band.name).\(points[0].tagName)", points: data, marker: look.marker,
                                         errorBar: look.bar, barCap: look.cap, downArrow: look.arrow))
                    drawn += points
                }
            }
        }

        // Each band shows its detection marker and what is drawn of it: "g: 11 detections, 3 limits",
        // or "no detections" where that is the truth.
        var legend = bands.map { _, band in
            let look = appearance(.detection, band: band, style: style)
            return LegendEntry(bandLabel(band.name, counts[band.name] ?? [:]), symbol: .marker(look.marker, errorBar: look.bar),
                               compactLabels: [bandLabel(band.name, counts[band.name] ?? [:], compact: true),
                                               bandLabel(band.name, counts[band.name] ?? [:], compact: true, detectionsOnly: true)])
        }
        let neutralBand = BandStyle(name: "", color: dark ? Color(hex: "#B5B5B5") : neutral, order: 0)
        let negativeTotal = negatives.values.reduce(0, +)
        if negativeTotal > 0 {
            let look = appearance(.detection, band: neutralBand, style: style, negative: true)
            legend.append(LegendEntry("fainter than reference (\(negativeTotal))", symbol: .marker(look.marker, errorBar: look.bar),
                                      compactLabels: ["fainter than ref. (\(negativeTotal))"]))
        }
        // Detections are defined by the band entries; the other kinds get one neutral entry each.
        for (kind, name) in [(PointKind.forced, "forced photometry"), (.upperLimit, flux ? "|flux| below 5σ" : "upper limit"),
                             (.badQuality, "bad quality")] {
            let n = counts.values.reduce(0) { $0 + ($1[kind] ?? 0) }
            guard n > 0 else { continue }
            let look = appearance(kind, band: neutralBand, style: style, flux: flux, bandShape: shapesPerBand)
            // With a shape per band the data are open squares, triangles …, not the neutral circle
            // shown: the entry says what marks the kind (open, with an arrow), not which shape.
            let how = !shapesPerBand || kind == .badQuality || (kind == .upperLimit && flux) ? ""
                : kind == .forced ? ": open" : ": open + arrow"
            let short = kind == .forced ? "forced phot." : name
            legend.append(LegendEntry("\(name)\(how) (\(n))", symbol: .marker(look.marker, errorBar: look.bar, barCap: look.cap, downArrow: look.arrow),
                                      compactLabels: ["\(short)\(how) (\(n))"]))
        }

        var referenceLines: [ReferenceLine] = []
        switch quantity {
        case .apparentMagnitude:
            // The reference source alone: where the light curve sits when the transient is gone.
            for (name, band) in bands {
                guard let mags = referenceMags[name], let m = median(mags) else { continue }
                let stroke = Stroke(color: band.color, width: style.lineWidth, dash: [4 * style.lineWidth + 2, 2.5 * style.lineWidth + 1.5])
                referenceLines.append(ReferenceLine(role: "\(band.name).magnr", y: m, stroke: stroke))
                legend.append(LegendEntry("\(band.name) reference \(Ticks.format(m, decimals: 2))", symbol: .line(stroke)))
            }
        case .differenceFlux:
            referenceLines.append(ReferenceLine(role: "zero", y: 0, stroke: Stroke(color: style.axisColor.withAlpha(0.7),
                                                                                  width: style.lineWidth * 0.8)))
        case .differenceMagnitude, .totalMagnitude:
            break
        }

        let scale = data.timeScale
        var chart = Chart(
            title: objectId,
            xAxis: xAxis(options.time, t0: t0, scale: scale),
            yAxis: yAxis(quantity, fluxUnit: fluxUnit),
            series: series,
            referenceLines: referenceLines,
            legend: legend)
        if let top = options.topAxis, top != options.time {
            chart.secondaryX = secondaryAxis(top, topT0: topT0, primary: options.time, t0: t0, scale: scale)
        }
        return Lightcurve(chart: chart, points: drawn, options: options, quantity: quantity, survey: data.key.survey,
                          timeScale: scale, fluxUnit: fluxUnit, t0: t0, skippedRows: skipped, counts: counts, notes: notes)
    }

    /// The MJD that x = 0 stands for: the first detection for `since-first` (else the first
    /// point with a magnitude or flux, else the first point), the given MJD for `since-t0`, nil otherwise.
    static func timeZero(_ mode: TimeAxisMode, _ points: [PhotometryPoint]) -> Double? {
        switch mode {
        case .mjd, .date: return nil
        case let .sinceT0(t): return t
        case .sinceFirst:
            // Only times that are drawn: a damaged row (MJD −2400000.5) must not become t0.
            let timed = points.filter { $0.mjd.isFinite && plausibleMJD.contains($0.mjd) }
            let measured = timed.filter { $0.kind != .upperLimit && ($0.magnitude != nil || $0.differenceFlux != nil) }
            let valid = measured.filter { $0.kind == .detection }
            return (valid.isEmpty ? (measured.isEmpty ? timed : measured) : valid).map(\.mjd).min()
        }
    }

    static func timeTitle(_ mode: TimeAxisMode, t0: Double?, scale: TimeScale = .utc) -> String {
        // ZTF's MJDs are UTC, as readers assume; another scale is named.
        let mjd = scale == .utc ? "MJD" : "MJD (\(scale.label))"
        return switch mode {
        case .mjd: mjd
        case .date: "Date (UTC)"
        case .sinceFirst: "Days since first detection (\(mjd) \(Ticks.format(t0 ?? 0, decimals: 2)))"
        case .sinceT0: "Days since \(mjd) \(formatMJD(t0 ?? 0))"
        }
    }

    /// An MJD as typed: `59000`, `59000.5`, no trailing zeros.
    static func formatMJD(_ v: Double) -> String {
        var s = Ticks.format(v, decimals: 5)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func xAxis(_ mode: TimeAxisMode, t0: Double?, scale: TimeScale = .utc) -> Axis {
        // Six hours at least: a single point gets a readable axis, and two visits of one night
        // (g then r, an hour apart) spread across it in hours rather than sit together mid-axis.
        var axis = Axis(title: timeTitle(mode, t0: t0, scale: scale), padding: 0.04, minimumSpan: 0.25)
        if mode == .date { axis.labeling = .calendar(unixEpochAt: TimeParsing.unixEpochMJD) }
        // Days: 2.5-day steps would print MJD 58762.5.
        axis.wholeNumberSteps = true
        return axis
    }

    /// A top axis in `mode` as a mapping of the primary values: top = primary + offset.
    static func secondaryAxis(_ mode: TimeAxisMode, topT0: Double?, primary: TimeAxisMode, t0: Double?,
                              scale: TimeScale = .utc) -> SecondaryAxis {
        // Primary x is MJD − (t0 ?? 0) (shifted to UTC on a date axis); the top axis shows
        // MJD − (topT0 ?? 0), shifted to UTC when it is the date axis.
        let shift = scale.utcMJD(0)
        let primaryShift = primary == .date ? shift : 0
        let topShift = mode == .date ? shift : 0
        let offset = (t0 ?? 0) - (topT0 ?? 0) - primaryShift + topShift
        let labeling: AxisLabeling = mode == .date ? .calendar(unixEpochAt: TimeParsing.unixEpochMJD) : .numeric
        var axis = SecondaryAxis(title: timeTitle(mode, t0: topT0, scale: scale), labeling: labeling, offset: offset)
        axis.wholeNumberSteps = true
        return axis
    }

    static func yAxis(_ y: YQuantity, fluxUnit: PhotometricUnit = .millijansky) -> Axis {
        switch y {
        case .differenceMagnitude: Axis(title: "Difference magnitude", inverted: true, padding: 0.06, minimumSpan: 1)
        case .apparentMagnitude: Axis(title: "Apparent (DC) magnitude", inverted: true, padding: 0.06, minimumSpan: 1)
        case .totalMagnitude: Axis(title: "Science magnitude (AB)", inverted: true, padding: 0.06, minimumSpan: 1)
        case .differenceFlux:
            Axis(title: "Difference flux (\(fluxUnit.rawValue))", padding: 0.06,
                 minimumSpan: fluxUnit == .millijansky ? 0.01 : 10)
        }
    }

    static func median(_ values: [Double]) -> Double? {
        let v = values.filter(\.isFinite).sorted()
        guard !v.isEmpty else { return nil }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    /// "g: 11 detections, 3 limits"; "i: no detections, 60 limits"; "r: 45 detections, 55 forced".
    /// `compact`: "g: 11 det., 3 lim." for a legend above a narrow plot; `detectionsOnly`: "g: 11 det.",
    /// the shortest, when the legend's limit entry counts the limits of every band.
    static func bandLabel(_ band: String, _ counts: [PointKind: Int], compact: Bool = false, detectionsOnly: Bool = false) -> String {
        func n(_ k: PointKind) -> Int { counts[k] ?? 0 }
        func plural(_ n: Int, _ word: String, _ short: String) -> String { compact ? "\(n) \(short)" : "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts = [n(.detection) > 0 ? plural(n(.detection), "detection", "det.") : (compact ? "no det." : "no detections")]
        // "no det." alone would hide that the band is drawn at all: its limits stay.
        if !detectionsOnly || n(.detection) == 0 {
            if n(.forced) > 0 { parts.append("\(n(.forced)) forced") }
            if n(.upperLimit) > 0 { parts.append(plural(n(.upperLimit), "limit", "lim.")) }
        }
        // Bad-quality points are counted in their own entry: band labels stay one short line.
        return "\(band): " + parts.joined(separator: ", ")
    }

    /// How one kind of point is drawn: marker, bar stroke, cap half-width and arrow length (points).
    struct Look { var marker: MarkerStyle; var bar: Stroke?; var cap = 0.0; var arrow = 0.0 }

    /// Bad-quality points are drawn lighter, but never below this contrast against the page.
    static let minimumContrast = 3.0

    /// Marker and error-bar stroke for one kind of row in one band. `negative`: a detection fainter
    /// than the reference, drawn open; `flux`: limits are ±5σ bars; `bandShape`: limits take the
    /// band's shape (open, with a "fainter than" arrow) instead of ▽.
    static func appearance(_ tag: PointKind, band: BandStyle, style: Style, negative: Bool = false,
                           flux: Bool = false, bandShape: Bool = false) -> Look {
        let s = style.markerSize, color = band.color
        // "Lighter" means closer to the background, so bad-quality points recede on dark slides too.
        let bg = style.background
        switch tag {
        case .forced:
            // Open, in the band's shape: measured at the object's position whether detected or not.
            return Look(marker: MarkerStyle(shape: band.shape, size: s * 0.8, fill: nil,
                                            stroke: Stroke(color: color.mixed(with: bg, 0.15), width: style.markerEdgeWidth * 1.5 + 0.3)),
                        bar: Stroke(color: color.mixed(with: bg, 0.45), width: style.lineWidth * 0.8))
        case .detection where negative:
            // Filled with the page, edged in the band's colour: the open form of the detection marker.
            return Look(marker: MarkerStyle(shape: band.shape, size: s * 0.92, fill: bg,
                                            stroke: Stroke(color: color, width: style.markerEdgeWidth * 1.6 + 0.45)),
                        bar: Stroke(color: color, width: style.lineWidth))
        case .detection:
            return Look(marker: MarkerStyle(shape: band.shape, size: s, fill: color, stroke: Stroke(color: bg, width: style.markerEdgeWidth)),
                        bar: Stroke(color: color, width: style.lineWidth))
        case .upperLimit where flux:
            // No marker: a capped bar from −5σ to +5σ, so a limit cannot read as "below +F".
            return Look(marker: MarkerStyle(shape: .circle, size: 0, fill: nil, stroke: nil),
                        bar: Stroke(color: color.withAlpha(0.55), width: style.lineWidth * 1.1), cap: s * 0.3)
        case .upperLimit where bandShape:
            let stroke = Stroke(color: color.withAlpha(0.7), width: style.lineWidth * 1.05)
            return Look(marker: MarkerStyle(shape: band.shape, size: s * 0.8, fill: nil, stroke: stroke), bar: stroke, arrow: s * 1.2)
        case .upperLimit:
            return Look(marker: MarkerStyle(shape: .triangleDown, size: s, fill: nil,
                                            stroke: Stroke(color: color.withAlpha(0.6), width: style.lineWidth * 1.05)), bar: nil)
        case .badQuality:
            // Mixed towards the page, but kept at 3:1 contrast or more (dark slides lost them).
            var amount = 0.55
            while amount > 0, Color.contrastRatio(color.mixed(with: bg, amount), bg) < minimumContrast { amount -= 0.05 }
            let light = color.mixed(with: bg, max(amount, 0))
            return Look(marker: MarkerStyle(shape: .triangleUp, size: s, fill: light,
                                            stroke: Stroke(color: color.mixed(with: bg, min(0.3, max(amount, 0))), width: style.markerEdgeWidth * 1.25)),
                        bar: Stroke(color: light, width: style.lineWidth))
        }
    }
}
