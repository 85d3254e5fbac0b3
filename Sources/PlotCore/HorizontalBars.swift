/// Counts per category as horizontal bars: long labels (SIMBAD classes) read on the left, the
/// value is printed at the end of each bar. Bars come in groups, drawn top to bottom in the given
/// order, each with its colour and an optional heading, separated by a gap (e.g. real classes,
/// then failed cross-matches kept apart).
public struct HorizontalBarChart: Sendable, Equatable {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        /// Printed after the bar; nil prints nothing.
        public var valueLabel: String?
        public init(label: String, value: Double, valueLabel: String? = nil) {
            self.label = label; self.value = value; self.valueLabel = valueLabel
        }
    }

    public struct Group: Sendable, Equatable {
        /// Names the group's bars in the display list: `bar.<role>`.
        public var role: String
        /// A heading drawn above the group's bars, in the label column.
        public var title: String?
        public var color: Color
        public var bars: [Bar]
        public init(role: String, title: String? = nil, color: Color, bars: [Bar]) {
            self.role = role; self.title = title; self.color = color; self.bars = bars
        }
    }

    public var title: String?
    public var groups: [Group]
    /// The value axis (at the bottom); its limits, when set, replace 0…max.
    public var valueAxis: Axis
    /// Counts: ticks never fall between integers.
    public var integerValues: Bool

    public init(title: String? = nil, groups: [Group], valueAxis: Axis, integerValues: Bool = true) {
        self.title = title; self.groups = groups; self.valueAxis = valueAxis
        self.integerValues = integerValues
    }
}

/// Places a `HorizontalBarChart` in a frame. Rows are at most 2.4 em tall, so a few bars stay
/// slim; labels wider than 40 % of the frame are shortened with an ellipsis.
public struct HorizontalBarLayout {
    public let chart: HorizontalBarChart
    public let frame: Rect
    public let style: Style
    public let plotRect: Rect
    public let scale: LinearScale
    public let ticks: TickSet
    public let rowHeight: Double
    let measurer: any TextMeasurer
    let labelColumn: Double

    enum Row { case heading(String), bar(HorizontalBarChart.Bar, HorizontalBarChart.Group), gap }

    var rows: [Row] {
        var rows: [Row] = []
        for (i, group) in chart.groups.enumerated() where !group.bars.isEmpty {
            if i > 0 && !rows.isEmpty { rows.append(.gap) }
            if let title = group.title { rows.append(.heading(title)) }
            rows += group.bars.map { .bar($0, group) }
        }
        return rows
    }

    /// Rows the chart takes, in row heights: each group's bars and heading, 0.6 between groups.
    static func rowCount(_ chart: HorizontalBarChart) -> Double {
        var rowCount = 0.0
        var previous = false
        for group in chart.groups where !group.bars.isEmpty {
            if previous { rowCount += 0.6 }
            rowCount += Double(group.bars.count) + (group.title != nil ? 1 : 0)
            previous = true
        }
        return rowCount
    }

    /// The page height in points that holds `chart` with rows of `rowHeight` em (the most the
    /// layout gives them) and nothing to spare: title, rows, value axis and its title.
    public static func naturalHeight(of chart: HorizontalBarChart, style: Style, rowHeight: Double = 2.4) -> Double {
        let margins = Self.margins(chart, style: style)
        return margins.top + max(1, Self.rowCount(chart)) * rowHeight * style.fontSize + margins.bottom
    }

    /// The heights above the rows (padding, title) and below them (tick labels, the value axis's
    /// title, padding): one sum for the layout and for `naturalHeight`.
    static func margins(_ chart: HorizontalBarChart, style: Style) -> (top: Double, bottom: Double) {
        let em = style.fontSize
        let top = 0.9 * em + (chart.title != nil ? TextMetrics.lineHeight(style.titleSize) + 0.9 * em : 0)
        let bottom = 0.9 * em + TextMetrics.lineHeight(style.labelSize) + 0.7 * em + TextMetrics.lineHeight(style.fontSize) + 0.5 * em
        return (top, bottom)
    }

    public init(chart: HorizontalBarChart, frame: Rect, style: Style, measurer: any TextMeasurer) {
        self.chart = chart
        self.frame = frame
        self.style = style
        self.measurer = measurer
        let em = style.fontSize
        let pad = 0.9 * em
        let text = style.text(style.fontSize)
        let bars = chart.groups.flatMap(\.bars)
        // Group headings are set in bold: measured so, or the widest one runs off the left edge.
        let heading = style.text(style.fontSize, weight: .bold)
        let widths = bars.map { measurer.width(of: $0.label, style: text) }
            + chart.groups.compactMap(\.title).map { measurer.width(of: $0, style: heading) }
        labelColumn = min(0.4 * frame.width, widths.max() ?? 0)
        let margins = Self.margins(chart, style: style)
        let top = frame.minY + margins.top
        let bottom = frame.maxY - margins.bottom
        let left = frame.minX + pad + labelColumn + 0.6 * em
        let valueLabelWidth = bars.compactMap { $0.valueLabel.map { measurer.width(of: $0, style: text) } }.max() ?? 0
        var right = frame.maxX - pad
        let width = max(10, right - left)

        // Room after the longest bar for its value label: the domain reaches past the maximum.
        let maxValue = max(0, bars.map(\.value).filter(\.isFinite).max() ?? 0)
        var domain: ClosedRange<Double>
        if let limits = chart.valueAxis.limits, limits.upperBound > limits.lowerBound {
            domain = limits
        } else {
            let room = max(0.3, (width - valueLabelWidth - 0.6 * em) / width)
            let upper = maxValue > 0 ? maxValue / room : 1
            domain = 0...upper
        }
        func makeTicks(_ count: Int) -> TickSet {
            var t = Ticks.make(chart.valueAxis.labeling, lower: domain.lowerBound, upper: domain.upperBound, maxCount: count)
            if chart.integerValues && t.step < 1 && chart.valueAxis.labeling == .numeric {
                t = Ticks.linear(lower: domain.lowerBound, upper: domain.upperBound,
                                 maxCount: max(1, Int((domain.upperBound - domain.lowerBound).rounded(.up))))
                t.minor = []
            }
            return t
        }
        var ticks = makeTicks(max(2, Int(width / (5 * em))))
        var count = ticks.major.count
        while count > 1 {
            let widest = ticks.labels.map { measurer.width(of: $0, style: text) }.max() ?? 0
            if widest + em <= ticks.step / (domain.upperBound - domain.lowerBound) * width { break }
            count -= 1
            ticks = makeTicks(count)
        }
        if let last = ticks.labels.last, let v = ticks.major.last, v >= domain.upperBound - 1e-9 * domain.upperBound {
            right = min(right, frame.maxX - max(pad, measurer.width(of: last, style: text) / 2 + 2))
        }
        self.ticks = ticks

        let rowCount = Self.rowCount(chart)
        let available = max(10, bottom - top)
        rowHeight = rowCount > 0 ? min(2.4 * em, available / rowCount) : 2.4 * em
        // The plot hugs its rows: the value axis sits right under the last bar. A page taller than
        // the rows need (a 16:9 slide of two classes) centres them in the room below the title.
        let height = max(rowHeight, rowHeight * rowCount)
        let plotRect = Rect(x: left, y: top + max(0, available - height) / 2, width: max(10, right - left), height: height)
        self.plotRect = plotRect
        self.scale = LinearScale(domain: domain, from: plotRect.minX, to: plotRect.maxX)
    }

    public func items() -> [DisplayItem] {
        let em = style.fontSize
        let text = style.text(style.fontSize)
        var out: [DisplayItem] = []
        if let grid = style.gridColor {
            out.append(DisplayItem("grid", .segments(ticks.major.map {
                Segment(Point(scale($0), plotRect.minY), Point(scale($0), plotRect.maxY))
            }, stroke: Stroke(color: grid, width: style.lineWidth * 0.6))))
        }
        var y = plotRect.minY
        for row in rows {
            switch row {
            case .gap:
                y += 0.6 * rowHeight
            case .heading(let title):
                let heading = style.text(style.fontSize, weight: .bold)
                out.append(DisplayItem("group.title", .text(TextItem(
                    fitted(title, style: heading), at: Point(plotRect.minX - 0.6 * em, y + rowHeight / 2),
                    horizontal: .end, vertical: .middle, style: heading))))
                y += rowHeight
            case let .bar(bar, group):
                let cy = y + rowHeight / 2
                let thickness = 0.72 * rowHeight
                let x0 = scale(scale.domain.lowerBound), x1 = scale(max(scale.domain.lowerBound, min(bar.value, scale.domain.upperBound)))
                if bar.value.isFinite && x1 > x0 {
                    out.append(DisplayItem("bar.\(group.role)", .rect(
                        Rect(x: x0, y: cy - thickness / 2, width: x1 - x0, height: thickness), fill: group.color, stroke: nil)))
                }
                out.append(DisplayItem("bar.label", .text(TextItem(
                    fitted(bar.label, style: text), at: Point(plotRect.minX - 0.6 * em, cy),
                    horizontal: .end, vertical: .middle, style: text))))
                if let value = bar.valueLabel {
                    out.append(DisplayItem("bar.value", .text(TextItem(
                        value, at: Point((bar.value.isFinite ? max(x0, x1) : x0) + 0.3 * em, cy),
                        horizontal: .start, vertical: .middle, style: text))))
                }
                y += rowHeight
            }
        }
        let tickStroke = Stroke(color: style.axisColor, width: style.lineWidth * 0.9)
        out.append(DisplayItem("axis.x.tick", .segments(ticks.major.filter { scale.domain.contains($0) }.map {
            Segment(Point(scale($0), plotRect.maxY), Point(scale($0), plotRect.maxY + style.majorTickLength))
        }, stroke: tickStroke)))
        // Only the baseline and the value axis: a full frame would box the value labels in.
        let axis = Stroke(color: style.axisColor, width: style.lineWidth)
        out.append(DisplayItem("axis.frame", .polyline([
            Point(plotRect.minX, plotRect.minY), Point(plotRect.minX, plotRect.maxY), Point(plotRect.maxX, plotRect.maxY),
        ], stroke: axis)))
        for (v, label) in zip(ticks.major, ticks.labels) where scale.domain.contains(v) {
            out.append(DisplayItem("axis.x.ticklabel", .text(TextItem(
                label, at: Point(scale(v), plotRect.maxY + style.majorTickLength + 0.3 * em), horizontal: .middle, vertical: .top, style: text))))
        }
        let titleY = plotRect.maxY + style.majorTickLength + 0.3 * em + TextMetrics.lineHeight(style.fontSize) + 0.5 * em
        out.append(ChartLayout.centredTitle("axis.x.title", chart.valueAxis.title, centre: plotRect.midX, y: titleY, vertical: .top,
                                            frame: frame, style: style.text(style.labelSize), measurer: measurer, em: em))
        if let title = chart.title {
            // A title wider than the page (a journal column) is set smaller rather than cut.
            var titleStyle = style.text(style.titleSize, weight: .bold)
            let room = frame.width - 1.8 * em
            let width = measurer.width(of: title, style: titleStyle)
            if width > room { titleStyle.size *= room / width }
            out.append(DisplayItem("title", .text(TextItem(
                title, at: Point(frame.midX, frame.minY + 0.9 * em), horizontal: .middle, vertical: .top, style: titleStyle))))
        }
        return out
    }

    /// `label`, shortened with an ellipsis to the label column.
    func fitted(_ label: String, style text: TextStyle) -> String {
        guard measurer.width(of: label, style: text) > labelColumn + 0.5 else { return label }
        var chars = Array(label)
        while chars.count > 1 && measurer.width(of: String(chars) + "…", style: text) > labelColumn { chars.removeLast() }
        return String(chars) + "…"
    }
}
