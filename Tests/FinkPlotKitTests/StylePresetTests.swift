import CairoRender
import FinkAPI
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// Every preset laid out with Cairo's real text widths: sizes, no text off the page, the legend
/// off the data, embedded TrueType fonts in the PDF.
@Suite struct StylePresetTests {
    func laidOut(_ preset: StylePreset, id: String = "ZTF18aabjigr", options: LightcurveOptions = LightcurveOptions())
        async throws -> (ChartLayout, DisplayList, FigureSize, CairoTextMeasurer) {
        let size = preset.size()
        let lc = try LightcurveBuilder.build(objectId: id, detections: try await fixtureRows(id), style: preset.style,
                                             options: options)
        let measurer = try CairoTextMeasurer()
        let figure = Figure(size: size.points, style: preset.style, chart: lc.chart)
        let layout = ChartLayout(chart: lc.chart, frame: Rect(x: 0, y: 0, width: size.points.width, height: size.points.height),
                                 style: preset.style, measurer: measurer)
        return (layout, figure.displayList(measurer: measurer), size, measurer)
    }

    @Test func presetPagesAreTheDocumentedSizes() {
        #expect(StylePreset.screen.size() == FigureSize(widthPixels: 1200, heightPixels: 600, dpi: 150))
        let paper = StylePreset.paper.size()
        #expect(abs(paper.points.width - 3.4 * 72) < 0.5, "one journal column is 3.4 in")
        let wide = StylePreset.paperWide.size()
        #expect(abs(wide.points.width - 7.1 * 72) < 0.5, "a full page width is 7.1 in")
        #expect(StylePreset.talk.size() == FigureSize(widthPixels: 1920, heightPixels: 1080, dpi: 144))
        #expect(StylePreset.dark.size() == StylePreset.talk.size())
    }

    @Test func overridesKeepPhysicalSizesAndTheAspectRatio() throws {
        // 8.6 cm at 300 dpi, height from the paper aspect (2.6 / 3.4).
        let s = StylePreset.paper.size(width: try Length(parsing: "8.6cm"))
        #expect(s.widthPixels == 1016 && s.heightPixels == Int((1016 * 2.6 / 3.4).rounded()))
        // Inches stay inches at another dpi; pixels stay pixels.
        #expect(StylePreset.paper.size(dpi: 600).widthPixels == 2040)
        #expect(StylePreset.screen.size(width: try Length(parsing: "1000"), height: try Length(parsing: "400px"), dpi: 100)
            == FigureSize(widthPixels: 1000, heightPixels: 400, dpi: 100))
        #expect(try Length(parsing: "3.4in") == .inches(3.4))
        #expect(try Length(parsing: "72pt") == .inches(1))
        for bad in ["", "-3in", "abc", "3 furlongs", "0px"] {
            #expect(throws: LightcurveOptionError.self) { try Length(parsing: bad) }
        }
        #expect(throws: LightcurveOptionError.self) { try StylePreset(parsing: "poster") }
    }

    @Test(arguments: StylePreset.allCases)
    func textStaysOnThePageAndOffTheData(_ preset: StylePreset) async throws {
        let (layout, list, size, measurer) = try await laidOut(preset)
        let page = Rect(x: 0, y: 0, width: size.points.width, height: size.points.height)
        let texts = list.items.compactMap { item in item.text.map { (item.role, textBox($0, measurer)) } }
        #expect(texts.count > 10)
        for (role, box) in texts {
            #expect(box.minX >= -0.01 && box.minY >= -0.01 && box.maxX <= page.maxX + 0.01 && box.maxY <= page.maxY + 0.01,
                    "\(preset.rawValue): \(role) \(box) runs off the \(page.width)×\(page.height) pt page")
        }
        // Legend text and symbols never sit on the plot area.
        for (role, box) in texts where role.hasPrefix("legend") || role == "title" {
            #expect(!box.intersects(layout.plotRect), "\(preset.rawValue): \(role) overlaps the plot")
        }
        // Text boxes outside the plot do not overlap each other (titles, tick labels, legend).
        let outside = texts.filter { !$0.1.intersects(layout.plotRect) }
        for i in outside.indices {
            for j in outside.indices where j > i {
                #expect(!outside[i].1.intersects(outside[j].1),
                        "\(preset.rawValue): \(outside[i].0) overlaps \(outside[j].0)")
            }
        }
        let style = preset.style
        let tickSizes = Set(list.items(role: "axis.x.ticklabel").compactMap { $0.text?.style.size })
        #expect(tickSizes == [style.fontSize])
        if preset == .paper || preset == .paperWide {
            #expect((8...9).contains(style.fontSize) && (8...9).contains(style.labelSize) && (8...9).contains(style.titleSize),
                    "journal text is 8–9 pt")
        }
        if preset == .talk || preset == .dark { #expect(style.fontSize >= 16 && style.markerSize >= 9) }
    }

    @Test func paperPutsTheLegendAboveThePlotInRowsThatFit() async throws {
        let (layout, list, size, measurer) = try await laidOut(.paper)
        let labels = list.items(role: "legend.label").compactMap(\.text)
        #expect(labels.count == 5)
        #expect(list.items(role: "legend.frame").isEmpty)
        for label in labels {
            let box = textBox(label, measurer)
            #expect(box.maxY < layout.plotRect.minY, "legend above the plot")
            #expect(box.maxX <= size.points.width)
        }
        #expect(Set(labels.map(\.position.y)).count >= 2, "a 3.4 in column needs more than one row")
        // The plot keeps most of the width: no legend column beside it.
        #expect(layout.plotRect.width > 0.7 * size.points.width)
    }

    @Test func darkPresetHasLightTextAndBrightBandsOnADarkPage() async throws {
        let (_, list, _, _) = try await laidOut(.dark)
        let bg = try #require(list.background)
        #expect(bg.red + bg.green + bg.blue < 0.5)
        for text in list.items.compactMap(\.text) { #expect(text.style.color.red > 0.8, "\(text.string) must be light") }
        let g = try #require(list.items(role: "data.g.valid").first.flatMap(markerPoints))
        let fill = try #require(g.style.fill)
        #expect(fill.red + fill.green + fill.blue > 1.5, "g is retuned from the Portal's navy")
    }

    @Test(arguments: StylePreset.allCases)
    func pdfEmbedsTrueTypeFontsAndNoType3(_ preset: StylePreset) async throws {
        let (_, list, size, _) = try await laidOut(preset)
        let pdf = try Renderer.render(list, format: .pdf, pixelsPerPoint: size.pixelsPerPoint)
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/FontFile2"), "TrueType font programs are embedded")
        #expect(!text.contains("/Type3"), "no Type 3 fonts (journals refuse them)")
        #expect(!text.contains("/FontFile3") || text.contains("/FontFile2"))
        // SVG and PNG of the same list have the same pixel size.
        let svg = String(decoding: try Renderer.render(list, format: .svg, pixelsPerPoint: size.pixelsPerPoint), as: UTF8.self)
        #expect(svg.contains("width=\"\(size.widthPixels)") && svg.contains("height=\"\(size.heightPixels)"))
        let png = try PNGDecoder.decode(try Renderer.render(list, format: .png, pixelsPerPoint: size.pixelsPerPoint))
        #expect(png.width == size.widthPixels && png.height == size.heightPixels)
    }
}
