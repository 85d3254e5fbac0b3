import FinkAPI
import Foundation
import PlotCore
@testable import FinkPlotKit

/// The rows of a fixture object, as the lightcurve command reads them.
func fixtureRows(_ id: String) async throws -> [Detection] {
    try await DirectorySource(directory: fixturesDirectory()).detections(
        of: try ObjectId(validating: id), options: FetchOptions(withUpperLimits: true, withCutouts: false))
}

/// The box a text item covers, with the same measurer the layout used (rotated titles swap axes).
func textBox(_ t: TextItem, _ m: some TextMeasurer) -> Rect {
    let w = m.width(of: t.string, style: t.style)
    let h = TextMetrics.lineHeight(t.style.size)
    let baseline = TextMetrics.baseline(for: 0, anchor: t.vertical, size: t.style.size)
    let dx: Double = switch t.horizontal { case .start: 0; case .middle: -w / 2; case .end: -w }
    let top = baseline - TextMetrics.capHeight * t.style.size
    if t.rotation == 90 {
        return Rect(x: t.position.x + top, y: t.position.y - dx - w, width: h, height: w)
    }
    return Rect(x: t.position.x + dx, y: t.position.y + top, width: w, height: h)
}

/// Markers of a display-list item, or nil when it is something else.
func markerPoints(_ item: DisplayItem) -> (points: [Point], style: MarkerStyle)? {
    if case let .markers(p, s) = item.primitive { return (p, s) }
    return nil
}
