/// A horizontal colour bar under an image: the colour ramp and labels at its ends (and middle).
public struct Colorbar: Sendable, Equatable {
    /// The ramp as a one-row image, left = low end.
    public var ramp: RGBAImage
    public var lowLabel: String
    public var highLabel: String
    public var midLabel: String?
    public init(ramp: RGBAImage, lowLabel: String, highLabel: String, midLabel: String? = nil) {
        self.ramp = ramp; self.lowLabel = lowLabel; self.highLabel = highLabel; self.midLabel = midLabel
    }
}

/// A bar of known angular length drawn inside an image's lower-left corner.
public struct ScaleBar: Sendable, Equatable {
    /// Length in image pixels.
    public var pixels: Double
    /// What it measures, e.g. `2″`.
    public var label: String
    public init(pixels: Double, label: String) { self.pixels = pixels; self.label = label }

    /// A bar of a round angle near a third of `width` pixels at `arcsecPerPixel` (1″, 2″, 5″,
    /// 10″, 20″, 30″, 1′...); nil when the image is too small for the smallest.
    public static func fitting(width: Int, arcsecPerPixel: Double) -> ScaleBar? {
        guard width > 0, arcsecPerPixel > 0 else { return nil }
        let span = Double(width) * arcsecPerPixel
        let steps: [Double] = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300]
        guard let angle = steps.last(where: { $0 <= span * 0.36 }) else { return nil }
        let label = angle >= 60 ? "\(Int(angle / 60))′" : (angle < 1 ? "0.5″" : "\(Int(angle))″")
        return ScaleBar(pixels: angle / arcsecPerPixel, label: label)
    }
}

/// One cell of an image grid: an image, or a "no data" placeholder when `image` is nil.
public struct ImageTile: Sendable, Equatable {
    public var role: String
    public var image: RGBAImage?
    public var placeholder: String
    public var colorbar: Colorbar?
    public var scaleBar: ScaleBar?
    public init(role: String, image: RGBAImage?, placeholder: String = "no data", colorbar: Colorbar? = nil,
                scaleBar: ScaleBar? = nil) {
        self.role = role; self.image = image; self.placeholder = placeholder; self.colorbar = colorbar
        self.scaleBar = scaleBar
    }
}

public struct ImageGridRow: Sendable, Equatable {
    /// Lines left of the row; the first is drawn bold (e.g. objectId, then candid and date).
    public var labels: [String]
    public var tiles: [ImageTile]
    public init(labels: [String], tiles: [ImageTile]) { self.labels = labels; self.tiles = tiles }
}

/// Rows of images under column titles, each image pixel drawn as a block of `pixelSize` points.
///
/// Image rectangles are snapped to whole device pixels (`devicePixelsPerPoint`), so an upscaled
/// stamp pixel is exactly N×N output pixels, never a blurred or uneven block.
public struct ImageGrid: Sendable, Equatable {
    public var title: String?
    public var columnTitles: [String]
    public var rows: [ImageGridRow]
    /// Size of one image pixel, in points.
    public var pixelSize: Double
    public var devicePixelsPerPoint: Double
    /// The side, in image pixels, of the cells of a grid that has no image at all.
    public var placeholderPixels: Int
    /// Where rows' labels go (see `LabelPlacement`).
    public var labelPlacement: LabelPlacement = .auto

    /// Where the rows' labels go.
    public enum LabelPlacement: Sendable, Equatable {
        /// In a column left of the images, as wide as the widest label, unless that column would
        /// take more than `ImageGridLayout.maxLabelShare` of the grid's width (large type beside
        /// small images, as on slides): then above each row's images, in lines as wide as the images.
        case auto
        /// Always in the left column (a page that has the width to spare, as an object card).
        case left
    }

    public init(title: String? = nil, columnTitles: [String], rows: [ImageGridRow], pixelSize: Double,
                devicePixelsPerPoint: Double, placeholderPixels: Int = 48) {
        self.title = title; self.columnTitles = columnTitles; self.rows = rows
        self.pixelSize = pixelSize; self.devicePixelsPerPoint = devicePixelsPerPoint
        self.placeholderPixels = placeholderPixels
    }

    /// Largest image in the grid, in image pixels (cells are all this size).
    var cellPixels: (width: Int, height: Int) {
        let images = rows.flatMap(\.tiles).compactMap(\.image)
        return (images.map(\.width).max() ?? placeholderPixels, images.map(\.height).max() ?? placeholderPixels)
    }
    var hasColorbars: Bool { rows.contains { $0.tiles.contains { $0.colorbar != nil } } }
}

/// Places an `ImageGrid`; `size` is the page it needs, so figures are sized to their content.
public struct ImageGridLayout {
    public let grid: ImageGrid
    public let style: Style
    let measurer: any TextMeasurer
    let em: Double
    let labelWidth: Double
    let cell: Size

    public init(grid: ImageGrid, style: Style, measurer: any TextMeasurer) {
        self.grid = grid
        self.style = style
        self.measurer = measurer
        em = style.fontSize
        let bold = style.text(style.fontSize, weight: .bold), plain = style.text(style.fontSize)
        labelWidth = grid.rows.flatMap { row in
            row.labels.enumerated().map { measurer.width(of: $1, style: $0 == 0 ? bold : plain) }
        }.max() ?? 0
        let px = grid.cellPixels
        cell = Size(Double(px.width) * grid.pixelSize, Double(px.height) * grid.pixelSize)
        let header = style.text(style.labelSize, weight: .bold)
        let titleOverhang = max(0, (grid.columnTitles.map { measurer.width(of: $0, style: header) }.max() ?? 0) - cell.width)
        // Both are read per row and per tile, so the scan for colour bars is done once, here.
        let hasColorbars = grid.hasColorbars
        gap = max(hasColorbars ? 1.6 * em : 0.7 * em, titleOverhang + 0.8 * em)
        colorbarHeight = hasColorbars ? 0.4 * em + 0.7 * em + 0.3 * em + TextMetrics.lineHeight(style.fontSize * 0.85) : 0
        // The label column as the labels measure; above the rows when it would dominate the grid.
        let columns = max(grid.columnTitles.count, grid.rows.map(\.tiles.count).max() ?? 0)
        let imagesWidth = Double(columns) * cell.width + Double(max(0, columns - 1)) * gap
        let column = labelWidth > 0 ? labelWidth + 1.2 * em : 0
        labelsAbove = grid.labelPlacement == .auto && column > Self.maxLabelShare * (0.9 * em + column + imagesWidth + 0.9 * em)
        if labelsAbove {
            let em = self.em, measurer = self.measurer
            labelLines = grid.rows.map { row in
                // Greedy lines of whole labels, 1.2 em apart, no wider than the images.
                var lines: [[Int]] = [], line: [Int] = [], used = 0.0
                for (i, text) in row.labels.enumerated() {
                    let w = measurer.width(of: text, style: i == 0 ? bold : plain)
                    if !line.isEmpty && used + 1.2 * em + w > imagesWidth { lines.append(line); line = []; used = 0 }
                    used += (line.isEmpty ? 0 : 1.2 * em) + w
                    line.append(i)
                }
                if !line.isEmpty { lines.append(line) }
                return lines
            }
        } else {
            labelLines = []
        }
    }

    /// The largest share of the grid's width the left label column may take (see `LabelPlacement.auto`).
    public static let maxLabelShare = 0.4
    /// True when the rows' labels are set above their images instead of in a left column.
    public let labelsAbove: Bool
    /// With `labelsAbove`, each row's lines of label indices.
    let labelLines: [[[Int]]]
    /// Height of a row's labels set above its images (0 in a left column).
    func labelsHeight(_ index: Int) -> Double {
        guard labelsAbove, index < labelLines.count, !labelLines[index].isEmpty else { return 0 }
        return Double(labelLines[index].count) * 1.3 * em + 0.3 * em
    }

    var pad: Double { 0.9 * em }
    /// Wider with colour bars, so one bar's end label never runs into the next bar's start label,
    /// and wide enough that column titles broader than their cells (large type, small stamps) keep
    /// a space between them.
    let gap: Double
    var titleHeight: Double { grid.title == nil ? 0 : TextMetrics.lineHeight(style.titleSize) + 0.8 * em }
    var headerHeight: Double { TextMetrics.lineHeight(style.labelSize) + 0.6 * em }
    let colorbarHeight: Double
    /// The left label column's width: what the widest label measures, 0 when labels go above.
    var labelColumn: Double { labelWidth > 0 && !labelsAbove ? labelWidth + 1.2 * em : 0 }
    var columns: Int { max(grid.columnTitles.count, grid.rows.map(\.tiles.count).max() ?? 0) }
    /// A row keeps room for colour bars only if one of its tiles has one ("no data" rows don't).
    func rowHeight(_ index: Int) -> Double {
        let row = grid.rows[index]
        let bars = row.tiles.contains { $0.colorbar != nil } ? colorbarHeight : 0
        if labelsAbove { return labelsHeight(index) + cell.height + bars }
        let lines = Double(row.labels.count) * 1.3 * em
        return max(cell.height + bars, lines)
    }

    /// The page this grid needs, in points.
    public var size: Size {
        let width = pad + labelColumn + Double(columns) * cell.width + Double(max(0, columns - 1)) * gap + pad
        let height = pad + titleHeight + headerHeight + grid.rows.indices.map(rowHeight).reduce(0, +)
            + Double(max(0, grid.rows.count - 1)) * gap + pad
        return Size(width, height)
    }

    /// A "no data" tile: light grey on a light page; on a dark page a shade just off the
    /// background, so an empty tile does not outshine the stamps beside it.
    var placeholderFill: Color { style.isDark ? style.background.mixed(with: style.textColor, 0.12) : Color(hex: "#EEEEEE") }
    var placeholderText: Color { style.isDark ? style.background.mixed(with: style.textColor, 0.6) : Color(hex: "#777777") }

    func snap(_ v: Double) -> Double { (v * grid.devicePixelsPerPoint).rounded() / grid.devicePixelsPerPoint }

    /// A white bar with its label on a translucent dark plate, in the image's lower-left corner:
    /// legible on any stamp, dark or bright. Left out when the image is too small to hold it.
    func scaleBarItems(_ bar: ScaleBar, in rect: Rect) -> [DisplayItem] {
        let length = bar.pixels * grid.pixelSize
        // The figure's own text size: a paper figure keeps its 8 pt floor.
        let small = TextStyle(family: style.fontFamily, size: style.fontSize, weight: .bold, color: .white)
        let textWidth = measurer.width(of: bar.label, style: small)
        let inset = 0.25 * em, thickness = max(1, 0.18 * em)
        let plate = Rect(x: rect.minX + inset, y: rect.maxY - inset - thickness - TextMetrics.lineHeight(small.size) - 3 * inset / 2,
                         width: max(length, textWidth) + inset, height: thickness + TextMetrics.lineHeight(small.size) + inset)
        guard plate.width <= rect.width - 2 * inset, plate.minY >= rect.minY else { return [] }
        let barRect = Rect(x: plate.minX + inset / 2, y: plate.maxY - inset / 2 - thickness, width: length, height: thickness)
        return [
            DisplayItem("scalebar.plate", .rect(plate, fill: Color(hex: "#000000").withAlpha(0.45), stroke: nil)),
            DisplayItem("scalebar", .rect(barRect, fill: .white, stroke: nil)),
            DisplayItem("scalebar.label", .text(TextItem(bar.label, at: Point(barRect.minX, barRect.minY - inset / 3),
                                                        horizontal: .start, vertical: .bottom, style: small))),
        ]
    }

    public func items(origin: Point = Point(0, 0)) -> [DisplayItem] {
        var out: [DisplayItem] = []
        let left = origin.x + pad + labelColumn
        var y = origin.y + pad
        if let title = grid.title {
            out.append(DisplayItem("title", .text(TextItem(title, at: Point(origin.x + size.width / 2, y), horizontal: .middle,
                                                          vertical: .top, style: style.text(style.titleSize, weight: .bold)))))
            y += titleHeight
        }
        func columnTitles(at y: Double) {
            for (c, title) in grid.columnTitles.enumerated() {
                let x = left + Double(c) * (cell.width + gap) + cell.width / 2
                out.append(DisplayItem("column.title", .text(TextItem(title, at: Point(x, y), horizontal: .middle, vertical: .top,
                                                                     style: style.text(style.labelSize, weight: .bold)))))
            }
        }
        // Labels above the rows: the first row's labels come first and the column titles sit
        // right over the stamps they name, not over the labels.
        if !labelsAbove {
            columnTitles(at: y)
            y += headerHeight
        }
        let frameStroke = Stroke(color: style.axisColor, width: style.lineWidth * 0.6)
        for (index, row) in grid.rows.enumerated() {
            let rowTop = y
            if labelsAbove {
                // Lines of whole labels above the images, from the images' left edge.
                for (l, line) in labelLines[index].enumerated() {
                    var x = left
                    for i in line {
                        let textStyle = style.text(style.fontSize, weight: i == 0 ? .bold : .normal)
                        out.append(DisplayItem("row.label", .text(TextItem(
                            row.labels[i], at: Point(x, rowTop + Double(l) * 1.3 * em), horizontal: .start, vertical: .top,
                            style: textStyle))))
                        x += measurer.width(of: row.labels[i], style: textStyle) + 1.2 * em
                    }
                }
                y += labelsHeight(index)
                if index == 0 {
                    columnTitles(at: y)
                    y += headerHeight
                }
            } else {
                let labelTop = y + cell.height / 2 - Double(row.labels.count) * 1.3 * em / 2
                for (i, line) in row.labels.enumerated() {
                    out.append(DisplayItem("row.label", .text(TextItem(
                        line, at: Point(origin.x + pad, labelTop + Double(i) * 1.3 * em), horizontal: .start, vertical: .top,
                        style: style.text(style.fontSize, weight: i == 0 ? .bold : .normal)))))
                }
            }
            for (c, tile) in row.tiles.enumerated() {
                let cellX = left + Double(c) * (cell.width + gap)
                if let image = tile.image, image.width > 0, image.height > 0 {
                    let w = Double(image.width) * grid.pixelSize, h = Double(image.height) * grid.pixelSize
                    let rect = Rect(x: snap(cellX + (cell.width - w) / 2), y: snap(y + (cell.height - h) / 2), width: w, height: h)
                    out.append(DisplayItem("tile.\(tile.role)", .image(image, rect: rect)))
                    out.append(DisplayItem("tile.frame", .rect(rect, fill: nil, stroke: frameStroke)))
                    if let bar = tile.scaleBar { out += scaleBarItems(bar, in: rect) }
                } else {
                    let rect = Rect(x: cellX, y: y, width: cell.width, height: cell.height)
                    out.append(DisplayItem("tile.\(tile.role).nodata", .rect(rect, fill: placeholderFill, stroke: frameStroke)))
                    out.append(DisplayItem("tile.nodata.label", .text(TextItem(
                        tile.placeholder, at: Point(rect.midX, rect.midY), horizontal: .middle, vertical: .middle,
                        style: TextStyle(family: style.fontFamily, size: style.fontSize, color: placeholderText)))))
                }
                if let bar = tile.colorbar {
                    let top = y + cell.height + 0.4 * em
                    let rect = Rect(x: cellX, y: top, width: cell.width, height: 0.7 * em)
                    out.append(DisplayItem("colorbar.\(tile.role)", .image(bar.ramp, rect: rect)))
                    out.append(DisplayItem("colorbar.frame", .rect(rect, fill: nil, stroke: frameStroke)))
                    var small = style.text(style.fontSize * 0.85)
                    // End labels that would meet on a narrow bar are set smaller (down to 60 %).
                    let ends = measurer.width(of: bar.lowLabel, style: small) + measurer.width(of: bar.highLabel, style: small)
                    if ends + 0.5 * em > rect.width {
                        small = style.text(style.fontSize * 0.85 * max(0.6, (rect.width - 0.5 * em) / ends))
                    }
                    let ly = rect.maxY + 0.3 * em
                    out.append(DisplayItem("colorbar.label", .text(TextItem(bar.lowLabel, at: Point(rect.minX, ly), horizontal: .start, vertical: .top, style: small))))
                    out.append(DisplayItem("colorbar.label", .text(TextItem(bar.highLabel, at: Point(rect.maxX, ly), horizontal: .end, vertical: .top, style: small))))
                    // The middle value only when it keeps half an em from both ends (large type on a
                    // small stamp would run the three together).
                    if let mid = bar.midLabel,
                       measurer.width(of: mid, style: small) / 2 + max(measurer.width(of: bar.lowLabel, style: small),
                                                                       measurer.width(of: bar.highLabel, style: small))
                           + 0.5 * em <= rect.width / 2 {
                        out.append(DisplayItem("colorbar.label", .text(TextItem(mid, at: Point(rect.midX, ly), horizontal: .middle, vertical: .top, style: small))))
                    }
                }
            }
            y = rowTop + rowHeight(index) + gap + (labelsAbove && index == 0 ? headerHeight : 0)
        }
        return out
    }
}
