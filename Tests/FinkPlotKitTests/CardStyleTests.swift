import CairoRender
import FinkAPI
import Foundation
import PlotCore
import TestSupport
import Testing
@testable import FinkPlotKit

/// Object cards in every style preset, judged through their display lists: pages, type sizes,
/// text on the page and apart, dark colours, and the spec round trip.
@Suite struct CardStyleTests {
    let id = try! ObjectId(validating: "ZTF18aabjigr")

    func card(_ look: CardLook, id raw: String = "ZTF18aabjigr") async throws -> (Figure, DisplayList, CairoTextMeasurer) {
        let data = try await fixtureObject(raw)
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let stamps = try await fixtureStamps(data, alert: alert)
        let measurer = try CairoTextMeasurer()
        let figure = try ObjectCard.figure(data, alert: alert, choice: .latest, stamps: stamps,
                                           rendering: try StampRendering(), look: look, measurer: measurer)
        return (figure, figure.displayList(measurer: measurer), measurer)
    }

    static func texts(_ list: DisplayList) -> [TextItem] { list.items.compactMap(\.text) }

    @Test func eachPresetHasItsCardPage() {
        let pages = StylePreset.allCases.map { CardPage.of($0) }
        #expect(pages.map(\.size.widthPixels) == [1200, 2130, 2130, 1920, 1920])
        #expect(pages.map(\.size.heightPixels) == [900, 1500, 1500, 1080, 1080])
        #expect(pages.map(\.arrangement) == [.stampsBelow, .stampsBelow, .stampsBelow, .metadataColumn, .metadataColumn])
        #expect(CardPage.of(.screen, dpi: 300).size.widthPixels == 2400 && CardPage.of(.screen, dpi: 300).size.points == pages[0].size.points)
    }

    /// A stamp keeps its physical size at another dpi, in whole device pixels per stamp pixel.
    @Test func stampsKeepTheirSizeAtAnotherDPI() async throws {
        func tiles(_ list: DisplayList) -> [Rect] { list.items.filter { $0.role.hasPrefix("tile.") }.compactMap { $0.primitive.image?.rect } }
        let (_, at150, _) = try await card(CardLook())
        let (_, at300, _) = try await card(CardLook(dpi: 300))
        let a = try #require(tiles(at150).first), b = try #require(tiles(at300).first)
        #expect(tiles(at150).count == 3 && tiles(at300).count == 3)
        // Within one stamp pixel of the coarser page: 63 px at 4 or 8 device pixels each.
        #expect(abs(a.width - b.width) <= a.width / 63 + 1e-9, "\(a.width) pt at 150 dpi, \(b.width) pt at 300 dpi")
        let device = b.width * 300 / 72 / 63
        #expect(abs(device - device.rounded()) < 1e-9, "\(device) device pixels per stamp pixel")
    }

    /// Every text item lies on the page and no two overlap (across panels too): the fixed card
    /// layout holds in every preset, for an object with stamps and one without.
    @Test(arguments: StylePreset.allCases, ["ZTF18aabjigr", "ZTF17aaacxxf"])
    func textStaysOnThePageAndApart(preset: StylePreset, object: String) async throws {
        let (figure, list, measurer) = try await card(CardLook(preset: preset), id: object)
        let boxes = Self.texts(list).map { ($0.string, textBox($0, measurer)) }
        #expect(boxes.count > 30)
        for (text, box) in boxes {
            #expect(box.minX >= 0 && box.minY >= 0 && box.maxX <= figure.size.width && box.maxY <= figure.size.height,
                    "'\(text)' leaves the \(preset.rawValue) page: \(box)")
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let a = boxes[i].1, b = boxes[j].1
                let overlap = a.minX < b.maxX - 0.5 && b.minX < a.maxX - 0.5 && a.minY < b.maxY - 0.5 && b.minY < a.maxY - 0.5
                #expect(!overlap, "'\(boxes[i].0)' and '\(boxes[j].0)' overlap on the \(preset.rawValue) card")
            }
        }
        // Stamps stay on the page and clear of the text.
        let tiles = list.items.compactMap { item -> Rect? in
            if let r = item.primitive.image?.rect { return r }
            return item.role.hasSuffix(".nodata") ? item.primitive.rect?.rect : nil
        }
        #expect(tiles.count == 3)
        for tile in tiles {
            #expect(tile.minX >= 0 && tile.maxX <= figure.size.width && tile.maxY <= figure.size.height)
            // "no data" and a scale bar's "20″" sit inside their tile on purpose.
            #expect(boxes.allSatisfy { $0.0 == "no data" || $0.0.hasSuffix("″") || !($0.1.minX < tile.maxX && tile.minX < $0.1.maxX
                                                               && $0.1.minY < tile.maxY && tile.minY < $0.1.maxY) })
        }
    }

    @Test func paperWideCardIsTwoColumnsWideWithEightToNinePointText() async throws {
        let (figure, list, _) = try await card(CardLook(preset: .paperWide))
        #expect(abs(figure.size.width - 7.1 * 72) < 0.5 && abs(figure.size.height - 5 * 72) < 0.5)
        let sizes = Set(Self.texts(list).filter { !$0.string.isEmpty }.map(\.style.size))
        let notes = Set(list.items(role: "textblock.note").compactMap(\.text).map(\.style.size))
        #expect(sizes.subtracting(notes).allSatisfy { (8...9).contains($0) }, "\(sizes)")
        #expect(notes.allSatisfy { $0 >= 7 }, "footnotes a step smaller, still legible")
    }

    @Test func darkCardHasADarkPageLightTextAndTheSameStamps() async throws {
        let (figure, list, _) = try await card(CardLook(preset: .dark))
        #expect(figure.size == Size(960, 540), "a 1920×1080 slide at 144 dpi")
        let background = try #require(list.background)
        #expect(background.luminance < 0.15)
        for text in Self.texts(list) {
            #expect(text.style.color.luminance > 0.5, "'\(text.string)' is too dark for a dark page")
        }
        // The metadata sits in a column right of the lightcurve, and the stamps are right of it or under it.
        let title = try #require(list.items(role: "textblock.title").first?.text)
        let tiles = list.items.filter { $0.role.hasPrefix("tile.") && $0.role != "tile.frame" }
        let rects = tiles.compactMap { $0.primitive.image?.rect }
        let lastLine = try #require(list.items.filter { $0.role.hasPrefix("textblock.") }.compactMap(\.text).map(\.position.y).max())
        #expect(rects.count == 3 && rects.allSatisfy { $0.maxX < title.position.x || $0.minY > lastLine })
        #expect(try #require(figure.panels[0].content.chart).legend.isEmpty == false)
        #expect(figure.panels[0].frame.maxX <= title.position.x)

        // Stamps are data: the same pixels on a dark card as on the default one.
        let (_, screen, _) = try await card(CardLook())
        func images(_ l: DisplayList) -> [RGBAImage] {
            l.items.compactMap { $0.role.hasPrefix("tile.") ? $0.primitive.image?.image : nil }
        }
        #expect(images(list).count == 3 && images(list) == images(screen))
    }

    /// The ring and the epoch line sit where the lightcurve drew the alert, whatever the axes show.
    @Test func chosenAlertIsMarkedInTheLightcurvesOwnUnits() async throws {
        let options = LightcurveOptions(time: .sinceFirst, y: .differenceFlux, palette: .colorblind)
        let (figure, list, measurer) = try await card(CardLook(preset: .talk, lightcurve: options))
        let chart = try #require(figure.panels[0].content.chart, "no chart first")
        let data = try await fixtureObject(id.rawValue)
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let lightcurve = try LightcurveBuilder.build(data, style: figure.style, options: options)
        let point = try #require(lightcurve.points.first { $0.alertId == alert.alertId })
        #expect(point.y < 0, "a negative alert has a negative difference flux")
        let layout = ChartLayout(chart: chart, frame: figure.panels[0].frame, style: figure.style, measurer: measurer)
        let ring = try #require(list.items(role: "data.chosen").first.flatMap(markerPoints))
        #expect(abs(ring.points[0].x - layout.xScale(point.x)) < 1e-9 && abs(ring.points[0].y - layout.yScale(point.y)) < 1e-9)
        let line = try #require(list.items(role: "marker.chosen").first?.primitive.polyline, "no epoch line").points
        #expect(line.allSatisfy { abs($0.x - layout.xScale(alert.mjd - (lightcurve.t0 ?? .nan))) < 1e-9 })

        // An alert outside the time window is not marked (and nothing claims it is).
        let early = CardLook(lightcurve: LightcurveOptions(until: alert.mjd - 1))
        let (_, clipped, _) = try await card(early)
        #expect(clipped.items(role: "data.chosen").isEmpty && clipped.items(role: "marker.chosen").isEmpty)
        #expect(!Self.texts(clipped).contains { $0.string == "stamps' alert" })
        let (_, notes) = try ObjectCard.render(data, alert: alert, choice: .latest, stamps: [:],
                                               rendering: try StampRendering(), look: early, format: .png)
        #expect(notes.contains { $0.contains("outside the --since/--until window") })
        #expect(notes.contains("the stamps' alert (candid \(try #require(alert.alertId))) is not drawn in the lightcurve, so it is not marked"))
    }

    @Test func specRoundTripKeepsTheCardsStyleAndAxes() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = FigureSpec.Options(format: .png, dpi: 72, alert: .latest)
        options.style = .dark
        options.palette = .colorblind
        options.fontSize = 13
        options.time = .sinceFirst
        options.y = .differenceFlux
        let first = dir.appendingPathComponent("first.png"), again = dir.appendingPathComponent("again.png")
        let spec = FigureSpec(command: .card, objectIds: [id.rawValue], source: .init(directory: fixturesDirectory().path),
                              options: options, output: .init(file: first.path), queryTime: "2024-03-01T12:00:00Z")
        let url = dir.appendingPathComponent("card.json")
        try spec.json().write(to: url)
        let loaded = try FigureSpec.load(from: url)
        #expect(loaded == spec)
        let look = try loaded.cardLook()
        #expect(look.preset == .dark && look.fontSize == 13 && look.dpi == 72)
        #expect(look.lightcurve == LightcurveOptions(time: .sinceFirst, y: .differenceFlux, palette: .colorblind))
        #expect(loaded.normalizedOptions.contains("--style dark --palette colorblind --font-size 13 --time since-first"))

        let sources = SourceSet([DirectorySource(directory: fixturesDirectory())])
        #expect(try await BatchRunner(job: spec.batchJob(), sources: sources).entries(of: spec.objectIds)
            .map(\.status) == [.rendered])
        #expect(try await BatchRunner(job: loaded.batchJob(target: .file(again)), sources: sources)
            .entries(of: loaded.objectIds).map(\.status) == [.rendered])
        let a = try Data(contentsOf: first), b = try Data(contentsOf: again)
        #expect(a == b)
        let image = try PNGDecoder.decode(a)
        #expect(image.width == 960 && image.height == 540, "the dark card's 13.33×7.5 in page at 72 dpi")

        // A card's page follows its style: a width or height in its spec is refused, naming the field.
        var sized = spec
        sized.options.width = 800
        try sized.json().write(to: url)
        #expect(throws: FigureSpec.Failure.invalid(
            path: url.path, reason: "options.width and options.height do not apply to a card: its page follows options.style")) {
            try FigureSpec.load(from: url)
        }
    }
}

@Suite struct CutoutStyleTests {
    /// `--style dark` for cutouts: a dark page with light labels; the stamps and the grid's size
    /// are those of the default style when the type is the same size.
    @Test func darkGridHasLightLabelsAndTheSameStamps() async throws {
        let data = try await fixtureObject("ZTF17aaacxxf")
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let other = try await fixtureObject("ZTF18acefvuh")
        let otherAlert = try CutoutFigure.choose(.latest, from: other)[0]
        let gridRows = [CutoutRow(object: other.key, timeScale: other.timeScale, alert: otherAlert,
                                  stamps: try await fixtureStamps(other, alert: otherAlert)),
                        CutoutRow(object: data.key, timeScale: data.timeScale, alert: alert, stamps: [:])]
        let grid = CutoutFigure.grid(rows: gridRows, rendering: try StampRendering(), scale: 4, dpi: 150, colorbars: true)
        let measurer = try CairoTextMeasurer()
        let dark = CutoutFigure.figure(grid, style: StylePreset.dark.style(fontSize: 9), measurer: measurer)
        let light = CutoutFigure.figure(grid, style: .screen, measurer: measurer)
        #expect(dark.size.width == light.size.width)
        let list = dark.displayList(measurer: measurer)
        #expect(try #require(list.background).luminance < 0.15)
        #expect(list.items.compactMap(\.text).allSatisfy { $0.style.color.luminance > 0.5 })
        // An empty tile is a shade off the page, not a light block that outshines the stamps.
        let empty = try #require(list.items.first { $0.role.hasSuffix(".nodata") })
        let fill = try #require(empty.primitive.rect?.fill, "no tile fill")
        #expect(fill.luminance < 0.25)
        func images(_ l: DisplayList) -> [RGBAImage] {
            l.items.compactMap { $0.role.hasPrefix("tile.") ? $0.primitive.image?.image : nil }
        }
        #expect(images(list).count == 3 && images(list) == images(light.displayList(measurer: measurer)))
    }

    /// Slide-sized type on small stamps: the colour bar drops its middle value rather than run
    /// the three labels together, and the column titles keep apart.
    @Test func largeTypeKeepsColourBarLabelsAndTitlesApart() async throws {
        let data = try await fixtureObject("ZTF18acefvuh")
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let row = CutoutRow(object: data.key, timeScale: data.timeScale, alert: alert, stamps: try await fixtureStamps(data, alert: alert))
        let grid = CutoutFigure.grid(rows: [row], rendering: try StampRendering(), scale: 4, dpi: 150, colorbars: true)
        let measurer = try CairoTextMeasurer()
        let list = CutoutFigure.figure(grid, style: StylePreset.talk.style, measurer: measurer).displayList(measurer: measurer)
        let screen = CutoutFigure.figure(grid, style: .screen, measurer: measurer).displayList(measurer: measurer)
        #expect(screen.items(role: "colorbar.label").count == 7, "ends of three bars and the difference's middle")
        #expect(list.items(role: "colorbar.label").count == 6, "no room for the middle at 16 pt")
        for role in ["colorbar.label", "column.title"] {
            let boxes = list.items(role: role).compactMap(\.text).map { textBox($0, measurer) }
            #expect(boxes.count >= 3)
            for i in boxes.indices {
                for j in boxes.indices where j > i {
                    let a = boxes[i], b = boxes[j]
                    #expect(!(a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY), "\(role) overlap")
                }
            }
        }
    }
}

/// The card's arrangement rules (CardPage): stamps as large as the page allows and never off it,
/// the legend under the metadata where it fits, nothing said of a kind with no points.
@Suite struct CardArrangementTests {
    func rubinCard(_ look: CardLook) async throws -> (Figure, DisplayList) {
        let key = try Surveys.key("170028485706776685")
        let source = LSSTDirectorySource(directory: fixturesDirectory().appendingPathComponent("lsst"), shownAs: "Fixtures/lsst")
        let data = try #require(try await source.objects([key], needs: .card)[key]).get()
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let stamps = try await source.stamps(of: AlertKey(survey: .lsst, id: try #require(alert.alertId)), object: key)
        #expect(stamps.count == 3, "the fixtures hold the latest alert's three stamps")
        let measurer = try CairoTextMeasurer()
        let figure = try ObjectCard.figure(data, alert: alert, choice: .latest, stamps: stamps, rendering: try StampRendering(),
                                           look: look, measurer: measurer)
        return (figure, figure.displayList(measurer: measurer))
    }

    func tiles(_ list: DisplayList) -> [Rect] {
        list.items.filter { $0.role.hasPrefix("tile.") && $0.role != "tile.frame" }.compactMap { $0.primitive.image?.rect }
    }

    /// Rubin's 30 px stamps are enlarged, but the row never runs off the page (on paper it cut
    /// the Difference stamp in half), in every preset; their labels wrap before they shrink.
    @Test(arguments: StylePreset.allCases) func rubinStampsStayOnThePage(preset: StylePreset) async throws {
        let (figure, list) = try await rubinCard(CardLook(preset: preset))
        let rects = tiles(list)
        #expect(rects.count == 3)
        for r in rects { #expect(r.minX >= 0 && r.maxX <= figure.size.width && r.maxY <= figure.size.height, "\(r) off the page") }
        let labels = list.items(role: "row.label").compactMap(\.text)
        let measurer = try CairoTextMeasurer()
        for label in labels {
            #expect(label.position.x >= 0 && label.position.x + measurer.width(of: label.string, style: label.style) <= rects[0].minX,
                    "'\(label.string)' runs into the stamps")
        }
        // As large as on a ZTF card: a tile at least a fifth of the page's height.
        #expect(rects[0].height >= figure.size.height / 5, "\(rects[0].height) pt on a \(figure.size.height) pt page")
    }

    /// Slides draw the stamps larger than the 3 device pixels per stamp pixel they had (189 px of
    /// a 1080 px slide), within the stamps' share of the height.
    @Test(arguments: [StylePreset.talk, .dark]) func slideStampsAreLarge(preset: StylePreset) async throws {
        let data = try await fixtureObject("ZTF18acefvuh")
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let stamps = try await fixtureStamps(data, alert: alert)
        let measurer = try CairoTextMeasurer()
        let figure = try ObjectCard.figure(data, alert: alert, choice: .latest, stamps: stamps, rendering: try StampRendering(),
                                           look: CardLook(preset: preset), measurer: measurer)
        let list = figure.displayList(measurer: measurer)
        let rects = tiles(list)
        #expect(rects.count == 3)
        let devicePixels = try #require(rects.first).height * 2   // 144 dpi: 2 device pixels per point
        #expect(devicePixels >= 4 * 63, "\(devicePixels) px stamps on a 1080 px slide")
        let grid = try #require(figure.panels.first { if case .imageGrid = $0.content { true } else { false } })
        #expect(grid.frame.height <= figure.size.height * ObjectCard.maxStampShare + 1e-9)
    }

    /// Where the metadata leaves room under it, the legend is a column there and the plot takes
    /// the lightcurve panel's height (no legend rows above it); the column stays in the metadata's
    /// column, under its last line, and on the page.
    @Test func legendGoesUnderTheMetadataWhereItFits() async throws {
        let data = try await fixtureObject("ZTF19acihgng")
        let alert = try CutoutFigure.choose(.latest, from: data)[0]
        let stamps = try await fixtureStamps(data, alert: alert)
        let measurer = try CairoTextMeasurer()
        let figure = try ObjectCard.figure(data, alert: alert, choice: .latest, stamps: stamps, rendering: try StampRendering(),
                                           look: CardLook(), measurer: measurer)
        let list = figure.displayList(measurer: measurer)
        let chart = try #require(figure.panels[0].content.chart)
        let origin = try #require(chart.legendOrigin, "the legend stayed above the plot")
        let block = figure.panels[1].frame
        let box = try #require(list.items(role: "legend.frame").first?.primitive.rect?.rect)
        #expect(box.minX == origin.x && box.minY == origin.y && box.minX >= block.minX && box.maxX <= block.maxX && box.maxY <= block.maxY)
        let lastText = try #require(list.items.filter { $0.role.hasPrefix("textblock.") }.compactMap(\.text).map(\.position.y).max())
        #expect(box.minY > lastText)
        let labels = list.items(role: "legend.label").compactMap(\.text)
        #expect(labels.count == chart.legend.count && labels.allSatisfy { box.minY < $0.position.y && $0.position.y < box.maxY })
        // The plot starts a pad from the panel's top: nothing is above it.
        let layout = ChartLayout(chart: chart, frame: figure.panels[0].frame, style: figure.style, measurer: measurer)
        #expect(layout.plotRect.minY <= figure.panels[0].frame.minY + 1.0 * figure.style.fontSize)
        // The same object's card without room (a taller slide type) keeps the legend above the plot.
        var above = chart
        above.legendOrigin = nil
        let top = ChartLayout(chart: above, frame: figure.panels[0].frame, style: figure.style, measurer: measurer)
        #expect(top.plotRect.height < layout.plotRect.height)
    }

    /// No "Bad quality 0": a kind without points says nothing the legend does not.
    @Test func kindsWithoutPointsAreNotListed() async throws {
        let facts = CardFacts(try await fixtureObject("ZTF19acihgng"))
        #expect(facts.badQuality == 0, "the fixture has no bad-quality rows")
        let keys = facts.textBlock.rows.map(\.key)
        #expect(!keys.contains("Bad quality") && keys.contains("Upper limits") && keys.contains("Detections"))
    }
}

extension CommandLineTests {
    /// `card --style … --time …` as a user types it: the card's size, its spec, `render` of that
    /// spec (--table, once a lightcurve's alone, is the card's too: CLIStreamsAndNamesTests).
    @Test func cardTakesStyleAndAxisOptionsAndRecordsThem() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let from = fixturesDirectory().path
        let made = try await run(["card", "ZTF18aabjigr", "--from", from, "--style", "dark", "--palette", "colorblind",
                                  "--time", "since-first", "--dpi", "72", "-o", "c.png", "--save-spec", "c.json"], in: dir)
        #expect(made.status == 0, "\(made.err)")
        let png = try Data(contentsOf: dir.appendingPathComponent("c.png"))
        let image = try PNGDecoder.decode(png)
        #expect(image.width == 960 && image.height == 540)
        let spec = try FigureSpec.load(from: dir.appendingPathComponent("c.json"))
        #expect(spec.options.style == .dark && spec.options.palette == .colorblind && spec.options.time == .sinceFirst)
        #expect(spec.options.dpi == 72 && spec.options.width == nil)

        let again = try await run(["render", "c.json", "-o", "again.png"], in: dir)
        #expect(again.status == 0, "\(again.err)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("again.png")) == png)

        let style = try await run(["card", "ZTF18aabjigr", "--from", from, "--style", "poster"], in: dir)
        // Presets are parsed by the argument parser now (ExpressibleByArgument), which names the value and the option.
        #expect(style.status != 0 && style.err.contains("The value 'poster' is invalid for '--style <name>'"), "\(style.err)")
        let grid = try await run(["cutouts", "ZTF18aabjigr", "--from", from, "--style", "dark", "-o", "g.png"], in: dir)
        #expect(grid.status == 0, "\(grid.err)")
        let chunks = Dictionary(try PNGText.read(try Data(contentsOf: dir.appendingPathComponent("g.png"))).map { ($0.keyword, $0.text) },
                                uniquingKeysWith: { a, _ in a })
        #expect(chunks["finkplot:options"]?.contains("--style dark") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["again.png", "c.json", "c.png", "g.png"])
    }
}
