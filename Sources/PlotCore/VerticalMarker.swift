/// A vertical line across a chart's plot area at a data x (e.g. the epoch of a chosen alert),
/// with an optional label at its top. Drawn above the grid and below the data.
public struct VerticalMarker: Sendable, Equatable {
    /// Names it in the display list: `marker.<role>` and `marker.<role>.label`.
    public var role: String
    public var x: Double
    public var stroke: Stroke
    public var label: String?

    public init(role: String, x: Double, stroke: Stroke, label: String? = nil) {
        self.role = role; self.x = x; self.stroke = stroke; self.label = label
    }
}

extension ChartLayout {
    /// The markers' lines (inside the plot clip) and their labels, placed on the side of the line
    /// with more room so a marker near the right edge does not push its label out of the plot.
    func verticalMarkerItems() -> (lines: [DisplayItem], labels: [DisplayItem]) {
        var lines: [DisplayItem] = [], labels: [DisplayItem] = []
        let em = style.fontSize
        let small = style.text(style.fontSize * 0.9)
        for marker in chart.markers where marker.x.isFinite && xScale.domain.contains(marker.x) {
            let x = xScale(marker.x)
            lines.append(DisplayItem("marker.\(marker.role)",
                                     .polyline([Point(x, plotRect.minY), Point(x, plotRect.maxY)], stroke: marker.stroke)))
            if let label = marker.label {
                let onRight = x < plotRect.midX
                labels.append(DisplayItem("marker.\(marker.role).label", .text(TextItem(
                    label, at: Point(onRight ? x + 0.35 * em : x - 0.35 * em, plotRect.minY + 0.5 * em),
                    horizontal: onRight ? .start : .end, vertical: .top, style: small))))
            }
        }
        return (lines, labels)
    }
}
