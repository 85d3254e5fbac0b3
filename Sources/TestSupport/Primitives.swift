import PlotCore

/// The payload of each kind of display-list primitive (and panel), or nil for another kind: for
/// `try #require(item.primitive.markers)`, which fails a test where a guard-case early return
/// would let it pass without checking anything.
extension Primitive {
    public var rect: (rect: Rect, fill: Color?, stroke: Stroke?)? {
        if case let .rect(r, fill, stroke) = self { (r, fill, stroke) } else { nil }
    }
    public var polyline: (points: [Point], stroke: Stroke)? {
        if case let .polyline(points, stroke) = self { (points, stroke) } else { nil }
    }
    public var segments: (segments: [Segment], stroke: Stroke)? {
        if case let .segments(segments, stroke) = self { (segments, stroke) } else { nil }
    }
    public var markers: (points: [Point], style: MarkerStyle)? {
        if case let .markers(points, style) = self { (points, style) } else { nil }
    }
    public var image: (image: RGBAImage, rect: Rect)? {
        if case let .image(image, rect) = self { (image, rect) } else { nil }
    }
}

extension PanelContent {
    /// The chart of a chart panel, or nil for another kind of panel.
    public var chart: Chart? {
        if case let .chart(chart) = self { chart } else { nil }
    }
}
