/// Vertical bars in an x–y chart, each from `base` to `top` (stacks are bars whose base is the top
/// of the one below). Drawn under lines and marker series, as `bar.<role>` rects, one per bar.
public struct BarSeries: Sendable, Equatable {
    public struct Bar: Sendable, Equatable {
        /// Centre of the bar on the x axis, and its width, in data units.
        public var x: Double
        public var width: Double
        public var base: Double
        public var top: Double
        public init(x: Double, width: Double, base: Double = 0, top: Double) {
            self.x = x; self.width = width; self.base = base; self.top = top
        }
    }

    public var role: String
    public var bars: [Bar]
    public var fill: Color
    /// An outline; nil draws fill only (dense bars of a year of nights would turn into outline).
    public var stroke: Stroke?

    public init(role: String, bars: [Bar], fill: Color, stroke: Stroke? = nil) {
        self.role = role; self.bars = bars; self.fill = fill; self.stroke = stroke
    }
}

/// A line through points in x order, drawn as `line.<role>` polylines. A point whose y is not
/// finite breaks the line, so a missing value shows as a gap rather than a false slope.
public struct LineSeries: Sendable, Equatable {
    public var role: String
    public var points: [DataPoint]
    public var stroke: Stroke
    /// Draw as steps (horizontal, then vertical) rather than straight segments.
    public var steps: Bool

    public init(role: String, points: [DataPoint], stroke: Stroke, steps: Bool = false) {
        self.role = role; self.points = points; self.stroke = stroke; self.steps = steps
    }

    /// The runs of finite points, each a polyline.
    func runs() -> [[DataPoint]] {
        var runs: [[DataPoint]] = []
        var current: [DataPoint] = []
        for p in points {
            if p.x.isFinite && p.y.isFinite {
                current.append(p)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}

extension ChartLayout {
    /// Extents of a chart's bars and lines along x and y, for the axis domains.
    static func barAndLineExtents(_ chart: Chart) -> (x: [(Double, Double)], y: [(Double, Double)]) {
        var x: [(Double, Double)] = []
        var y: [(Double, Double)] = []
        for series in chart.bars {
            for bar in series.bars {
                x.append((bar.x - bar.width / 2, bar.x + bar.width / 2))
                y.append((min(bar.base, bar.top), max(bar.base, bar.top)))
            }
        }
        for line in chart.lines {
            for p in line.points where p.x.isFinite && p.y.isFinite {
                x.append((p.x, p.x))
                y.append((p.y, p.y))
            }
        }
        return (x, y)
    }

    /// Bars stand on the axis: with non-negative bars and no fixed limits, the padded domain starts
    /// at 0 rather than slightly below it.
    static func anchoredAtZero(_ domain: ClosedRange<Double>, chart: Chart) -> ClosedRange<Double> {
        guard !chart.bars.isEmpty, chart.yAxis.limits == nil, domain.lowerBound < 0 else { return domain }
        let lowest = chart.bars.flatMap { $0.bars.map { min($0.base, $0.top) } }.min() ?? 0
        let lines = chart.lines.flatMap { $0.points.map(\.y) }.filter(\.isFinite).min() ?? 0
        let markers = chart.series.flatMap { $0.points.map(\.y) }.min() ?? 0
        guard min(lowest, lines, markers) >= 0, domain.upperBound > 0 else { return domain }
        return 0...domain.upperBound
    }

    /// Bars, then lines: under the marker series, inside the plot clip.
    func barAndLineItems() -> [DisplayItem] {
        var out: [DisplayItem] = []
        for series in chart.bars {
            for bar in series.bars where bar.top.isFinite && bar.base.isFinite && bar.top != bar.base {
                let x0 = xScale(bar.x - bar.width / 2), x1 = xScale(bar.x + bar.width / 2)
                let y0 = yScale(bar.base), y1 = yScale(bar.top)
                let rect = Rect(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0))
                out.append(DisplayItem("bar.\(series.role)", .rect(rect, fill: series.fill, stroke: series.stroke)))
            }
        }
        for line in chart.lines {
            for run in line.runs() {
                var points: [Point] = []
                for (i, p) in run.enumerated() {
                    let point = Point(xScale(p.x), yScale(p.y))
                    if line.steps, i > 0, let last = points.last { points.append(Point(point.x, last.y)) }
                    points.append(point)
                }
                out.append(DisplayItem("line.\(line.role)", .polyline(points, stroke: line.stroke)))
            }
        }
        return out
    }
}
