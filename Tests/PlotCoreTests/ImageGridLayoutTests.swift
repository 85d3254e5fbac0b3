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
