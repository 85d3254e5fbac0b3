import TestSupport
import Testing
@testable import PlotCore

/// Issue #13, hidden data: a g and an r detection of one epoch and magnitude both stay visible.
@Suite struct CoincidentMarkerTests {
    let measurer = ApproximateTextMeasurer()

    func chart(_ series: [Series]) -> Chart {
        Chart(title: "one detection per band at one time",
              xAxis: Axis(title: "MJD", minimumSpan: 2),
              yAxis: Axis(title: "Difference magnitude", inverted: true, minimumSpan: 1),
              series: series, legend: [])
    }

    func series(_ role: String, _ points: [DataPoint], size: Double = 6) -> Series {
        Series(role: role, points: points, marker: MarkerStyle(shape: .circle, size: size, fill: .black, stroke: nil),
               errorBar: Stroke(color: .black, width: 1))
    }

    @Test func coincidentMarkersOfDifferentBandsAreSpreadApart() throws {
        let same = [DataPoint(x: 60_000, y: 18.0, yError: 0.1)]
        let figure = Figure(size: Size(576, 288), chart: chart([series("g.detection", same), series("r.detection", same),
                                                               series("i.detection", same)]))
        let list = figure.displayList(measurer: measurer)
        let centres = try ["g", "r", "i"].map { band in
            try #require(list.items(role: "data.\(band).detection").first?.primitive.markers?.points.first, "no \(band) marker")
        }
        // Every pair of centres is at least half a marker apart, on the same row (same magnitude).
        for a in 0..<3 { for b in (a + 1)..<3 {
            #expect(abs(centres[a].x - centres[b].x) >= 3, "\(centres)")
            #expect(centres[a].y == centres[b].y)
        } }
        // The error bar moves with its marker.
        let bar = try #require(list.items(role: "errorbar.r.detection").first?.primitive.segments?.segments.first)
        #expect(bar.from.x == centres[1].x)
    }

    @Test func pointsApartOrOfOneSeriesAreNotMoved() {
        let centres = [[Point(10, 10), Point(10.5, 10)], [Point(40, 10)]]
        #expect(ChartLayout.spreadCoincident(centres, sizes: [6, 6], overlays: [false, false]) == centres)
    }
}
