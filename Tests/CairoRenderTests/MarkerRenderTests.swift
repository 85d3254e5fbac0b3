@testable import CairoRender
import Foundation
import PlotCore
import TestSupport
import Testing

@Suite struct MarkerRenderTests {
    static let scale = 2.0, size = 16.0, centre = Point(20, 20)
    static let fill = Color(hex: "#CC3311"), edge = Stroke(color: Color(hex: "#0044AA"), width: 1.5)

    func render(_ shape: MarkerShape, filled: Bool) throws -> RGBAImage {
        let style = MarkerStyle(shape: shape, size: Self.size, fill: filled ? Self.fill : nil, stroke: filled ? nil : Self.edge)
        let list = DisplayList(size: Size(40, 40), background: .white,
                               items: [DisplayItem("m", .markers([Self.centre], style: style))])
        return try PNGDecoder.decode(try Renderer.render(list, format: .png, pixelsPerPoint: Self.scale))
    }

    func isBackground(_ p: [UInt8]) -> Bool { p == [255, 255, 255, 255] }

    /// Pixel centre of a point in page points.
    func pixel(_ p: Point) -> (x: Int, y: Int) { (Int(p.x * Self.scale), Int(p.y * Self.scale)) }

    @Test(arguments: MarkerShape.allCases, [true, false])
    func inkStaysInsideTheShapesReachAndFillsIt(shape: MarkerShape, filled: Bool) throws {
        let image = try render(shape, filled: filled)
        // Bound: the circumscribed circle, widened by half the stroke times the sharpest miter
        // (the star's 36° tips: 1 / sin 18°), plus a pixel of anti-aliasing.
        let miter = filled ? 0 : Self.edge.width / 2 / sin(18 * Double.pi / 180)
        let bound = (shape.reach * Self.size / 2 + miter) * Self.scale + 1
        var ink = 0, area = 0.0
        for y in 0..<image.height {
            for x in 0..<image.width where !isBackground(image.pixel(x: x, y: y)) {
                ink += 1
                area += Double(255 - image.pixel(x: x, y: y)[1]) / Double(255 - 0x33) // coverage, from green
                let d = hypot(Double(x) + 0.5 - Self.centre.x * Self.scale, Double(y) + 0.5 - Self.centre.y * Self.scale)
                #expect(d <= bound, "\(shape) inks (\(x), \(y)), \(d) px from the centre, bound \(bound)")
            }
        }
        let c = pixel(Self.centre)
        if filled {
            #expect(image.pixel(x: c.x, y: c.y) == [0xCC, 0x33, 0x11, 255], "\(shape) is filled at its centre")
            // Similar visual weight: 65-100% of the circle's area (see MarkerShape.reach).
            let ratio = area / (Double.pi * pow(Self.size / 2 * Self.scale, 2))
            #expect(ratio > 0.6 && ratio < 1.03, "\(shape): \(ratio) of the circle's area")
            // The outline is the one drawn: ink a quarter of the way in from every vertex.
            for v in shape.outline(center: Self.centre, size: Self.size) ?? [] {
                let p = pixel(Point(v.x + (Self.centre.x - v.x) / 4, v.y + (Self.centre.y - v.y) / 4))
                #expect(!isBackground(image.pixel(x: p.x, y: p.y)), "\(shape): no ink near vertex \(v)")
            }
        } else {
            #expect(isBackground(image.pixel(x: c.x, y: c.y)), "open \(shape) is hollow")
            #expect(ink > 50, "open \(shape) has an outline")
        }
    }

    @Test func everyShapeMatchesItsBaseline() throws {
        let shapes = MarkerShape.allCases
        var items: [DisplayItem] = []
        for (i, shape) in shapes.enumerated() {
            let x = 10 + Double(i) * 16
            items.append(DisplayItem("filled", .markers([Point(x, 10)], style: MarkerStyle(
                shape: shape, size: 9, fill: Self.fill, stroke: Stroke(color: .white, width: 0.5)))))
            items.append(DisplayItem("open", .markers([Point(x, 28)], style: MarkerStyle(
                shape: shape, size: 9, fill: nil, stroke: Stroke(color: .black, width: 1)))))
        }
        let list = DisplayList(size: Size(Double(shapes.count) * 16 + 4, 38), background: .white, items: items)
        try Baseline.check(try Renderer.render(list, format: .png, pixelsPerPoint: 3), named: "markers")
    }
}

/// Raster markers are composited from pre-rendered sprites (MarkerSprites); they must look like
/// the markers drawn as paths: same ink, same order, clipped the same.
@Suite struct MarkerSpriteTests {
    /// Overlapping markers of every shape, filled and open, at awkward sub-pixel positions, half of
    /// them straddling a clip edge; translucent fills show the compositing order.
    static func list() -> DisplayList {
        var items: [DisplayItem] = [DisplayItem("clip", .pushClip(Rect(x: 10, y: 10, width: 180, height: 80)))]
        for (i, shape) in MarkerShape.allCases.enumerated() {
            var points: [Point] = []
            for k in 0..<12 { points.append(Point(4 + Double(i) * 19.37 + Double(k) * 0.613, 6 + Double(k) * 7.77 + Double(i % 3) * 0.29)) }
            let fill = Color(red: 0.8, green: 0.2, blue: 0.1 * Double(i % 4), alpha: i % 2 == 0 ? 1 : 0.55)
            let style = MarkerStyle(shape: shape, size: 6 + Double(i % 3), fill: i % 3 == 2 ? nil : fill,
                                    stroke: Stroke(color: Color(hex: "#0044AA"), width: 0.5 + Double(i % 2) * 0.7))
            items.append(DisplayItem("data.\(i)", .markers(points, style: style)))
        }
        items.append(DisplayItem("clip", .popClip))
        return DisplayList(size: Size(200, 100), background: .white, items: items)
    }

    @Test(arguments: [1.0, 150.0 / 72, 300.0 / 72])
    func spritesMatchPathDrawnMarkers(pixelsPerPoint: Double) throws {
        let sprites = try PNGDecoder.decode(try Renderer.renderPNG(Self.list(), pixelsPerPoint: pixelsPerPoint, markerSprites: true))
        let paths = try PNGDecoder.decode(try Renderer.renderPNG(Self.list(), pixelsPerPoint: pixelsPerPoint, markerSprites: false))
        // Centres move by at most 1/8 px: only edge pixels differ, and by a fraction of their value.
        let loose = ImageComparison.difference(sprites, paths, threshold: 96)
        let close = ImageComparison.difference(sprites, paths, threshold: 24)
        #expect(loose.fraction == 0, "no pixel differs much: \(loose)")
        // At 72 dpi a marker is a few pixels, and an eighth of one shows more.
        #expect(close.fraction < (pixelsPerPoint < 2 ? 0.04 : 0.02) && close.mean < 1.5, "\(close) loose \(loose)")
        // Nothing wholly outside the clip (page points 10...190 × 10...90) is inked.
        var outside = 0, inked = 0
        for y in 0..<sprites.height {
            for x in 0..<sprites.width where sprites.pixel(x: x, y: y) != [255, 255, 255, 255] {
                inked += 1
                let (left, right) = (Double(x) / pixelsPerPoint, Double(x + 1) / pixelsPerPoint)
                let (top, bottom) = (Double(y) / pixelsPerPoint, Double(y + 1) / pixelsPerPoint)
                if right <= 10 || left >= 190 || bottom <= 10 || top >= 90 { outside += 1 }
            }
        }
        #expect(outside == 0 && inked > 1000, "\(close) \(loose) \(outside) inked pixels outside the clip, \(inked) in all")
    }
}
