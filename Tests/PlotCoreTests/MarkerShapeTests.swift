import Foundation
import Testing
@testable import PlotCore

@Suite struct MarkerShapeTests {
    let newShapes: [MarkerShape] = [.triangleLeft, .triangleRight, .star, .pentagon, .hexagon]

    @Test func rawValuesAreStableNames() {
        #expect(MarkerShape.allCases.map(\.rawValue) == ["circle", "triangleUp", "triangleDown", "square", "diamond",
                                                        "triangleLeft", "triangleRight", "star", "pentagon", "hexagon"])
    }

    @Test func displayListCarriesEveryShapeInDataAndLegend() throws {
        let series = MarkerShape.allCases.enumerated().map { i, shape in
            Series(role: shape.rawValue, points: [DataPoint(x: Double(i), y: 1)],
                   marker: MarkerStyle(shape: shape, size: 6, fill: i % 2 == 0 ? .black : nil, stroke: Stroke(color: .black, width: 1)))
        }
        let legend = series.map { LegendEntry($0.role, symbol: .marker($0.marker, errorBar: nil)) }
        let chart = Chart(xAxis: Axis(title: "x"), yAxis: Axis(title: "y"), series: series, legend: legend)
        let list = Figure(size: Size(576, 288), chart: chart).displayList(measurer: ApproximateTextMeasurer())
        for s in series {
            guard case let .markers(_, style) = try #require(list.items(role: "data.\(s.role)").first?.primitive) else {
                Issue.record("no markers for \(s.role)"); continue
            }
            #expect(style == s.marker)
        }
        let legendShapes = list.items(role: "legend.symbol").compactMap { item -> MarkerShape? in
            if case let .markers(_, style) = item.primitive { return style.shape }
            return nil
        }
        #expect(legendShapes == MarkerShape.allCases)
    }

    /// Shoelace area of an outline.
    func area(_ p: [Point]) -> Double {
        abs(zip(p, p.dropFirst() + [p[0]]).reduce(0) { $0 + $1.0.x * $1.1.y - $1.1.x * $1.0.y }) / 2
    }

    @Test func outlinesAreCentredReachAsDeclaredAndWeighLikeACircle() throws {
        let c = Point(10, 20), size = 8.0, circle = Double.pi * 16
        #expect(MarkerShape.circle.outline(center: c, size: size) == nil)
        for shape in MarkerShape.allCases where shape != .circle {
            let v = try #require(shape.outline(center: c, size: size))
            let far = v.map { hypot($0.x - c.x, $0.y - c.y) }.max()!
            #expect(abs(far - shape.reach * size / 2) < 1e-9, "\(shape) reaches \(far)")
            // Compact shapes have the circle's area; pointed ones about two thirds of it.
            let ratio = area(v) / circle
            #expect(ratio > 0.6 && ratio < 1.01, "\(shape): \(ratio) of the circle's area")
            let mean = Point(v.map(\.x).reduce(0, +) / Double(v.count), v.map(\.y).reduce(0, +) / Double(v.count))
            #expect(abs(mean.x - c.x) < 1e-9 && abs(mean.y - c.y) < 1e-9, "\(shape) is off centre")
        }
        #expect(try #require(MarkerShape.star.outline(center: c, size: size)).count == 10)
        #expect(try #require(MarkerShape.pentagon.outline(center: c, size: size)).count == 5)
        #expect(try #require(MarkerShape.hexagon.outline(center: c, size: size)).count == 6)
        for shape in [MarkerShape.pentagon, .hexagon] {
            #expect(abs(area(try #require(shape.outline(center: c, size: size))) / circle - 1) < 0.01)
        }
    }

    @Test func sideTrianglesPointTheirWayAndMirrorEachOther() throws {
        let c = Point(0, 0)
        let left = try #require(MarkerShape.triangleLeft.outline(center: c, size: 10))
        let right = try #require(MarkerShape.triangleRight.outline(center: c, size: 10))
        let up = try #require(MarkerShape.triangleUp.outline(center: c, size: 10))
        #expect(left.map(\.x).min()! == left[0].x && left[0].y == 0, "tip on the left")
        #expect(right.map(\.x).max()! == right[0].x && right[0].y == 0, "tip on the right")
        #expect(zip(left, right).allSatisfy { abs($0.x + $1.x) < 1e-12 && abs($0.y - $1.y) < 1e-12 })
        // The same triangle as ▲ turned a quarter: same area, same reach.
        #expect(abs(area(left) - area(up)) < 1e-9)
    }
}
