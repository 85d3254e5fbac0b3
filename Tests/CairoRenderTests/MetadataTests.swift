import CairoRender
import Foundation
import PlotCore
import TestSupport
import Testing

@Suite struct MetadataTests {
    var list: DisplayList {
        DisplayList(size: Size(120, 60), background: .white, items: [
            DisplayItem("label", .text(TextItem("ZTF18aabjigr", at: Point(5, 30), style: TextStyle(family: "DejaVu Sans", size: 10)))),
        ])
    }

    let metadata = DocumentMetadata(title: "ZTF18aabjigr lightcurve", subject: "from a test", keywords: "Fink, ZTF",
                                    creator: "finkplot 0.1.0", creationDate: "2024-03-01T12:34:56Z",
                                    extraText: [.init("finkplot:spec", "{\"objectIds\":[\"ZTF18aabjigr\"]}"),
                                                .init("Note", "δ Sco — ±0.1 mag")])

    @Test func crc32MatchesThePNGSpecification() {
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926, "the standard CRC-32 check value")
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func pngTextChunksRoundTripAndTheImageStillDecodes() throws {
        let plain = try Renderer.render(list, format: .png, pixelsPerPoint: 2)
        let png = try Renderer.render(list, format: .png, pixelsPerPoint: 2, metadata: metadata)
        let chunks = try PNGText.read(png)
        let byKey = Dictionary(chunks.map { ($0.keyword, $0.text) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["Title"] == "ZTF18aabjigr lightcurve")
        #expect(byKey["Software"] == "finkplot 0.1.0")
        #expect(byKey["Creation Time"] == "2024-03-01T12:34:56Z")
        #expect(byKey["finkplot:spec"] == "{\"objectIds\":[\"ZTF18aabjigr\"]}")
        #expect(byKey["Note"] == "δ Sco — ±0.1 mag", "text outside Latin-1 survives (iTXt, UTF-8)")
        #expect(try PNGText.read(plain).isEmpty)
        // The chunks sit right after IHDR (byte 33), before any image data.
        #expect(String(decoding: png[37..<41], as: UTF8.self) == "tEXt")
        // Same pixels as without metadata: cairo's own decoder accepts the file (CRCs right).
        #expect(try PNGDecoder.decode(png) == PNGDecoder.decode(plain))
        #expect(png.count > plain.count)
    }

    @Test func badKeywordsAndNonPNGDataAreRefused() throws {
        let png = try Renderer.render(list, format: .png)
        #expect(throws: PNGText.Failure.badKeyword("")) { try PNGText.inserting([.init("", "x")], into: png) }
        #expect(throws: PNGText.Failure.badKeyword(String(repeating: "k", count: 80))) {
            try PNGText.inserting([.init(String(repeating: "k", count: 80), "x")], into: png)
        }
        #expect(throws: PNGText.Failure.notPNG) { try PNGText.inserting([.init("Title", "x")], into: Data("%PDF-1.5".utf8)) }
    }

    @Test func pdfCarriesDocumentInformationAndTheGivenDateSoBytesRepeat() throws {
        let a = try Renderer.render(list, format: .pdf, metadata: metadata)
        let b = try Renderer.render(list, format: .pdf, metadata: metadata)
        #expect(a == b, "the creation date is the given one, not the clock's")
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.contains("/Title (ZTF18aabjigr lightcurve)"))
        #expect(text.contains("/Creator (finkplot 0.1.0)"))
        #expect(text.contains("/Keywords (Fink, ZTF)"))
        // Cairo 1.16 writes the date without PDF's "D:" prefix; pdfinfo and viewers read it anyway.
        #expect(text.contains("/CreationDate (D:20240301123456") || text.contains("/CreationDate (20240301123456"))
        #expect(text.contains("/FontFile2") && !text.contains("/Type3"), "fonts embedded as TrueType")
    }

    @Test func svgGetsATitleAndAMetadataElementThatStaysWellFormed() throws {
        var m = metadata
        m.extraText.append(.init("Options", "a < b & \"c\""))
        let svg = String(decoding: try Renderer.render(list, format: .svg, metadata: m), as: UTF8.self)
        #expect(svg.contains("<title>ZTF18aabjigr lightcurve</title>"))
        #expect(svg.contains("key=\"Options\">a &lt; b &amp; &quot;c&quot;</finkplot:entry>"))
        // Inside the root element, once.
        let root = try #require(svg.range(of: "<svg "))
        let meta = try #require(svg.range(of: "<metadata"))
        #expect(root.upperBound < meta.lowerBound && svg.components(separatedBy: "</metadata>").count == 2)
    }
}
