/// One plotted point; `yError` is a symmetric 1σ error drawn as a vertical bar when present.
public struct DataPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var yError: Double?
    /// The bar's extent when it is not y ± yError (a flux limit spans −5σ to +5σ whatever y is).
    public var yInterval: ClosedRange<Double>?
    public init(x: Double, y: Double, yError: Double? = nil, yInterval: ClosedRange<Double>? = nil) {
        self.x = x; self.y = y; self.yError = yError; self.yInterval = yInterval
    }

    /// The bar's ends in data units, if it has one.
    public var bar: ClosedRange<Double>? {
        if let yInterval, yInterval.lowerBound.isFinite, yInterval.upperBound.isFinite { return yInterval }
        guard let e = yError, e.isFinite, e > 0 else { return nil }
        return (y - e)...(y + e)
    }
}

/// A set of points drawn with one marker style. `role` names it in the display list
/// (`data.<role>` for markers, `errorbar.<role>` for error bars), e.g. `g.valid`.
public struct Series: Sendable, Equatable {
    public var role: String
    public var points: [DataPoint]
    public var marker: MarkerStyle
    /// Error bars are drawn (beneath the markers) only when a stroke is given.
    public var errorBar: Stroke?
    /// An overlay marks points of other series (a ring round the chosen alert): it is never spread
    /// away from them when markers coincide, and moves with the point it sits on.
    public var overlay: Bool
    /// Half-width in points of the caps across both ends of each bar (0: none).
    public var barCap: Double
    /// Length in points of an arrow from each marker down the page (an upper limit in an
    /// inverted magnitude axis: "fainter than"), drawn with the error-bar stroke; 0: none.
    public var downArrow: Double
    public init(role: String, points: [DataPoint], marker: MarkerStyle, errorBar: Stroke? = nil, overlay: Bool = false,
                barCap: Double = 0, downArrow: Double = 0) {
        self.role = role; self.points = points; self.marker = marker; self.errorBar = errorBar; self.overlay = overlay
        self.barCap = barCap; self.downArrow = downArrow
    }
}

/// A horizontal line across the plot at a data value (e.g. a reference magnitude).
public struct ReferenceLine: Sendable, Equatable {
    public var role: String
    public var y: Double
    public var stroke: Stroke
    public init(role: String, y: Double, stroke: Stroke) { self.role = role; self.y = y; self.stroke = stroke }
}

public struct Axis: Sendable, Equatable {
    public var title: String
    /// Larger values towards the origin (magnitudes: bright at the top).
    public var inverted: Bool
    /// Fixed limits; nil means the data's range, padded.
    public var limits: ClosedRange<Double>?
    /// Padding on each side, as a fraction of the data span.
    public var padding: Double
    /// The smallest span shown: a single point or a flat light curve still gets a readable axis.
    public var minimumSpan: Double
    /// Numeric ticks, or calendar dates for values in days.
    public var labeling: AxisLabeling
    /// Numeric ticks never step by 2.5 (counts of days: 0, 5, 10, not 0.0, 2.5, 5.0).
    public var wholeNumberSteps: Bool = false
    /// For an x axis: its tick labels and title are drawn. Off for every panel of a stack but the
    /// bottom one when the stack shares one time axis (the ticks stay, so the panels still read).
    public var showsLabels: Bool = true
    /// Calendar labels of month and year steps sit under the middle of the month or year they
    /// name, not on its first day (ticks stay on the boundaries): under monthly bars a label
    /// then names the bar above it.
    public var centresCalendarLabels: Bool = false

    public init(title: String, inverted: Bool = false, limits: ClosedRange<Double>? = nil,
                padding: Double = 0.05, minimumSpan: Double = 1, labeling: AxisLabeling = .numeric) {
        self.title = title; self.inverted = inverted; self.limits = limits
        self.padding = padding; self.minimumSpan = minimumSpan; self.labeling = labeling
    }
}

public enum LegendSymbol: Sendable, Equatable {
    /// A marker, with the series' bar (and its caps) or arrow as the series draws them.
    case marker(MarkerStyle, errorBar: Stroke?, barCap: Double = 0, downArrow: Double = 0)
    case swatch(Color)
    case line(Stroke)
}

public struct LegendEntry: Sendable, Equatable {
    public var label: String
    public var symbol: LegendSymbol
    /// Ever shorter wordings, used when the legend sits above a narrow plot and takes fewer rows
    /// so: every entry takes its wording of one level (its last one when it has fewer), so the
    /// legend reads alike throughout.
    public var compactLabels: [String]
    public init(_ label: String, symbol: LegendSymbol, compactLabels: [String] = []) {
        self.label = label; self.symbol = symbol; self.compactLabels = compactLabels
    }
    /// The wording at `level` (0: `label`).
    public func label(level: Int) -> String { level == 0 || compactLabels.isEmpty ? label : compactLabels[min(level, compactLabels.count) - 1] }
}

/// An x–y chart: axes, series drawn in order (later on top), and a legend outside the plot area
/// on the right, so it can never hide data.
public struct Chart: Sendable, Equatable {
    public var title: String?
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    public var referenceLines: [ReferenceLine]
    public var legend: [LegendEntry]
    /// Vertical lines at data x values (e.g. a chosen epoch), drawn beneath the series.
    public var markers: [VerticalMarker]
    /// An optional second x axis on top, a mapping of the primary one; nil mirrors the bottom ticks.
    public var secondaryX: SecondaryAxis? = nil
    /// Vertical bars and lines, drawn under `series` (see Bars.swift).
    public var bars: [BarSeries]
    public var lines: [LineSeries]
    /// When set, the legend is a framed column with its top-left corner at this point of the
    /// page, outside the chart's frame (a card puts it under its metadata block, where there is
    /// room), and the chart keeps no room for it: the plot gets the frame's whole width and height.
    /// The page that sets it checks the column fits (`ChartLayout.legendColumnSize`).
    public var legendOrigin: Point? = nil

    public init(title: String? = nil, xAxis: Axis, yAxis: Axis, series: [Series],
                referenceLines: [ReferenceLine] = [], legend: [LegendEntry] = [], markers: [VerticalMarker] = [],
                bars: [BarSeries] = [], lines: [LineSeries] = []) {
        self.title = title; self.xAxis = xAxis; self.yAxis = yAxis; self.series = series
        self.referenceLines = referenceLines; self.legend = legend; self.markers = markers
        self.bars = bars; self.lines = lines
    }
}

/// Sizes in points and colours shared by every element of a figure.
public struct Style: Sendable, Equatable {
    public var fontFamily: String
    /// Tick labels and legend text.
    public var fontSize: Double
    /// Axis titles.
    public var labelSize: Double
    public var titleSize: Double
    public var lineWidth: Double
    public var markerSize: Double
    public var textColor: Color
    public var axisColor: Color
    public var background: Color
    /// Faint major-tick grid inside the plot; nil for none.
    public var gridColor: Color?
    public var majorTickLength: Double
    public var minorTickLength: Double
    // Added for the presets; set by assignment, so the initializer above stays as it was.
    /// Outline of filled markers, drawn in the background colour so overlapping points stay apart.
    public var markerEdgeWidth: Double = 0.4
    /// Where a chart's legend goes: right of the plot, or in rows above it (narrow columns).
    public var legendPlacement: LegendPlacement = .right
    public var legendFrameColor: Color = Color(hex: "#BBBBBB")

    public init(fontFamily: String = "DejaVu Sans", fontSize: Double = 9, labelSize: Double = 10,
                titleSize: Double = 11, lineWidth: Double = 0.8, markerSize: Double = 5,
                textColor: Color = Color(hex: "#1A1A1A"), axisColor: Color = Color(hex: "#333333"),
                background: Color = .white, gridColor: Color? = Color(hex: "#E6E6E6"),
                majorTickLength: Double = 4, minorTickLength: Double = 2.2) {
        self.fontFamily = fontFamily; self.fontSize = fontSize; self.labelSize = labelSize
        self.titleSize = titleSize; self.lineWidth = lineWidth; self.markerSize = markerSize
        self.textColor = textColor; self.axisColor = axisColor; self.background = background
        self.gridColor = gridColor; self.majorTickLength = majorTickLength; self.minorTickLength = minorTickLength
    }

    /// The screen default.
    public static let screen = Style()

    /// A dark page (the `dark` preset): placeholders, notes, band colours and accents switch to
    /// colours that keep their contrast there.
    public var isDark: Bool { background.luminance < 0.4 }

    func text(_ size: Double, weight: FontWeight = .normal) -> TextStyle {
        TextStyle(family: fontFamily, size: size, weight: weight, color: textColor)
    }
}

public enum PanelContent: Sendable, Equatable {
    case chart(Chart)
    /// Images in rows and columns, placed at the frame's top-left corner (see `ImageGridLayout.size`).
    case imageGrid(ImageGrid)
    /// Key/value rows and notes placed inside the frame (see `TextBlockLayout`).
    case textBlock(TextBlock)
    /// Labelled horizontal bars (counts per category), see `HorizontalBarChart`.
    case horizontalBars(HorizontalBarChart)
}

/// A panel placed in the figure; `frame` is in points from the figure's top-left corner.
public struct Panel: Sendable, Equatable {
    public var frame: Rect
    public var content: PanelContent
    public init(frame: Rect, content: PanelContent) { self.frame = frame; self.content = content }
}

/// A whole figure: a page size in points, a style, and panels. Plain data: build it anywhere,
/// lay it out and render it in the task that draws.
public struct Figure: Sendable, Equatable {
    public var size: Size
    public var style: Style
    public var panels: [Panel]
    /// Chart panels stacked in one column share their plot areas' left and right edges (the
    /// innermost of each), so their x axes line up.
    public var alignsPlotAreas = false
    /// Chart panels stacked in one column share the page's height so their plot areas are equally
    /// tall: a panel whose legend or labels take more room gets a taller frame, not a shorter plot.
    public var equalPlotHeights = false
    /// Chart panels side by side in one row share their plot areas' top and bottom edges (the
    /// innermost of each), so their value axes line up.
    public var alignsPlotRows = false

    public init(size: Size, style: Style = .screen, panels: [Panel]) {
        self.size = size; self.style = style; self.panels = panels
    }

    /// A figure holding one chart that fills the page.
    public init(size: Size, style: Style = .screen, chart: Chart) {
        self.init(size: size, style: style,
                  panels: [Panel(frame: Rect(x: 0, y: 0, width: size.width, height: size.height), content: .chart(chart))])
    }

    /// The chart panels' frames redivided so their plot areas are equally tall (`equalPlotHeights`):
    /// each keeps what its title, legend and labels take (which does not depend on its height),
    /// and the rest of the column is shared equally. Unchanged if the plots would vanish.
    public func equalizingPlotHeights(measurer: any TextMeasurer) -> Figure {
        let charts = panels.indices.filter { if case .chart = panels[$0].content { true } else { false } }
            .sorted { panels[$0].frame.minY < panels[$1].frame.minY }
        guard charts.count > 1, let first = charts.first, let last = charts.last else { return self }
        let chrome = charts.map { i -> Double in
            guard case let .chart(chart) = panels[i].content else { return 0 }
            return panels[i].frame.height - ChartLayout(chart: chart, frame: panels[i].frame, style: style, measurer: measurer).plotRect.height
        }
        let top = panels[first].frame.minY, total = panels[last].frame.maxY - top
        let plot = (total - chrome.reduce(0, +)) / Double(charts.count)
        guard plot > 10 else { return self }
        var figure = self
        var y = top
        for (i, extra) in zip(charts, chrome) {
            figure.panels[i].frame.y = y
            figure.panels[i].frame.height = extra + plot
            y += extra + plot
        }
        return figure
    }

    /// Lays the figure out into the primitives a renderer draws.
    public func displayList(measurer: any TextMeasurer) -> DisplayList {
        let panels = equalPlotHeights ? equalizingPlotHeights(measurer: measurer).panels : self.panels
        var list = DisplayList(size: size, background: style.background)
        var span: ClosedRange<Double>?, rows: ClosedRange<Double>?
        if alignsPlotAreas || alignsPlotRows {
            let rects = panels.compactMap { panel -> Rect? in
                guard case let .chart(chart) = panel.content else { return nil }
                return ChartLayout(chart: chart, frame: panel.frame, style: style, measurer: measurer).plotRect
            }
            if alignsPlotAreas, let left = rects.map(\.minX).max(), let right = rects.map(\.maxX).min(), right > left { span = left...right }
            if alignsPlotRows, let top = rects.map(\.minY).max(), let bottom = rects.map(\.maxY).min(), bottom > top { rows = top...bottom }
        }
        for panel in panels {
            switch panel.content {
            case let .chart(chart):
                list.items += ChartLayout(chart: chart, frame: panel.frame, style: style, measurer: measurer, plotSpan: span,
                                          plotRows: rows).items()
            case let .imageGrid(grid):
                list.items += ImageGridLayout(grid: grid, style: style, measurer: measurer)
                    .items(origin: Point(panel.frame.x, panel.frame.y))
            case let .textBlock(block):
                list.items += TextBlockLayout(block: block, frame: panel.frame, style: style, measurer: measurer).items()
            case let .horizontalBars(chart):
                list.items += HorizontalBarLayout(chart: chart, frame: panel.frame, style: style, measurer: measurer).items()
            }
        }
        return list
    }
}
