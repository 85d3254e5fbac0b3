/// Maps data values linearly onto a span of points.
public struct LinearScale: Sendable, Equatable {
    public var domain: ClosedRange<Double>
    /// Point coordinates for `domain.lowerBound` and `domain.upperBound` (may be decreasing).
    public var from: Double
    public var to: Double

    public func callAsFunction(_ v: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        guard span != 0 else { return (from + to) / 2 }
        return from + (v - domain.lowerBound) / span * (to - from)
    }
}

/// Places a chart's plot area, ticks, labels and legend inside a frame, then emits its primitives.
///
/// Room for every label is measured before the plot area is fixed, so labels are never clipped;
/// the legend sits right of the plot area, so it never covers data.
public struct ChartLayout {
    public let chart: Chart
    public let frame: Rect
    public let style: Style
    public let plotRect: Rect
    public let xScale: LinearScale
    public let yScale: LinearScale
    public let xTicks: TickSet
    public let yTicks: TickSet
    let measurer: any TextMeasurer
    let legendWidth: Double
    /// Where the legend went: the style's place, or above the plot when a legend on the right
    /// would leave the plot less than its share of a narrow frame.
    public let legendPlacement: LegendPlacement
    /// Entries per row of a legend placed above the plot (empty for a legend on the right).
    let legendRows: [[Int]]
    /// The title's lines (one, or two when it is too wide for the frame) and their height with
    /// the space under them (0 without a title).
    let titleLines: [String]
    let titleHeight: Double
    /// The legend's size as a framed column, when it is one (right of the plot, or outside).
    let legendColumn: Size?
    /// Ticks of `chart.secondaryX`, in its own units.
    public let secondaryTicks: TickSet?

    /// `plotSpan` fixes the plot area's left and right edges (aligning panels stacked in a column),
    /// `plotRows` its top and bottom (aligning panels side by side in a row).
    public init(chart: Chart, frame: Rect, style: Style, measurer: any TextMeasurer, plotSpan: ClosedRange<Double>? = nil,
                plotRows: ClosedRange<Double>? = nil) {
        var chart = chart
        self.frame = frame
        self.style = style
        self.measurer = measurer
        let em = style.fontSize
        let pad = 0.9 * em
        let extents = ChartLayout.barAndLineExtents(chart)
        let xDomain = ChartLayout.domain(for: chart.xAxis, values: chart.series.flatMap { $0.points.map { ($0.x, $0.x) } } + extents.x)
        var yDomain = ChartLayout.anchoredAtZero(ChartLayout.domain(
            for: chart.yAxis,
            values: chart.series.flatMap { s in
                s.points.map { p in
                    guard s.errorBar != nil, let bar = p.bar else { return (p.y, p.y) }
                    return (min(p.y, bar.lowerBound), max(p.y, bar.upperBound))
                }
            } + chart.referenceLines.map { ($0.y, $0.y) } + extents.y), chart: chart)

        let tickText = style.text(style.fontSize)
        var legendWidth = 0.0
        var placement = style.legendPlacement
        let outside = chart.legendOrigin != nil
        // Measured once: the column's size places the plot (on the right) and draws the box.
        let legendColumn = !chart.legend.isEmpty && (placement == .right || outside)
            ? ChartLayout.legendColumnSize(chart.legend, style: style, measurer: measurer) : nil
        if let legendColumn, placement == .right && !outside {
            legendWidth = legendColumn.width
            // A right-hand legend may take at most a third of the frame: at 3.4 in wide it would
            // squeeze the plot to a sliver, so it moves above the plot as in `paper`.
            if legendWidth + 1.2 * em > frame.width / 3 {
                placement = .top
                legendWidth = 0
            }
        }
        legendPlacement = placement
        var legendRows = placement == .top && !outside
            ? ChartLayout.legendRows(chart.legend, width: frame.width - 2 * pad, em: em, measurer: measurer, style: tickText) : []
        let levels = chart.legend.map(\.compactLabels.count).max() ?? 0
        if placement == .top, !outside, levels > 0 {
            // Every row above the plot is taken from its height: the least shortened wording
            // that gives the fewest rows.
            let full = chart.legend
            for level in 1...levels {
                var compact = full
                for i in compact.indices { compact[i].label = full[i].label(level: level) }
                let rows = ChartLayout.legendRows(compact, width: frame.width - 2 * pad, em: em, measurer: measurer, style: tickText)
                if rows.count < legendRows.count {
                    legendRows = rows
                    chart.legend = compact
                }
            }
        }
        // Above the plot, from the top: title, legend rows, the secondary axis's title and labels.
        let topLegendHeight = legendRows.isEmpty ? 0 : Double(legendRows.count) * 1.5 * em + 0.4 * em
        let secondaryHeight = chart.secondaryX == nil ? 0
            : TextMetrics.lineHeight(style.labelSize) + 0.6 * em + TextMetrics.lineHeight(style.fontSize) + 0.5 * em
        // A title too wide for a narrow panel (three side by side on a slide) goes on two lines
        // at the figure's title size, so the titles of one row keep one size.
        let titleLines = chart.title.map {
            ChartLayout.titleLines($0, room: frame.width - 1.8 * em, style: style.text(style.titleSize, weight: .bold), measurer: measurer)
        } ?? []
        let titleHeight = titleLines.isEmpty ? 0 : Double(titleLines.count) * TextMetrics.lineHeight(style.titleSize) + 0.9 * em
        let top = plotRows?.lowerBound ?? frame.minY + pad + titleHeight
            + topLegendHeight + secondaryHeight
        // An unlabelled x axis (a panel above another sharing its axis) needs only a margin.
        let bottom = plotRows?.upperBound ?? (chart.xAxis.showsLabels
            ? frame.maxY - pad - TextMetrics.lineHeight(style.labelSize) - 0.7 * em - TextMetrics.lineHeight(style.fontSize) - 0.5 * em
            : frame.maxY - 0.5 * em)
        let plotHeight = max(10, bottom - top)
        // Limit arrows are in points below their markers: the axis reaches far enough past the
        // lowest one (on the page) to hold it. Solving end = y + r·(end − start), r = reach / height.
        let reach = chart.series.filter { $0.downArrow > 0 && !$0.points.isEmpty }
            .map { $0.downArrow + 0.45 * $0.marker.size + 0.4 * em }.max() ?? 0  // an arrow tip on the frame looks cut
        if reach > 0, chart.yAxis.limits == nil, reach < plotHeight / 2 {
            let r = reach / plotHeight
            let ys = chart.series.filter { $0.downArrow > 0 }.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
            if chart.yAxis.inverted, let y = ys.max() {
                let end = (y - r * yDomain.lowerBound) / (1 - r)
                if end > yDomain.upperBound { yDomain = yDomain.lowerBound...end }
            } else if !chart.yAxis.inverted, let y = ys.min() {
                let end = (y - r * yDomain.upperBound) / (1 - r)
                if end < yDomain.lowerBound { yDomain = end...yDomain.upperBound }
            }
        }
        var yTicks = chart.yAxis.ticks(lower: yDomain.lowerBound, upper: yDomain.upperBound,
                                       maxCount: max(2, Int(plotHeight / (2.8 * em))))
        // One labelled value gives no scale: a finer step, while labels keep 1.8 em apart, until two are.
        var yCount = max(2, Int(plotHeight / (2.8 * em)))
        let ySpan = yDomain.upperBound - yDomain.lowerBound
        while yTicks.major.count < 2, yCount < 40, ySpan > 0 {
            yCount += 1
            let finer = chart.yAxis.ticks(lower: yDomain.lowerBound, upper: yDomain.upperBound, maxCount: yCount)
            guard finer.step / ySpan * plotHeight >= 1.8 * em else { break }
            yTicks = finer
        }
        let yLabelWidth = yTicks.labels.map { measurer.width(of: $0, style: tickText) }.max() ?? 0
        let left = plotSpan?.lowerBound ?? frame.minX + pad + TextMetrics.lineHeight(style.labelSize) + 0.7 * em + yLabelWidth + 0.5 * em
        var right = plotSpan?.upperBound ?? frame.maxX - pad - (legendWidth > 0 ? legendWidth + 1.2 * em : 0)
        let plotWidth0 = max(10, right - left)

        // Fewer x ticks until neighbouring labels keep at least one em between them.
        var xTicks = chart.xAxis.ticks(lower: xDomain.lowerBound, upper: xDomain.upperBound,
                                  maxCount: max(2, Int(plotWidth0 / (5 * em))))
        if chart.xAxis.showsLabels {
            xTicks = Self.spacedTicks(xTicks, domain: xDomain, width: plotWidth0, em: em, measurer: measurer, style: tickText) {
                chart.xAxis.ticks(lower: xDomain.lowerBound, upper: xDomain.upperBound, maxCount: $0)
            }
        }
        var secondaryTicks: TickSet?
        if let secondary = chart.secondaryX {
            secondaryTicks = ChartLayout.secondaryTicks(secondary, domain: xDomain, width: plotWidth0, em: em,
                                                        measurer: measurer, style: tickText)
        }
        // A label centred on the right edge must not run off the figure.
        if plotSpan == nil, legendWidth == 0, chart.xAxis.showsLabels,
           let last = Array(zip(xTicks.labelAt, xTicks.labels)).last(where: { xDomain.contains($0.0) && !$0.1.isEmpty })?.1 {
            right = min(right, frame.maxX - max(pad, measurer.width(of: last, style: tickText) / 2 + 2))
        }
        if plotSpan == nil, legendWidth == 0, let last = secondaryTicks?.labels.last(where: { !$0.isEmpty }) {
            right = min(right, frame.maxX - max(pad, measurer.width(of: last, style: tickText) / 2 + 2))
        }
        // Room kept for the last label narrows the plot: labels spaced for the wider one may now
        // touch, so they are spaced again (starting from these ticks) on the final width.
        if right - left < plotWidth0 - 0.01 {
            let width = max(10, right - left)
            if chart.xAxis.showsLabels {
                let chosen = xTicks
                xTicks = Self.spacedTicks(chosen, domain: xDomain, width: width, em: em, measurer: measurer, style: tickText) {
                    chart.xAxis.ticks(lower: xDomain.lowerBound, upper: xDomain.upperBound, maxCount: min($0, max(1, chosen.major.count - 1)))
                }
            }
            if let secondary = chart.secondaryX, let chosen = secondaryTicks {
                secondaryTicks = Self.spacedTicks(chosen, domain: xDomain, width: width, em: em, measurer: measurer, style: tickText,
                                                  position: secondary.primary(value:)) {
                    secondary.ticks(domain: xDomain, maxCount: min($0, max(1, chosen.major.count - 1)))
                }
            }
        }
        let plotRect = Rect(x: left, y: top, width: max(10, right - left), height: plotHeight)

        self.chart = chart
        self.legendColumn = legendColumn
        self.titleLines = titleLines
        self.titleHeight = titleHeight
        self.plotRect = plotRect
        self.xTicks = xTicks
        self.yTicks = yTicks
        self.legendWidth = legendWidth
        self.legendRows = legendRows
        self.secondaryTicks = secondaryTicks
        self.xScale = LinearScale(domain: xDomain,
                                  from: chart.xAxis.inverted ? plotRect.maxX : plotRect.minX,
                                  to: chart.xAxis.inverted ? plotRect.minX : plotRect.maxX)
        // Screen y grows downwards: a normal axis maps its low end to the bottom edge.
        self.yScale = LinearScale(domain: yDomain,
                                  from: chart.yAxis.inverted ? plotRect.minY : plotRect.maxY,
                                  to: chart.yAxis.inverted ? plotRect.maxY : plotRect.minY)
    }

    static func symbolWidth(_ em: Double) -> Double { 1.8 * em }

    /// `text` on one line when it fits `room`, else on two, split at the space that makes the
    /// longer line shortest (a text without spaces stays one line, for `centredTitle` to shrink).
    static func titleLines(_ text: String, room: Double, style: TextStyle, measurer: any TextMeasurer) -> [String] {
        guard measurer.width(of: text, style: style) > room else { return [text] }
        let words = text.split(separator: " ").map(String.init)
        guard words.count > 1 else { return [text] }
        let splits = (1..<words.count).map { k in
            [words[..<k].joined(separator: " "), words[k...].joined(separator: " ")]
        }
        return splits.min { a, b in
            a.map { measurer.width(of: $0, style: style) }.max()! < b.map { measurer.width(of: $0, style: style) }.max()!
        }!
    }

    /// A title centred under (or over) the plot, moved sideways to stay inside the frame when the
    /// plot is off-centre (a wide label column), and set smaller when wider than the frame.
    static func centredTitle(_ role: String, _ text: String, centre: Double, y: Double, vertical: VerticalAnchor,
                             frame: Rect, style: TextStyle, measurer: any TextMeasurer, em: Double) -> DisplayItem {
        var style = style
        let room = frame.width - 1.8 * em
        let width = measurer.width(of: text, style: style)
        if width > room, width > 0 { style.size *= room / width }
        let half = min(width, room) / 2
        let x = min(max(centre, frame.minX + 0.9 * em + half), frame.maxX - 0.9 * em - half)
        return DisplayItem(role, .text(TextItem(text, at: Point(x, y), horizontal: .middle, vertical: vertical, style: style)))
    }

    /// An arrow pointing down the page from just below a marker at `c`: a shaft of `length`
    /// points and a head of two strokes.
    static func arrow(from c: Point, markerSize: Double, length: Double) -> [Segment] {
        let start = c.y + markerSize * 0.45, end = start + length
        let head = min(length * 0.45, markerSize * 0.45)
        return [Segment(Point(c.x, start), Point(c.x, end)),
                Segment(Point(c.x - head * 0.8, end - head), Point(c.x, end)),
                Segment(Point(c.x + head * 0.8, end - head), Point(c.x, end))]
    }

    /// Marker centres with coincident markers of different series spread sideways. A marker whose
    /// centre lies within a quarter of a marker of one drawn before it by another series (a g and
    /// an r detection of one epoch and magnitude) would be hidden under or over it; it moves by
    /// 0.6 of its size to the right, then the left, then twice as far, until it is clear. Points
    /// of one series are never moved against each other, and nothing moves when nothing coincides.
    /// Cells of a grid as wide as the largest marker keep this linear in the number of points.
    static func spreadCoincident(_ centres: [[Point]], sizes: [Double], overlays: [Bool]) -> [[Point]] {
        guard centres.count > 1 else { return centres }
        let cell = max(sizes.max() ?? 1, 1e-6)
        struct CellKey: Hashable { var x: Int; var y: Int }
        func key(_ p: Point) -> CellKey? {
            guard p.x.isFinite, p.y.isFinite, abs(p.x) < 1e9, abs(p.y) < 1e9 else { return nil }
            return CellKey(x: Int((p.x / cell).rounded(.down)), y: Int((p.y / cell).rounded(.down)))
        }
        var grid: [CellKey: [(point: Point, size: Double, series: Int)]] = [:]
        var result = centres
        for (index, points) in centres.enumerated() where !overlays[index] {
            let size = sizes[index]
            func clash(_ p: Point) -> Bool {
                guard let k = key(p) else { return false }
                for dx in -1...1 { for dy in -1...1 {
                    for other in grid[CellKey(x: k.x + dx, y: k.y + dy)] ?? [] where other.series != index {
                        let limit = 0.25 * max(size, other.size)
                        if abs(other.point.x - p.x) < limit && abs(other.point.y - p.y) < limit { return true }
                    }
                } }
                return false
            }
            var moved = points
            for (n, p) in points.enumerated() where clash(p) {
                for step in [0.6, -0.6, 1.2, -1.2] {
                    let candidate = Point(p.x + step * size, p.y)
                    if !clash(candidate) { moved[n] = candidate; break }
                }
            }
            for p in moved { if let k = key(p) { grid[k, default: []].append((p, size, index)) } }
            result[index] = moved
        }
        // An overlay point follows the point of another series it sat exactly on.
        for (index, points) in centres.enumerated() where overlays[index] {
            result[index] = points.map { p in
                for (other, originals) in centres.enumerated() where !overlays[other] {
                    if let n = originals.firstIndex(where: { abs($0.x - p.x) < 1e-6 && abs($0.y - p.y) < 1e-6 }) { return result[other][n] }
                }
                return p
            }
        }
        return result
    }

    /// The data range (fixed limits, or padded extent of `values`), widened to `minimumSpan`.
    static func domain(for axis: Axis, values: [(Double, Double)]) -> ClosedRange<Double> {
        if let limits = axis.limits, limits.upperBound > limits.lowerBound { return limits }
        let finite = values.filter { $0.0.isFinite && $0.1.isFinite }
        guard let lo0 = finite.map(\.0).min(), let hi0 = finite.map(\.1).max() else { return 0...1 }
        let pad = (hi0 - lo0) * axis.padding
        var lo = lo0 - pad, hi = hi0 + pad
        if hi - lo < axis.minimumSpan {
            let mid = (lo0 + hi0) / 2
            lo = mid - axis.minimumSpan / 2
            hi = mid + axis.minimumSpan / 2
        }
        return lo...hi
    }

    public func items() -> [DisplayItem] {
        var out: [DisplayItem] = []
        let axisStroke = Stroke(color: style.axisColor, width: style.lineWidth)
        let tickStroke = Stroke(color: style.axisColor, width: style.lineWidth * 0.9)
        let em = style.fontSize
        let tickText = style.text(style.fontSize)

        if let grid = style.gridColor {
            let segments = xTicks.major.map { Segment(Point(xScale($0), plotRect.minY), Point(xScale($0), plotRect.maxY)) }
                + yTicks.major.map { Segment(Point(plotRect.minX, yScale($0)), Point(plotRect.maxX, yScale($0))) }
            out.append(DisplayItem("grid", .segments(segments, stroke: Stroke(color: grid, width: style.lineWidth * 0.6))))
        }

        out.append(DisplayItem("plot.clip", .pushClip(plotRect)))
        let verticalMarkers = verticalMarkerItems()
        out += verticalMarkers.lines
        for line in chart.referenceLines {
            let y = yScale(line.y)
            out.append(DisplayItem("reference.\(line.role)",
                                   .polyline([Point(plotRect.minX, y), Point(plotRect.maxX, y)], stroke: line.stroke)))
        }
        out += barAndLineItems()
        let placed = Self.spreadCoincident(chart.series.map { series in series.points.map { Point(xScale($0.x), yScale($0.y)) } },
                                           sizes: chart.series.map(\.marker.size), overlays: chart.series.map(\.overlay))
        for (index, series) in chart.series.enumerated() where !series.points.isEmpty {
            let centres = placed[index]
            if let bar = series.errorBar {
                var segments: [Segment] = []
                for (p, c) in zip(series.points, centres) {
                    if let range = p.bar {
                        let low = yScale(range.lowerBound), high = yScale(range.upperBound)
                        segments.append(Segment(Point(c.x, low), Point(c.x, high)))
                        if series.barCap > 0 {
                            for y in [low, high] { segments.append(Segment(Point(c.x - series.barCap, y), Point(c.x + series.barCap, y))) }
                        }
                    }
                    if series.downArrow > 0 {
                        segments += Self.arrow(from: c, markerSize: series.marker.size, length: series.downArrow)
                    }
                }
                if !segments.isEmpty { out.append(DisplayItem("errorbar.\(series.role)", .segments(segments, stroke: bar))) }
            }
            out.append(DisplayItem("data.\(series.role)", .markers(centres, style: series.marker)))
        }
        out.append(DisplayItem("plot.clip", .popClip))
        out += verticalMarkers.labels

        // Ticks point inwards on all four sides, the usual style of astronomy journals.
        // A secondary axis takes over the top edge.
        func ticks(_ values: [Double], length: Double, bottom: Bool = true, top: Bool = true) -> [Segment] {
            var s: [Segment] = []
            for v in values where xScale.domain.contains(v) {
                let x = xScale(v)
                if bottom { s.append(Segment(Point(x, plotRect.maxY), Point(x, plotRect.maxY - length))) }
                if top { s.append(Segment(Point(x, plotRect.minY), Point(x, plotRect.minY + length))) }
            }
            return s
        }
        func yticks(_ values: [Double], length: Double) -> [Segment] {
            var s: [Segment] = []
            for v in values where yScale.domain.contains(v) {
                let y = yScale(v)
                s.append(Segment(Point(plotRect.minX, y), Point(plotRect.minX + length, y)))
                s.append(Segment(Point(plotRect.maxX, y), Point(plotRect.maxX - length, y)))
            }
            return s
        }
        let mirror = chart.secondaryX == nil
        out.append(DisplayItem("axis.x.minortick", .segments(ticks(xTicks.minor, length: style.minorTickLength, top: mirror), stroke: tickStroke)))
        out.append(DisplayItem("axis.y.minortick", .segments(yticks(yTicks.minor, length: style.minorTickLength), stroke: tickStroke)))
        out.append(DisplayItem("axis.x.tick", .segments(ticks(xTicks.major, length: style.majorTickLength, top: mirror), stroke: tickStroke)))
        if let secondary = chart.secondaryX, let t = secondaryTicks {
            let toPrimary = { (v: [Double]) in v.map(secondary.primary(value:)) }
            out.append(DisplayItem("axis.x2.minortick", .segments(
                ticks(toPrimary(t.minor), length: style.minorTickLength, bottom: false), stroke: tickStroke)))
            out.append(DisplayItem("axis.x2.tick", .segments(
                ticks(toPrimary(t.major), length: style.majorTickLength, bottom: false), stroke: tickStroke)))
        }
        out.append(DisplayItem("axis.y.tick", .segments(yticks(yTicks.major, length: style.majorTickLength), stroke: tickStroke)))
        out.append(DisplayItem("axis.frame", .rect(plotRect, fill: nil, stroke: axisStroke)))

        // Centred calendar labels may fall outside the axis (the month of the last tick).
        for (v, label) in zip(xTicks.labelAt, xTicks.labels) where chart.xAxis.showsLabels && !label.isEmpty && xScale.domain.contains(v) {
            out.append(DisplayItem("axis.x.ticklabel", .text(TextItem(
                label, at: Point(xScale(v), plotRect.maxY + 0.5 * em), horizontal: .middle, vertical: .top, style: tickText))))
        }
        for (v, label) in zip(yTicks.major, yTicks.labels) {
            out.append(DisplayItem("axis.y.ticklabel", .text(TextItem(
                label, at: Point(plotRect.minX - 0.5 * em, yScale(v)), horizontal: .end, vertical: .middle, style: tickText))))
        }
        let labelText = style.text(style.labelSize)
        if chart.xAxis.showsLabels {
            out.append(Self.centredTitle("axis.x.title", chart.xAxis.title, centre: plotRect.midX, y: frame.maxY - 0.9 * em,
                                         vertical: .bottom, frame: frame, style: labelText, measurer: measurer, em: em))
        }
        out.append(DisplayItem("axis.y.title", .text(TextItem(
            chart.yAxis.title, at: Point(frame.minX + 0.9 * em, plotRect.midY), horizontal: .middle, vertical: .top,
            style: labelText, rotation: 90))))
        if let secondary = chart.secondaryX, let t = secondaryTicks {
            for (v, label) in zip(t.major, t.labels) where !label.isEmpty && xScale.domain.contains(secondary.primary(value: v)) {
                out.append(DisplayItem("axis.x2.ticklabel", .text(TextItem(
                    label, at: Point(xScale(secondary.primary(value: v)), plotRect.minY - 0.5 * em), horizontal: .middle,
                    vertical: .bottom, style: tickText))))
            }
            out.append(DisplayItem("axis.x2.title", .text(TextItem(
                secondary.title, at: Point(plotRect.midX, plotRect.minY - 0.5 * em - TextMetrics.lineHeight(style.fontSize) - 0.6 * em),
                horizontal: .middle, vertical: .bottom, style: labelText))))
        }
        for (i, line) in titleLines.enumerated() {
            // Moved in, and set smaller only if one word is wider than the frame: never cut.
            out.append(Self.centredTitle("title", line, centre: plotRect.midX,
                                         y: frame.minY + 0.9 * em + Double(i) * TextMetrics.lineHeight(style.titleSize), vertical: .top,
                                         frame: frame, style: style.text(style.titleSize, weight: .bold), measurer: measurer, em: em))
        }
        if !chart.legend.isEmpty {
            if let origin = chart.legendOrigin {
                out += legendItems(at: origin, textStyle: tickText)
            } else if legendPlacement == .top {
                out += topLegendItems(textStyle: tickText)
            } else {
                out += legendItems(at: Point(plotRect.maxX + 1.2 * style.fontSize, plotRect.minY), textStyle: tickText)
            }
        }
        return out
    }

    /// The size of a legend set as a framed column, one entry per row (right of the plot, or at
    /// `Chart.legendOrigin`).
    public static func legendColumnSize(_ legend: [LegendEntry], style: Style, measurer: any TextMeasurer) -> Size {
        let em = style.fontSize
        let labelWidth = legend.map { measurer.width(of: $0.label, style: style.text(style.fontSize)) }.max() ?? 0
        return Size(0.8 * em + symbolWidth(em) + 0.6 * em + labelWidth + 0.8 * em, Double(legend.count) * 1.6 * em + 0.8 * em)
    }

    func legendItems(at origin: Point, textStyle: TextStyle) -> [DisplayItem] {
        let em = style.fontSize
        let rowHeight = 1.6 * em
        let size = legendColumn ?? Self.legendColumnSize(chart.legend, style: style, measurer: measurer)
        let box = Rect(x: origin.x, y: origin.y, width: size.width, height: size.height)
        var out = [DisplayItem("legend.frame", .rect(box, fill: style.background,
                                                     stroke: Stroke(color: style.legendFrameColor, width: style.lineWidth * 0.7)))]
        for (i, entry) in chart.legend.enumerated() {
            let cy = box.minY + 0.4 * em + (Double(i) + 0.5) * rowHeight
            out += legendEntry(entry, symbolLeft: box.minX + 0.8 * em, cy: cy, textStyle: textStyle)
        }
        return out
    }

    /// One legend entry: its symbol centred in a box `symbolWidth` wide from `symbolLeft`, then its label.
    func legendEntry(_ entry: LegendEntry, symbolLeft: Double, cy: Double, textStyle: TextStyle) -> [DisplayItem] {
        let em = style.fontSize
        var out: [DisplayItem] = []
        let cx = symbolLeft + ChartLayout.symbolWidth(em) / 2
        switch entry.symbol {
        case let .marker(marker, errorBar, barCap, downArrow):
            if let bar = errorBar {
                if downArrow > 0 {
                    // The marker sits above the centre so marker and arrow together stay in the row.
                    let length = min(downArrow, 0.55 * em)
                    let top = Point(cx, cy - length / 2)
                    out.append(DisplayItem("legend.symbol", .segments(Self.arrow(from: top, markerSize: marker.size, length: length), stroke: bar)))
                    out.append(DisplayItem("legend.symbol", .markers([top], style: marker)))
                    break
                }
                let h = max(marker.size * 0.95, barCap > 0 ? 0.45 * em : 0)
                var segments = [Segment(Point(cx, cy - h), Point(cx, cy + h))]
                if barCap > 0 {
                    for y in [cy - h, cy + h] { segments.append(Segment(Point(cx - barCap, y), Point(cx + barCap, y))) }
                }
                out.append(DisplayItem("legend.symbol", .segments(segments, stroke: bar)))
            }
            out.append(DisplayItem("legend.symbol", .markers([Point(cx, cy)], style: marker)))
        case let .swatch(color):
            let s = 0.8 * em
            out.append(DisplayItem("legend.symbol", .rect(Rect(x: cx - s / 2, y: cy - s / 2, width: s, height: s),
                                                          fill: color, stroke: nil)))
        case let .line(stroke):
            let w = ChartLayout.symbolWidth(em) / 2
            out.append(DisplayItem("legend.symbol", .polyline([Point(cx - w, cy), Point(cx + w, cy)], stroke: stroke)))
        }
        out.append(DisplayItem("legend.label", .text(TextItem(
            entry.label, at: Point(symbolLeft + ChartLayout.symbolWidth(em) + 0.6 * em, cy),
            horizontal: .start, vertical: .middle, style: textStyle))))
        return out
    }
}

extension ChartLayout {
    /// Width of one legend entry laid out in a row: symbol, gap, label.
    static func entryWidth(_ entry: LegendEntry, em: Double, measurer: any TextMeasurer, style: TextStyle) -> Double {
        symbolWidth(em) + 0.6 * em + measurer.width(of: entry.label, style: style)
    }

    /// Greedy rows of legend entries no wider than `width` (at least one entry per row).
    static func legendRows(_ legend: [LegendEntry], width: Double, em: Double, measurer: any TextMeasurer,
                           style: TextStyle) -> [[Int]] {
        var rows: [[Int]] = [], row: [Int] = [], used = 0.0
        for (i, entry) in legend.enumerated() {
            let w = entryWidth(entry, em: em, measurer: measurer, style: style)
            if !row.isEmpty && used + 1.2 * em + w > width {
                rows.append(row); row = []; used = 0
            }
            used += (row.isEmpty ? 0 : 1.2 * em) + w
            row.append(i)
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }

    /// Secondary-axis ticks, spaced as the primary's (`spacedTicks`), in the primary's coordinates.
    static func secondaryTicks(_ axis: SecondaryAxis, domain: ClosedRange<Double>, width: Double, em: Double,
                               measurer: any TextMeasurer, style: TextStyle) -> TickSet {
        spacedTicks(axis.ticks(domain: domain, maxCount: max(2, Int(width / (5 * em)))), domain: domain, width: width, em: em,
                    measurer: measurer, style: style, position: axis.primary(value:)) { axis.ticks(domain: domain, maxCount: $0) }
    }

    /// Ticks whose neighbouring labels keep at least an em (more than a character) between their
    /// edges: fewer ticks (`make(maxCount)`) while that still leaves two labels on the axis, then
    /// the same ticks with every second (third …) label left blank, the ticks kept. Spacing is
    /// measured between actual labels, as calendar ticks have no constant step. `position` maps
    /// a tick value onto the axis's coordinates (a secondary axis's offset).
    static func spacedTicks(_ start: TickSet, domain: ClosedRange<Double>, width: Double, em: Double,
                            measurer: any TextMeasurer, style: TextStyle, position: (Double) -> Double = { $0 },
                            make: (Int) -> TickSet) -> TickSet {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return start }
        func placed(_ t: TickSet) -> [(x: Double, half: Double)] {
            zip(t.labelAt, t.labels).compactMap { v, label in
                let x = position(v)
                guard !label.isEmpty, domain.contains(x) else { return nil }
                return ((x - domain.lowerBound) / span * width, measurer.width(of: label, style: style) / 2)
            }.sorted { $0.x < $1.x }
        }
        func fits(_ t: TickSet) -> Bool {
            let p = placed(t)
            return zip(p, p.dropFirst()).allSatisfy { a, b in b.x - b.half - (a.x + a.half) >= em }
        }
        var ticks = start
        var maxCount = max(1, start.major.count)
        while !fits(ticks) && maxCount > 1 {
            let fewer = make(maxCount - 1)
            maxCount -= 1
            if placed(fewer).count < 2 && placed(ticks).count >= 2 { break }
            ticks = fewer
        }
        var stride = 2
        let full = ticks
        while !fits(ticks) && placed(ticks).count > 1 {
            ticks = full
            ticks.labels = full.labels.enumerated().map { $0.offset % stride == 0 ? $0.element : "" }
            stride += 1
            if stride > full.labels.count { break }
        }
        return ticks
    }

    /// A legend in centred rows between the title and the plot (see `LegendPlacement.top`).
    func topLegendItems(textStyle: TextStyle) -> [DisplayItem] {
        let em = style.fontSize
        let rowHeight = 1.5 * em
        let secondaryHeight = chart.secondaryX == nil ? 0
            : TextMetrics.lineHeight(style.labelSize) + 0.6 * em + TextMetrics.lineHeight(style.fontSize) + 0.5 * em
        let pad = 0.9 * em
        // Under the title, where the plot's top was measured from; a plot aligned lower with its
        // row's neighbours leaves the gap between legend and plot.
        let firstRowTop = min(plotRect.minY - secondaryHeight - Double(legendRows.count) * rowHeight - 0.4 * em,
                              frame.minY + pad + titleHeight)
        var out: [DisplayItem] = []
        for (r, row) in legendRows.enumerated() {
            let widths = row.map { ChartLayout.entryWidth(chart.legend[$0], em: em, measurer: measurer, style: textStyle) }
            let total = widths.reduce(0, +) + Double(row.count - 1) * 1.2 * em
            var x = min(max(frame.minX + pad, plotRect.midX - total / 2), frame.maxX - pad - total)
            x = max(x, frame.minX + pad)
            let cy = firstRowTop + (Double(r) + 0.5) * rowHeight
            for (i, w) in zip(row, widths) {
                out += legendEntry(chart.legend[i], symbolLeft: x, cy: cy, textStyle: textStyle)
                x += w + 1.2 * em
            }
        }
        return out
    }
}
