import FinkAPI
import Foundation
import PlotCore

/// Which panels `finkplot stats` draws.
public enum StatsPlot: String, Sendable, CaseIterable {
    /// Alerts received (`basic:raw`) and processed (`basic:sci`) per night.
    case nightly
    /// Running totals of both.
    case cumulative
    /// The most frequent classes per night, stacked.
    case classes
    /// The three, stacked vertically on one page.
    case all

    public var panels: [StatsPlot] { self == .all ? [.nightly, .cumulative, .classes] : [self] }
}

/// Charts of `/api/v1/statistics`. x is the night on a calendar axis (days since 1970-01-01,
/// one bar per night centred on its date); counts are shown in thousands or millions when large.
/// Titles and axis titles stay short: a journal column (`--style paper`) is 3.4 in wide.
public enum StatsFigure {
    public static let rawColumn = "basic:raw"
    public static let sciColumn = "basic:sci"
    public static let rawColor = Color(hex: "#9DB9D9")
    public static let sciColor = Color(hex: "#15284F")

    /// Received (light) and processed (strong) colours that read on the style's background: on a
    /// dark page the strong one must be the light one.
    /// `rawLine` is the received colour for a thin line, which needs more contrast than a bar.
    static func countColors(_ style: Style) -> (raw: Color, sci: Color, rawLine: Color) {
        let b = style.background
        let dark = 0.2126 * b.red + 0.7152 * b.green + 0.0722 * b.blue < 0.5
        return dark ? (Color(hex: "#3E5C80"), Color(hex: "#B8D3F0"), Color(hex: "#5F86B5"))
            : (rawColor, sciColor, Color(hex: "#6F95C4"))
    }
    /// Aggregates of other class columns: stacking them would count alerts twice.
    public static let aggregateClasses: Set<String> = ["class:simbad_tot", "class:simbad_gal"]
    static let palette = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22"]
        .map { Color(hex: $0) }
    public static let otherColor = Color(hex: "#C7C7C7")

    /// Bars 0.8 night wide leave a gap between neighbours; over more than four months a night is
    /// a pixel or two, gaps would only make stripes of paler colour, so bars fill their night.
    static func barWidth(_ nights: [NightStatistics]) -> Double {
        guard let first = nights.first, let last = nights.last else { return 0.8 }
        return day(last) - day(first) > 120 ? 1 : 0.8
    }

    static func day(_ night: NightStatistics) -> Double { Double(night.night.daysSinceUnixEpoch) }

    /// Where a bin's bar stands: a night's centred on its date (as the cumulative steps), a week's
    /// or month's across its days in the same coordinates (first day − ½ to last day + ½).
    /// `fill` is the share of a week or month the bar covers (1: neighbours touch).
    static func bar(_ bin: StatsBinTotals, kind: StatsBin, nightWidth: Double, fill: Double,
                    base: Double = 0, top: Double) -> BarSeries.Bar {
        let first = Double(bin.days.lowerBound), last = Double(bin.days.upperBound)
        let width = kind == .night ? nightWidth : (last - first + 1) * fill
        return .init(x: (first + last) / 2, width: width, base: base, top: top)
    }

    /// The title word of a bin: "Alerts per week".
    static func per(_ bin: StatsBin) -> String { "per \(bin.rawValue)" }

    /// The same limits in every panel, so stacked panels get the same ticks (each panel's own
    /// padding would differ by a bar's width and could tip the tick step). A week at least: one
    /// night still gets day ticks either side of its bar. With weeks or months the limits take in
    /// the whole first and last bins, so every panel (the per-night cumulative too) spans them.
    /// `barsBinned` names the bars' bin in the title: a bar under "night" would read as one night.
    static func xAxis(_ nights: [NightStatistics], bin: StatsBin = .night, barsBinned: Bool = false) -> Axis {
        let title = !barsBinned || bin == .night ? "night (UTC)" : bin == .week ? "week from Monday (UTC)" : "month (UTC)"
        var axis = Axis(title: title, labeling: .calendar(unixEpochAt: 0))
        guard let firstNight = nights.first?.night.daysSinceUnixEpoch,
              let lastNight = nights.last?.night.daysSinceUnixEpoch else { return axis }
        let first = Double(bin.span(containing: firstNight).lowerBound)
        let last = Double(bin.span(containing: lastNight).upperBound)
        var lo = first - 0.5, hi = last + 0.5
        lo -= (hi - lo) * 0.01
        hi += (hi - lo) * 0.01
        if hi - lo < 7 {
            let mid = (first + last) / 2
            (lo, hi) = (mid - 3.5, mid + 3.5)
        }
        axis.limits = lo...hi
        return axis
    }

    static func countAxis(_ what: String, maximum: Double) -> (Axis, Double) {
        let unit = CountFormat.unit(forMaximum: maximum)
        let title = unit.words.map { "\(what) (\($0))" } ?? what
        return (Axis(title: title, padding: 0.04, minimumSpan: 1e-9), unit.divisor)
    }

    /// Received and processed alerts per night (or per week, per month: summed over the nights of
    /// the bin that have the value); a bin missing one value still draws the other.
    /// `fill` is the share of a week or month a bar covers.
    public static func nightly(_ nights: [NightStatistics], bin: StatsBin = .night, fill: Double = 1,
                               style: Style = .screen) -> Chart {
        let (rawColor, sciColor, _) = countColors(style)
        let bins = StatsBinTotals.group(nights, by: bin)
        let maximum = bins.map { max($0[rawColumn] ?? 0, $0[sciColumn] ?? 0) }.max() ?? 0
        let (yAxis, divisor) = countAxis("alerts \(per(bin))", maximum: maximum)
        let width = barWidth(nights)
        func bars(_ column: String) -> [BarSeries.Bar] {
            bins.compactMap { b in b[column].map { bar(b, kind: bin, nightWidth: width, fill: fill, top: $0 / divisor) } }
        }
        return Chart(
            title: "Alerts \(per(bin))", xAxis: xAxis(nights, bin: bin, barsBinned: true), yAxis: yAxis, series: [],
            legend: [LegendEntry("received (basic:raw)", symbol: .swatch(rawColor)),
                     LegendEntry("processed (basic:sci)", symbol: .swatch(sciColor))],
            // Processed alerts are a subset of received ones: drawn in front, they show the share.
            bars: [BarSeries(role: "raw", bars: bars(rawColumn), fill: rawColor),
                   BarSeries(role: "sci", bars: bars(sciColumn), fill: sciColor)])
    }

    /// Running totals of `column`; a missing night adds nothing, so totals never decrease.
    public static func cumulative(_ nights: [NightStatistics], column: String) -> [DataPoint] {
        var total = 0.0
        return nights.map { n in
            total += n[column] ?? 0
            return DataPoint(x: day(n), y: total)
        }
    }

    /// Per night whatever the bars' bin (a line needs no width); `bin` only widens the x limits
    /// to those of the bar panels it is stacked with.
    public static func cumulativeChart(_ nights: [NightStatistics], bin: StatsBin = .night, style: Style = .screen) -> Chart {
        let (_, sciColor, rawColor) = countColors(style)
        let raw = cumulative(nights, column: rawColumn), sci = cumulative(nights, column: sciColumn)
        let (yAxis, divisor) = countAxis("total alerts",
                                         maximum: max(raw.last?.y ?? 0, sci.last?.y ?? 0))
        func scaled(_ points: [DataPoint]) -> [DataPoint] { points.map { DataPoint(x: $0.x, y: $0.y / divisor) } }
        let rawStroke = Stroke(color: rawColor, width: 2 * style.lineWidth)
        let sciStroke = Stroke(color: sciColor, width: 2 * style.lineWidth)
        // With few nights a line is too short to see (one night: a single point): mark each night.
        let marked = nights.count <= 40
        func markers(_ role: String, _ points: [DataPoint], _ color: Color) -> [Series] {
            marked ? [Series(role: role, points: scaled(points), marker: MarkerStyle(shape: .circle, size: 0.7 * style.markerSize, fill: color, stroke: nil))] : []
        }
        // Totals start from nothing: the axis starts at 0.
        var yAxisZero = yAxis
        let top = max(raw.last?.y ?? 0, sci.last?.y ?? 0) / divisor
        if top > 0 { yAxisZero.limits = 0...(top * 1.05) }
        return Chart(
            title: "Cumulative alerts" + (nights.first.map { " since \($0.night)" } ?? ""), xAxis: xAxis(nights, bin: bin), yAxis: yAxisZero,
            series: markers("raw", raw, rawStroke.color) + markers("sci", sci, sciColor),
            legend: [LegendEntry("received (basic:raw)", symbol: .line(rawStroke)),
                     LegendEntry("processed (basic:sci)", symbol: .line(sciStroke))],
            lines: [LineSeries(role: "raw", points: scaled(raw), stroke: rawStroke, steps: true),
                    LineSeries(role: "sci", points: scaled(sci), stroke: sciStroke, steps: true)])
    }

    /// The class columns present (without the `class:` aggregates), by total over all nights, largest first.
    public static func classTotals(_ nights: [NightStatistics]) -> [(column: String, total: Double)] {
        var totals: [String: Double] = [:]
        for n in nights {
            for (column, value) in n.counters where column.hasPrefix("class:") && !aggregateClasses.contains(column) {
                totals[column, default: 0] += value ?? 0
            }
        }
        return totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Stacked bars per night (or week, month): the `top` classes (or the `chosen` ones, without
    /// "other"), then "other" summing every remaining class column.
    public static func classesChart(_ nights: [NightStatistics], top: Int = 6, chosen: [String] = [],
                                    bin: StatsBin = .night, fill: Double = 1) -> Chart {
        let totals = classTotals(nights)
        let shown: [String]
        let withOther: Bool
        if chosen.isEmpty {
            shown = Array(totals.prefix(top).map(\.column))
            withOther = totals.dropFirst(shown.count).contains { $0.total > 0 }
        } else {
            shown = chosen.map { $0.hasPrefix("class:") ? $0 : "class:" + $0 }
            withOther = false
        }
        // Classes never seen in these nights are no part of "other".
        let others = Set(totals.filter { $0.total > 0 }.map(\.column)).subtracting(shown)
        let bins = StatsBinTotals.group(nights, by: bin)
        func sum(_ columns: some Sequence<String>, _ n: StatsBinTotals) -> Double {
            var total = 0.0
            for c in columns { total += n[c] ?? 0 }
            return total
        }
        let maximum = bins.map { n -> Double in sum(shown, n) + (withOther ? sum(others, n) : 0) }.max() ?? 0
        let (yAxis, divisor) = countAxis("alerts \(per(bin))", maximum: maximum)
        let width = barWidth(nights)
        var base = [Double](repeating: 0, count: bins.count)
        var series: [BarSeries] = []
        var legend: [LegendEntry] = []
        let layers = shown.map { ($0, String($0.dropFirst("class:".count))) } + (withOther ? [("", "other (\(others.count) classes)")] : [])
        for (k, (column, name)) in layers.enumerated() {
            let color = column.isEmpty ? otherColor : palette[k % palette.count]
            var bars: [BarSeries.Bar] = []
            for (i, n) in bins.enumerated() {
                let value = column.isEmpty ? sum(others, n) : (n[column] ?? 0)
                guard value > 0 else { continue }
                bars.append(bar(n, kind: bin, nightWidth: width, fill: fill, base: base[i], top: base[i] + value / divisor))
                base[i] += value / divisor
            }
            series.append(BarSeries(role: column.isEmpty ? "class.other" : "class.\(name)", bars: bars, fill: color))
            legend.append(LegendEntry(name, symbol: .swatch(color)))
        }
        let what = chosen.isEmpty ? "top \(shown.count)\(withOther ? " + other" : "")" : "chosen"
        // The legend reads top-down like the stack.
        return Chart(title: "Classes \(per(bin)) (\(what))", xAxis: xAxis(nights, bin: bin, barsBinned: true), yAxis: yAxis, series: [],
                     legend: legend.reversed(), bars: series)
    }

    /// How several panels share the page.
    public enum Arrangement: Sendable, Equatable {
        /// In one column sharing one time axis, labelled under the bottom panel only; every
        /// plot area equally tall (a page, a journal column).
        case stacked
        /// Side by side in one row, each with its axis, plot areas level (a 16:9 slide, whose
        /// height cannot hold three panels one above the other at slide type sizes).
        case row

        /// Slides put their panels in a row; every other page stacks them.
        public init(_ preset: StylePreset) { self = preset.isSlide ? .row : .stacked }
    }

    /// The page height in pixels for `plot` at `size`'s width: the preset's own page for one
    /// panel or a slide (16:9 whatever it holds), and for three stacked panels 2.1 times the
    /// preset's aspect, which keeps each plot area as tall as a single panel's less the x labels
    /// and title that only the bottom panel carries (paper: 3.4 × 5.5 in, a journal column).
    public static func pageHeightPixels(plot: StatsPlot, size: FigureSize, preset: StylePreset) -> Int {
        let aspect = preset.page.height / preset.page.width
        let factor = plot.panels.count > 1 && !preset.isSlide ? 2.1 : 1
        return Int((Double(size.widthPixels) * aspect * factor).rounded())
    }

    /// One page; with several panels they share the width and split the height, x axes aligned
    /// (`stacked`), or share the height in one row (`row`).
    /// `bin` groups the nights of the bar panels; nil picks it (`autoBin`).
    public static func figure(_ nights: [NightStatistics], plot: StatsPlot, size: FigureSize, top: Int = 6,
                              chosen: [String] = [], style: Style = .screen, bin: StatsBin? = nil,
                              arrangement: Arrangement = .stacked) -> Figure {
        let plotPixels = plotWidthPixels(nights, plot: plot, size: size, top: top, chosen: chosen, style: style, arrangement: arrangement)
        let bin = bin ?? autoBin(nights, plotPixels: plotPixels)
        // Weeks and months wide enough to see a gap get one, so neighbours read as separate bars;
        // narrower ones fill their span (a sub-pixel gap would only pale the colour).
        let binPixels = plotPixels / max(1, axisDays(nights)) * (bin == .week ? 7 : 30.4)
        return layout(nights, plot: plot, size: size, top: top, chosen: chosen, style: style, bin: bin,
                      fill: bin != .night && binPixels >= 8 ? 0.85 : 1, arrangement: arrangement)
    }

    /// The bin `auto` gives: nights while a night is at least 3 device pixels wide in the plot,
    /// else weeks if a week is, else months.
    public static func autoBin(_ nights: [NightStatistics], plotPixels: Double) -> StatsBin {
        StatsBin.auto(days: axisDays(nights), plotPixels: plotPixels)
    }

    /// Days the x axis spans with one bar per night.
    static func axisDays(_ nights: [NightStatistics]) -> Double {
        guard let limits = xAxis(nights).limits else { return 0 }
        return limits.upperBound - limits.lowerBound
    }

    /// The width of the (narrowest) plot area in device pixels, from a layout with per-night bars
    /// and approximate text widths: close enough for a threshold of a few pixels, and free of Cairo.
    public static func plotWidthPixels(_ nights: [NightStatistics], plot: StatsPlot, size: FigureSize, top: Int = 6,
                                       chosen: [String] = [], style: Style = .screen, arrangement: Arrangement = .stacked) -> Double {
        let figure = layout(nights, plot: plot, size: size, top: top, chosen: chosen, style: style, bin: .night, fill: 1,
                            arrangement: arrangement)
        let measurer = ApproximateTextMeasurer()
        var width = Double.infinity
        for panel in figure.panels {
            guard case let .chart(chart) = panel.content else { continue }
            width = min(width, ChartLayout(chart: chart, frame: panel.frame, style: style, measurer: measurer).plotRect.width)
        }
        return width.isFinite ? width * size.pixelsPerPoint : size.points.width * size.pixelsPerPoint
    }

    /// "alerts per month (thousands)" is taller than a panel of a journal column (`paper`, three
    /// panels): there it reads "alerts/month (10³)", as short as the panel title allows (the
    /// title says the bin in full). When one panel needs it, every panel is written so, so a page
    /// never mixes "(10³)" with "(millions)". Measured with approximate widths, which err long.
    static func fittingYTitles(_ figure: Figure) -> Figure {
        let style = figure.style
        let measurer = ApproximateTextMeasurer()
        let text = TextStyle(family: style.fontFamily, size: style.labelSize)
        let arranged = figure.equalPlotHeights ? figure.equalizingPlotHeights(measurer: measurer) : figure
        let tooLong = arranged.panels.contains { panel in
            guard case let .chart(chart) = panel.content else { return false }
            let plot = ChartLayout(chart: chart, frame: panel.frame, style: style, measurer: measurer).plotRect
            let room = 2 * min(plot.midY - panel.frame.minY, panel.frame.maxY - plot.midY) - style.fontSize
            return measurer.width(of: chart.yAxis.title, style: text) > room
        }
        guard tooLong else { return figure }
        var fitted = figure
        for i in fitted.panels.indices {
            guard case var .chart(chart) = fitted.panels[i].content else { continue }
            chart.yAxis.title = chart.yAxis.title.replacingOccurrences(of: "alerts per ", with: "alerts/")
                .replacingOccurrences(of: " (thousands)", with: " (10³)")
                .replacingOccurrences(of: " (millions)", with: " (10⁶)")
                .replacingOccurrences(of: " (billions)", with: " (10⁹)")
            fitted.panels[i].content = .chart(chart)
        }
        return fitted
    }

    /// The title of the time axis under a stack of panels, which holds bars and the per-night
    /// cumulative line alike: the date, and how the bars are binned.
    static func sharedXTitle(_ bin: StatsBin) -> String {
        switch bin {
        case .night: "night (UTC)"
        case .week: "date (UTC); bars: weeks from Monday"
        case .month: "date (UTC); bars: calendar months"
        }
    }

    static func layout(_ nights: [NightStatistics], plot: StatsPlot, size: FigureSize, top: Int, chosen: [String],
                       style: Style, bin: StatsBin, fill: Double, arrangement: Arrangement = .stacked) -> Figure {
        let page = size.points
        var charts: [Chart] = plot.panels.map { kind in
            switch kind {
            case .nightly, .all: nightly(nights, bin: bin, fill: fill, style: style)
            case .cumulative: cumulativeChart(nights, bin: bin, style: style)
            case .classes: classesChart(nights, top: top, chosen: chosen, bin: bin, fill: fill)
            }
        }
        let stacked = charts.count > 1 && arrangement == .stacked
        for i in charts.indices {
            // Under monthly bars a month's label names the bar above it.
            charts[i].xAxis.centresCalendarLabels = bin == .month
            if stacked {
                charts[i].xAxis.showsLabels = i == charts.count - 1
                charts[i].xAxis.title = sharedXTitle(bin)
            }
        }
        let panels: [Panel]
        if stacked || charts.count == 1 {
            let height = page.height / Double(charts.count)
            panels = charts.enumerated().map { i, chart in
                Panel(frame: Rect(x: 0, y: Double(i) * height, width: page.width, height: height), content: .chart(chart))
            }
        } else {
            let width = page.width / Double(charts.count)
            panels = charts.enumerated().map { i, chart in
                Panel(frame: Rect(x: Double(i) * width, y: 0, width: width, height: page.height), content: .chart(chart))
            }
        }
        var figure = Figure(size: page, style: style, panels: panels)
        // Stacked panels read as one figure only if their time axes line up, and as equals only
        // if their plots are equally tall; panels in a row, if their bottoms are level.
        figure.alignsPlotAreas = stacked
        figure.equalPlotHeights = stacked
        figure.alignsPlotRows = !stacked && charts.count > 1
        return fittingYTitles(figure)
    }

    /// One row per night: the date, its key, `basic:` counters in the server's order, then every
    /// `class:` column (the aggregates first, then alphabetical), empty where missing.
    public static func table(_ nights: [NightStatistics]) -> Data {
        let basic = ["basic:raw", "basic:sci", "basic:n_g", "basic:n_r", "basic:exposures", "basic:fields"]
        let all = Set(nights.flatMap(\.counters.keys))
        let extraBasic = all.filter { $0.hasPrefix("basic:") && !basic.contains($0) }.sorted()
        let classes = all.filter { $0.hasPrefix("class:") }.sorted { a, b in
            let ka = aggregateClasses.contains(a), kb = aggregateClasses.contains(b)
            return ka != kb ? ka : a < b
        }
        let rest = all.subtracting(basic).subtracting(extraBasic).subtracting(classes).sorted()
        let columns = basic.filter(all.contains) + extraBasic + classes + rest
        let header = ["night", "key:key"] + columns
        let rows: [[String?]] = nights.map { n in
            [n.night.description, n.key] + columns.map { CSVWriter.number(n[$0]) }
        }
        return CSVWriter.table(header: header, rows: rows)
    }
}
