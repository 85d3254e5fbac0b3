/// The renderer contract: a flat list of a few primitives in figure points.
///
/// Layout turns a `Figure` into this list; a renderer (Cairo) only draws it. Tests read it to check
/// which marks a figure has, where, and in which order, without decoding pixels.
public struct DisplayList: Sendable, Equatable {
    /// Page size in points (1/72 in).
    public var size: Size
    public var background: Color?
    public var items: [DisplayItem]

    public init(size: Size, background: Color?, items: [DisplayItem] = []) {
        self.size = size
        self.background = background
        self.items = items
    }

    /// The items whose role starts with `prefix` (roles are dot-separated, e.g. `data.g.valid`).
    public func items(role prefix: String) -> [DisplayItem] {
        items.filter { $0.role == prefix || $0.role.hasPrefix(prefix + ".") }
    }
}

/// A stroke: colour, width in points, optional dash pattern (on/off lengths in points).
public struct Stroke: Sendable, Equatable, Hashable {
    public var color: Color
    public var width: Double
    public var dash: [Double]
    public init(color: Color, width: Double, dash: [Double] = []) {
        self.color = color; self.width = width; self.dash = dash
    }
}

/// Raw values are stable names (specs and tests use them); add cases, never rename.
public enum MarkerShape: String, Sendable, CaseIterable {
    case circle
    case triangleUp
    case triangleDown
    case square
    case diamond
    case triangleLeft
    case triangleRight
    /// Five-pointed (a regular pentagram's outline).
    case star
    case pentagon
    case hexagon
}

/// Marker appearance. `size` in points is the diameter of a circle marker; the other shapes are
/// scaled to a similar visual weight, so their circumscribed circle is `size * shape.reach` across
/// (see `MarkerShape.reach` for the rule).
public struct MarkerStyle: Sendable, Equatable, Hashable {
    public var shape: MarkerShape
    public var size: Double
    public var fill: Color?
    public var stroke: Stroke?

    public init(shape: MarkerShape, size: Double, fill: Color?, stroke: Stroke?) {
        self.shape = shape; self.size = size; self.fill = fill; self.stroke = stroke
    }
}

public enum FontWeight: String, Sendable, Equatable { case normal, bold }

public struct TextStyle: Sendable, Equatable, Hashable {
    public var family: String
    public var size: Double
    public var weight: FontWeight
    public var color: Color
    public init(family: String, size: Double, weight: FontWeight = .normal, color: Color = .black) {
        self.family = family; self.size = size; self.weight = weight; self.color = color
    }
}

public enum HorizontalAnchor: String, Sendable { case start, middle, end }
/// Vertical anchors use fixed fractions of the em (see `TextMetrics`), so layout and renderer agree.
public enum VerticalAnchor: String, Sendable { case top, middle, baseline, bottom }

public struct TextItem: Sendable, Equatable {
    public var string: String
    public var position: Point
    public var horizontal: HorizontalAnchor
    public var vertical: VerticalAnchor
    public var style: TextStyle
    /// Counter-clockwise rotation in degrees about `position` (90 for a y-axis title).
    public var rotation: Double
    public init(_ string: String, at position: Point, horizontal: HorizontalAnchor = .start,
                vertical: VerticalAnchor = .baseline, style: TextStyle, rotation: Double = 0) {
        self.string = string; self.position = position; self.horizontal = horizontal
        self.vertical = vertical; self.style = style; self.rotation = rotation
    }
}

public struct Segment: Sendable, Equatable, Hashable {
    public var from: Point
    public var to: Point
    public init(_ from: Point, _ to: Point) { self.from = from; self.to = to }
}

public enum Primitive: Sendable, Equatable {
    case rect(Rect, fill: Color?, stroke: Stroke?)
    case polyline([Point], stroke: Stroke)
    /// Unconnected segments sharing one stroke (ticks, error bars).
    case segments([Segment], stroke: Stroke)
    case markers([Point], style: MarkerStyle)
    case text(TextItem)
    /// A raster scaled into `rect` with nearest-neighbour sampling (one stamp pixel = one block).
    case image(RGBAImage, rect: Rect)
    /// Restricts later items to `rect` until the matching `popClip`.
    case pushClip(Rect)
    case popClip
}

public struct DisplayItem: Sendable, Equatable {
    /// What the item means, dot-separated, e.g. `data.g.upperlim`, `errorbar.r.valid`, `axis.x.ticklabel`.
    public var role: String
    public var primitive: Primitive
    public init(_ role: String, _ primitive: Primitive) { self.role = role; self.primitive = primitive }

    public var text: TextItem? {
        if case let .text(t) = primitive { return t }
        return nil
    }
}
