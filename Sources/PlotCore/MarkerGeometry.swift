import Foundation

/// Marker outlines, shared by renderers and tests so every output draws the same shapes.
///
/// A marker of `size` is not inscribed in a circle of diameter `size`: a star or triangle drawn so
/// looks much smaller than a circle. Instead, compact shapes (square, pentagon, hexagon) have the
/// circle's area, and pointed ones (triangles, diamond, star) about two thirds of it (65-70%), since
/// their tips make them look bigger than their area. The triangle, square and diamond factors are
/// the ones this renderer always used; the star's 1.4 is also Plotly's, which the Fink Portal draws with.
extension MarkerShape {
    /// Distance from the centre to the farthest vertex, in units of `size / 2`.
    public var reach: Double {
        switch self {
        case .circle: 1
        case .triangleUp, .triangleDown, .triangleLeft, .triangleRight: 1.25 // area 0.65 of the circle
        case .square: 0.886 * 2.0.squareRoot() // half-side 0.886 = √π/2: the circle's area
        case .diamond: 1.2 // area 0.69
        case .star: 1.4 // area 0.70
        case .pentagon: (Double.pi / (2.5 * sin(0.4 * .pi))).squareRoot() // 1.150: the circle's area
        case .hexagon: (Double.pi / (1.5 * 3.0.squareRoot())).squareRoot() // 1.100: the circle's area
        }
    }

    /// The outline's vertices (y pointing down, as on the page) of a marker of `size` centred on
    /// `center`; nil for the circle, which is an arc.
    public func outline(center c: Point, size: Double) -> [Point]? {
        let r = size / 2
        func at(_ dx: Double, _ dy: Double) -> Point { Point(c.x + dx, c.y + dy) }
        /// `n` vertices on a circle of radius `radius`, the first straight up.
        func regular(_ n: Int, _ radius: Double, inner: Double? = nil) -> [Point] {
            let steps = inner == nil ? n : 2 * n
            return (0..<steps).map { k in
                let a = -Double.pi / 2 + 2 * .pi * Double(k) / Double(steps)
                let rk = k % 2 == 1 ? (inner ?? radius) : radius
                return at(rk * cos(a), rk * sin(a))
            }
        }
        let t = r * reach
        switch self {
        case .circle:
            return nil
        case .triangleUp, .triangleDown:
            let s = t * 0.8660254037844386, d: Double = self == .triangleUp ? -1 : 1
            return [at(0, d * t), at(-s, -d * t / 2), at(s, -d * t / 2)]
        case .triangleLeft, .triangleRight:
            let s = t * 0.8660254037844386, d: Double = self == .triangleLeft ? -1 : 1
            return [at(d * t, 0), at(-d * t / 2, -s), at(-d * t / 2, s)]
        case .square:
            let h = r * 0.886
            return [at(-h, -h), at(h, -h), at(h, h), at(-h, h)]
        case .diamond:
            return [at(0, -t), at(t * 0.75, 0), at(0, t), at(-t * 0.75, 0)]
        case .star:
            // Regular pentagram: inner radius sin 18° / sin 54° of the outer (as matplotlib and Plotly).
            return regular(5, t, inner: t * 0.3819660112501051)
        case .pentagon:
            return regular(5, t)
        case .hexagon:
            return regular(6, t) // a vertex up, as matplotlib's "h" and Plotly's hexagon
        }
    }
}
