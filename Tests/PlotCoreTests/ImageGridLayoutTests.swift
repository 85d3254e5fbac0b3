import TestSupport
import Testing
@testable import PlotCore

@Suite struct ImageGridLayoutTests {
    static let image = RGBAImage(width: 10, height: 10, fill: (r: 0, g: 0, b: 0, a: 255))
    static let bar = Colorbar(ramp: RGBAImage(width: 4, height: 1, fill: (r: 9, g: 9, b: 9, a: 255)), lowLabel: "0", highLabel: "1")

    func layout(_ rows: [ImageGridRow]) -> ImageGridLayout {
        ImageGridLayout(grid: ImageGrid(columnTitles: ["A"], rows: rows, pixelSize: 4, devicePixelsPerPoint: 1),
                        style: .screen, measurer: ApproximateTextMeasurer())
    }

    @Test func onlyRowsWithColourBarsKeepRoomForThem() throws {
        let withBar = ImageGridRow(labels: ["x"], tiles: [ImageTile(role: "a", image: Self.image, colorbar: Self.bar)])
        let noData = ImageGridRow(labels: ["y"], tiles: [ImageTile(role: "a", image: nil)])
        let both = layout([withBar, noData])
        // The "no data" row ends one pad above the page's bottom edge: no empty colour-bar band.
        let lastTile = both.items().last { $0.role == "tile.a.nodata" }
        let rect = try #require(lastTile?.primitive.rect, "no placeholder tile").rect
        #expect(abs(both.size.height - (rect.maxY + both.pad)) < 1e-9)
        // And a grid of bars alone is taller than one without.
        #expect(layout([withBar, withBar]).size.height > both.size.height)
    }
}

@Suite struct ImageGridLabelPlacementTests {
    static let image = RGBAImage(width: 10, height: 10, fill: (r: 0, g: 0, b: 0, a: 255))
    static let long = ["ZTF18acefvuh", "candid 1034527953215010006", "r = 19.73 ± 0.18, fainter than reference"]

    func layout(_ labels: [String], placement: ImageGrid.LabelPlacement = .auto) -> ImageGridLayout {
        var grid = ImageGrid(columnTitles: ["A", "B", "C"],
                             rows: [ImageGridRow(labels: labels, tiles: (0..<3).map { _ in ImageTile(role: "a", image: Self.image) })],
                             pixelSize: 4, devicePixelsPerPoint: 1)
        grid.labelPlacement = placement
        return ImageGridLayout(grid: grid, style: .screen, measurer: ApproximateTextMeasurer())
    }

    /// Labels that would take over 40 % of the grid's width go above the images, within their
    /// width; short labels keep their left column; `.left` always keeps it.
    @Test func labelColumnNeverTakesMoreThanItsShare() throws {
        let wide = layout(Self.long)
        #expect(wide.labelsAbove && wide.labelColumn == 0)
        let items = wide.items()
        let tile = try #require(items.first { $0.role == "tile.a" }?.primitive.image?.rect)
        let labels = items.filter { $0.role == "row.label" }.compactMap(\.text)
        #expect(labels.count == 3 && labels.allSatisfy { $0.position.y < tile.minY && $0.position.x >= tile.minX })
        let left = layout(Self.long, placement: .left)
        #expect(!left.labelsAbove && left.labelColumn > ImageGridLayout.maxLabelShare * left.size.width)
        #expect(wide.size.width < left.size.width)
        let short = layout(["x", "y"])
        #expect(!short.labelsAbove && short.labelColumn > 0 && short.labelColumn <= ImageGridLayout.maxLabelShare * short.size.width)
    }

    /// With labels above the rows, the column titles sit right over the stamps they name, under
    /// the first row's labels (not over the labels, far from their stamps); the page keeps its height.
    @Test func columnTitlesSitRightOverTheStampsUnderTheFirstRowsLabels() throws {
        let above = layout(Self.long)
        #expect(above.labelsAbove)
        let items = above.items()
        let tile = try #require(items.first { $0.role == "tile.a" }?.primitive.image?.rect)
        let titles = items.filter { $0.role == "column.title" }.compactMap(\.text)
        let labels = items.filter { $0.role == "row.label" }.compactMap(\.text)
        let lastLabel = try #require(labels.map(\.position.y).max())
        #expect(titles.count == 3)
        for title in titles {
            #expect(title.position.y > lastLabel, "'\(title.string)' above the row's labels")
            // Tiles are snapped to whole device pixels (one per point here).
            #expect(tile.minY - title.position.y <= above.headerHeight + 0.5, "'\(title.string)' not right over its stamp")
        }
        let tiles = items.filter { $0.role == "tile.a" }.compactMap { $0.primitive.image?.rect }
        #expect(abs(above.size.height - (tiles.map(\.maxY).max()! + above.pad)) <= 0.5, "the page ends a pad under the stamps")
    }
}
