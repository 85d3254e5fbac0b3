/// A block of text in a panel: an optional title, key/value rows in two aligned columns (a value
/// may hold `\n` line breaks), and
/// notes in a smaller, muted type below them (e.g. an object's metadata beside its lightcurve).
public struct TextBlock: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) { self.key = key; self.value = value }
    }

    public var title: String?
    public var rows: [Row]
    public var notes: [String]

    public init(title: String? = nil, rows: [Row], notes: [String] = []) {
        self.title = title; self.rows = rows; self.notes = notes
    }
}

/// Places a `TextBlock` inside a frame. Values wrap at spaces when they would cross the frame's
/// right edge, so a long classification never runs into the next panel or off the page.
public struct TextBlockLayout {
    public let block: TextBlock
    public let frame: Rect
    public let style: Style
    let measurer: any TextMeasurer

    public init(block: TextBlock, frame: Rect, style: Style, measurer: any TextMeasurer) {
        self.block = block; self.frame = frame; self.style = style; self.measurer = measurer
    }

    /// The width the title and rows need without wrapping (notes wrap to any width), padding
    /// included: lets a page give the block a column it fits in.
    public var naturalWidth: Double {
        let em = style.fontSize
        let keyStyle = style.text(style.fontSize, weight: .bold)
        let valueStyle = style.text(style.fontSize)
        let keyWidth = block.rows.map { measurer.width(of: $0.key, style: keyStyle) }.max() ?? 0
        let valueWidth = block.rows.flatMap { $0.value.split(separator: "\n").map { measurer.width(of: String($0), style: valueStyle) } }
            .max() ?? 0
        let title = block.title.map { measurer.width(of: $0, style: style.text(style.titleSize, weight: .bold)) } ?? 0
        return 0.9 * em + max(title, keyWidth + 0.9 * em + valueWidth) + 0.9 * em
    }

    public func items() -> [DisplayItem] { laidOut().items }

    /// How far down the frame the block's text reaches, its bottom padding included: lets a page
    /// put something under it (a card's legend).
    public var usedHeight: Double { laidOut().bottom + 0.9 * style.fontSize - frame.minY }

    /// The items and where the last line ends.
    func laidOut() -> (items: [DisplayItem], bottom: Double) {
        let em = style.fontSize
        let pad = 0.9 * em
        let lineStep = 1.45 * em
        let keyStyle = style.text(style.fontSize, weight: .bold)
        let valueStyle = style.text(style.fontSize)
        // Muted towards the page rather than a fixed grey, so notes stay readable on a dark page.
        let muted = style.textColor.mixed(with: style.background, 0.4)
        let noteStyle = TextStyle(family: style.fontFamily, size: style.fontSize * 0.9, color: muted)
        var out: [DisplayItem] = []
        var y = frame.minY + pad
        let left = frame.minX + pad
        let right = frame.maxX - pad
        if let title = block.title {
            out.append(DisplayItem("textblock.title", .text(TextItem(title, at: Point(left, y), vertical: .top,
                                                                    style: style.text(style.titleSize, weight: .bold)))))
            y += TextMetrics.lineHeight(style.titleSize) + 0.9 * em
        }
        let keyWidth = block.rows.map { measurer.width(of: $0.key, style: keyStyle) }.max() ?? 0
        let valueX = left + keyWidth + 0.9 * em
        for row in block.rows {
            out.append(DisplayItem("textblock.key", .text(TextItem(row.key, at: Point(left, y), vertical: .top, style: keyStyle))))
            let lines = wrap(row.value, width: max(em, right - valueX), style: valueStyle)
            for (i, line) in lines.enumerated() {
                out.append(DisplayItem("textblock.value", .text(TextItem(
                    line, at: Point(valueX, y + Double(i) * lineStep), vertical: .top, style: valueStyle))))
            }
            y += Double(max(1, lines.count)) * lineStep
        }
        if !block.notes.isEmpty { y += 0.6 * em }
        for note in block.notes {
            for line in wrap(note, width: max(em, right - left), style: noteStyle) {
                out.append(DisplayItem("textblock.note", .text(TextItem(line, at: Point(left, y), vertical: .top, style: noteStyle))))
                y += 1.35 * noteStyle.size
            }
        }
        return (out, y)
    }

    /// Greedy word wrap of each `\n`-separated line; a single word wider than `width` stays whole
    /// on its own line.
    func wrap(_ text: String, width: Double, style: TextStyle) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { wrapLine(String($0), width: width, style: style) }
    }

    func wrapLine(_ text: String, width: Double, style: TextStyle) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if current.isEmpty || measurer.width(of: candidate, style: style) <= width {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
