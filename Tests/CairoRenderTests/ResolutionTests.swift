import CairoRender
import Foundation
import PlotCore
import TestSupport
import Testing

/// A PNG says its resolution (pHYs), so a 300 dpi figure enters LaTeX or Word at its printed size.
@Suite struct ResolutionTests {
    let list = DisplayList(size: Size(72, 36), background: .white, items: [])

    @Test(arguments: [72.0, 150, 300, 600])
    func pngRecordsTheDPIItWasDrawnAt(dpi: Double) throws {
        let png = try Renderer.render(list, format: .png, pixelsPerPoint: dpi / 72)
        let recorded = try #require(PNGText.resolution(of: png), "no pHYs chunk")
        // Stored as whole pixels per metre: within 0.02 dpi of the asked value.
        #expect(abs(recorded - dpi) < 0.02)
        #expect(try PNGDecoder.decode(png).width == Int((72 * dpi / 72).rounded()), "the image still decodes")
    }

    @Test func resolutionAndTextChunksCoexist() throws {
        let metadata = DocumentMetadata(title: "t", subject: "s", keywords: "k", creator: "c", creationDate: "2024-01-01T00:00:00Z")
        let png = try Renderer.render(list, format: .png, pixelsPerPoint: 300.0 / 72, metadata: metadata)
        #expect(try PNGText.read(png).contains { $0.keyword == "Title" && $0.text == "t" })
        #expect(abs((PNGText.resolution(of: png) ?? 0) - 300) < 0.02)
    }
}
