import TestSupport
import Testing
@testable import PlotCore

@Suite struct TextBlockTests {
    let measurer = ApproximateTextMeasurer()

    @Test func rowsAreKeysAndValuesInTwoAlignedColumnsUnderTheTitle() {
        let block = TextBlock(title: "ZTF18aabjigr", rows: [.init("RA", "08:23:59.87"), .init("Upper limits", "7")],
                              notes: ["Position: mean of 22 valid alerts."])
        let frame = Rect(x: 400, y: 0, width: 200, height: 300)
        let items = Figure(size: Size(600, 300), panels: [Panel(frame: frame, content: .textBlock(block))])
            .displayList(measurer: measurer).items
        #expect(items.map(\.role) == ["textblock.title", "textblock.key", "textblock.value", "textblock.key", "textblock.value",
                                      "textblock.note"])
        let texts = items.compactMap(\.text)
        #expect(texts.map(\.string) == ["ZTF18aabjigr", "RA", "08:23:59.87", "Upper limits", "7", "Position: mean of 22 valid alerts."])
        // Keys share a left edge; values share another, right of the widest key; rows go down the page.
        #expect(texts[1].position.x == texts[3].position.x && texts[1].position.x > frame.minX)
        #expect(texts[2].position.x == texts[4].position.x)
        #expect(texts[2].position.x > texts[3].position.x + measurer.width(of: "Upper limits", style: texts[3].style))
        #expect(texts[0].position.y < texts[1].position.y && texts[1].position.y < texts[3].position.y
                && texts[3].position.y < texts[5].position.y)
        #expect(texts[1].style.weight == .bold && texts[2].style.weight == .normal)
    }

    @Test func longValuesWrapInsideTheFrameAndLineBreaksAreKept() {
        let block = TextBlock(rows: [.init("First", "2019-10-04 11:46 UTC\nMJD 58760.490"),
                                     .init("Fink class", "Early SN Ia candidate with a very long explanation attached")])
        let frame = Rect(x: 0, y: 0, width: 240, height: 300)
        let items = TextBlockLayout(block: block, frame: frame, style: .screen, measurer: measurer).items()
        let values = items.filter { $0.role == "textblock.value" }.compactMap(\.text)
        #expect(values.prefix(2).map(\.string) == ["2019-10-04 11:46 UTC", "MJD 58760.490"])
        #expect(values.count > 3, "the long class wraps")
        #expect(values.dropFirst(2).map(\.string).joined(separator: " ") == "Early SN Ia candidate with a very long explanation attached")
        for v in values.dropFirst(2) {
            #expect(v.position.x + measurer.width(of: v.string, style: v.style) <= frame.maxX, "\(v.string) crosses the frame")
        }
        // Wrapped lines stack: each below the previous one.
        for (a, b) in zip(values, values.dropFirst()) { #expect(b.position.y > a.position.y) }
    }
}

@Suite struct VerticalMarkerTests {
    let measurer = ApproximateTextMeasurer()

    func chart(markers: [VerticalMarker]) -> Chart {
        Chart(xAxis: Axis(title: "MJD"), yAxis: Axis(title: "mag", inverted: true),
              series: [Series(role: "g.valid", points: [DataPoint(x: 100, y: 18), DataPoint(x: 120, y: 17)],
                              marker: MarkerStyle(shape: .circle, size: 5, fill: .black, stroke: nil))],
              markers: markers)
    }

    @Test func markerIsAVerticalLineAtItsDataXAcrossThePlotBeneathTheData() throws {
        let stroke = Stroke(color: .black, width: 1, dash: [3, 2])
        let c = chart(markers: [VerticalMarker(role: "chosen", x: 115, stroke: stroke, label: "alert"),
                                VerticalMarker(role: "outside", x: 500, stroke: stroke)])
        let frame = Rect(x: 0, y: 0, width: 400, height: 300)
        let layout = ChartLayout(chart: c, frame: frame, style: .screen, measurer: measurer)
        let items = layout.items()
        let (points, drawn) = try #require(items.first { $0.role == "marker.chosen" }?.primitive.polyline,
                                           "no marker, or it is not a line")
        #expect(drawn == stroke)
        #expect(points.map(\.x) == [layout.xScale(115), layout.xScale(115)])
        #expect(points.map(\.y) == [layout.plotRect.minY, layout.plotRect.maxY])
        #expect(!items.contains { $0.role == "marker.outside" }, "a marker outside the x range is not drawn")
        let roles = items.map(\.role)
        let clip = try #require(roles.firstIndex(of: "plot.clip"))
        let marker = try #require(roles.firstIndex(of: "marker.chosen"))
        let data = try #require(roles.firstIndex(of: "data.g.valid"))
        #expect(clip < marker && marker < data, "inside the plot clip, under the data")
        let label = try #require(items.first { $0.role == "marker.chosen.label" }?.text)
        #expect(label.string == "alert")
        #expect(label.position.x > layout.plotRect.minX && label.position.x < layout.plotRect.maxX)
    }
}
