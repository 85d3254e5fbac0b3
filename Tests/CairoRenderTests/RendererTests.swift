import CairoRender
import Foundation
import PlotCore
import TestSupport
import Testing

@Suite struct RendererTests {
    /// A small display list exercising every primitive.
    var sample: DisplayList {
        var image = RGBAImage(width: 2, height: 2, fill: (0, 0, 255, 255))
        image.pixels[0] = 255; image.pixels[2] = 0 // top-left pixel red
        return DisplayList(size: Size(100, 50), background: .white, items: [
            DisplayItem("box", .rect(Rect(x: 10, y: 10, width: 30, height: 20), fill: Color(hex: "#FF0000"), stroke: nil)),
            DisplayItem("line", .polyline([Point(50, 10), Point(90, 40)], stroke: Stroke(color: .black, width: 2))),
            DisplayItem("ticks", .segments([Segment(Point(50, 45), Point(60, 45))], stroke: Stroke(color: .black, width: 1))),
            DisplayItem("dots", .markers([Point(70, 15)], style: MarkerStyle(shape: .triangleDown, size: 6, fill: nil,
                                                                               stroke: Stroke(color: .black, width: 1)))),
            DisplayItem("label", .text(TextItem("Ag", at: Point(5, 48), style: TextStyle(family: "DejaVu Sans", size: 8)))),
            DisplayItem("stamp", .image(image, rect: Rect(x: 80, y: 0, width: 20, height: 20))),
        ])
    }

    @Test func pngHasThePixelSizeOfPointsTimesScaleAndDrawsWhereTold() throws {
        let png = try Renderer.render(sample, format: .png, pixelsPerPoint: 2)
        let image = try PNGDecoder.decode(png)
        #expect(image.width == 200 && image.height == 100)
        #expect(image.pixel(x: 50, y: 40) == [255, 0, 0, 255], "inside the red rectangle")
        #expect(image.pixel(x: 5, y: 5) == [255, 255, 255, 255], "background")
        // The 2×2 raster is drawn with nearest-neighbour: the top-left quarter is pure red, the rest blue.
        #expect(image.pixel(x: 165, y: 5) == [255, 0, 0, 255])
        #expect(image.pixel(x: 195, y: 35) == [0, 0, 255, 255])
    }

    @Test func svgIsInPixelsAndPdfInPoints() throws {
        let svg = String(decoding: try Renderer.render(sample, format: .svg, pixelsPerPoint: 2), as: UTF8.self)
        #expect(svg.contains("width=\"200px\"") || svg.contains("width=\"200\""))
        #expect(svg.contains("<image") || svg.contains("data:image/png"), "the raster is embedded losslessly")
        let pdf = try Renderer.render(sample, format: .pdf, pixelsPerPoint: 2)
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-"))
        #expect(text.contains("/MediaBox [ 0 0 100 50 ]"))
        #expect(text.contains("/FontFile2") || text.contains("/FontFile3") || text.contains("/FontFile"), "fonts embedded")
        // Rasters are embedded losslessly (Flate, never JPEG) and marked for nearest-neighbour display.
        #expect(text.contains("/Interpolate false"))
        #expect(!text.contains("/DCTDecode"))
    }

    @Test func cairoFailuresBecomeErrors() {
        let huge = DisplayList(size: Size(100_000, 10), background: .white)
        #expect(throws: RenderError.self) { try Renderer.render(huge, format: .png, pixelsPerPoint: 1) }
        // The decoder lives in TestSupport now, with its own error type.
        #expect(throws: PNGDecodeError.self) { try PNGDecoder.decode(Data("not a png".utf8)) }
    }

    @Test func measurerReportsWiderTextForLongerStrings() throws {
        let m = try CairoTextMeasurer()
        let style = TextStyle(family: "DejaVu Sans", size: 10)
        let w1 = m.width(of: "58800", style: style), w2 = m.width(of: "58800.5", style: style)
        #expect(w1 > 25 && w1 < 40, "five DejaVu digits at 10 pt are about 32 pt")
        #expect(w2 > w1)
    }

    @Test func sampleMatchesItsBaseline() throws {
        try Baseline.check(try Renderer.render(sample, format: .png, pixelsPerPoint: 3), named: "primitives")
    }

    @Test func comparisonCatchesAVisibleChange() throws {
        var changed = sample
        changed.items[0] = DisplayItem("box", .rect(Rect(x: 10, y: 10, width: 30, height: 20), fill: Color(hex: "#0000FF"), stroke: nil))
        // Compared directly (not through mismatch, which rewrites baselines when asked to).
        let baseline = try PNGDecoder.decode(try Data(contentsOf: Baseline.url("primitives")))
        let actual = try PNGDecoder.decode(try Renderer.render(changed, format: .png, pixelsPerPoint: 3))
        let d = ImageComparison.difference(actual, baseline)
        #expect(d.fraction > 0.003, "a recoloured rectangle must not pass as the baseline")
    }
}
