import CCairo
import Foundation
import PlotCore

/// Markers on raster output, drawn by copying pre-rendered images ("sprites") instead of
/// filling and stroking one path per marker.
///
/// A lightcurve of a dense object has thousands of markers of a dozen styles; Cairo tessellates,
/// rasterises and composites each one on its own (about 7 µs for a filled and stroked marker
/// here). A sprite is that same marker rendered once by Cairo, at each quarter-pixel offset
/// of its centre, and then composited per point with premultiplied "over" (well under 1 µs).
/// Order is kept (each sprite is composited over the ones before it), so overlapping markers stay
/// distinct exactly as with paths; centres are placed to the nearest quarter pixel (under 0.13 px
/// from the path-drawn position). Vector output (SVG, PDF) always draws paths.
enum MarkerSprites {
    /// Sub-pixel positions per axis: 4 keeps a centre within 1/8 px of where a path would put it.
    static let phases = 4

    /// A marker rendered once: premultiplied ARGB32 pixels, `size`×`size`, its centre at
    /// (`origin` + phase/`phases`) pixels from the top left.
    final class Sprite: Sendable {
        let size: Int
        let origin: Int
        let pixels: [UInt32]
        init(size: Int, origin: Int, pixels: [UInt32]) { self.size = size; self.origin = origin; self.pixels = pixels }
    }

    struct Key: Hashable {
        var style: MarkerStyle
        var pixelsPerPoint: Double
        var phaseX: Int
        var phaseY: Int
    }

    // Guarded by `lock`. Sprites are immutable once made and shared by every thread's renders:
    // a batch draws the same few styles thousands of times.
    nonisolated(unsafe) private static var sprites: [Key: Sprite] = [:]
    private static let lock = NSLock()
    /// More than a batch's styles ever need; past it the table starts again (no unbounded growth).
    static let capacity = 4096

    static func sprite(_ key: Key) throws -> Sprite {
        if let s = lock.withLock({ sprites[key] }) { return s }
        let made = try render(key)
        lock.withLock {
            if sprites.count >= capacity { sprites.removeAll(keepingCapacity: true) }
            sprites[key] = made
        }
        return made
    }

    /// Draws `key.style` with the path renderer onto a small transparent surface.
    static func render(_ key: Key) throws -> Sprite {
        let style = key.style
        let ppp = key.pixelsPerPoint
        let reach = style.size / 2 * style.shape.reach + (style.stroke?.width ?? 0)  // miter tips reach past half the width
        let origin = Int((reach * ppp).rounded(.up)) + 2
        let size = 2 * origin + 2
        let surface = try Surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(size), Int32(size)),
                                  "creating a \(size)×\(size) px marker")
        let context = try Context(surface)
        let cr = context.pointer
        cairo_translate(cr, Double(origin) + Double(key.phaseX) / Double(phases), Double(origin) + Double(key.phaseY) / Double(phases))
        cairo_scale(cr, ppp, ppp)
        Renderer.drawMarkersAsPaths([Point(0, 0)], style, cr)
        try context.checkStatus("drawing a marker")
        cairo_surface_flush(surface.pointer)
        guard let base = cairo_image_surface_get_data(surface.pointer) else {
            throw RenderError(context: "drawing a marker", message: "Cairo gave no pixel buffer")
        }
        let stride = Int(cairo_image_surface_get_stride(surface.pointer))
        var pixels = [UInt32](repeating: 0, count: size * size)
        for y in 0..<size {
            let row = UnsafeRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<size { pixels[y * size + x] = row[x] }
        }
        return Sprite(size: size, origin: origin, pixels: pixels)
    }

    /// Composites a marker of `style` at each of `points` (user space) onto the image surface
    /// that `cr` draws on, inside `clip` (user space; the display list's clip in force, which
    /// the caller tracks). Anything but an ARGB32 image under a uniform scale (and translation)
    /// is drawn with paths.
    static func draw(_ points: [Point], _ style: MarkerStyle, clip: Rect?, _ cr: OpaquePointer) throws {
        var matrix = cairo_matrix_t()
        cairo_get_matrix(cr, &matrix)
        let pixelsPerPoint = matrix.xx
        guard !points.isEmpty, matrix.xy == 0, matrix.yx == 0, matrix.yy == pixelsPerPoint, pixelsPerPoint > 0,
              let target = cairo_get_target(cr), cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE,
              cairo_image_surface_get_format(target) == CAIRO_FORMAT_ARGB32, let base = cairo_image_surface_get_data(target)
        else { return Renderer.drawMarkersAsPaths(points, style, cr) }
        let width = Int(cairo_image_surface_get_width(target)), height = Int(cairo_image_surface_get_height(target))
        let stride = Int(cairo_image_surface_get_stride(target)) / 4
        // The clip in device pixels, exact: the plot area's edges fall anywhere, and pixels it
        // covers in part get that part of the ink. (Cairo only reports pixel-aligned clips.)
        var x1 = 0.0, y1 = 0.0, x2 = Double(width), y2 = Double(height)
        if let r = clip {
            (x1, y1, x2, y2) = (r.minX, r.minY, r.maxX, r.maxY)
            cairo_user_to_device(cr, &x1, &y1)
            cairo_user_to_device(cr, &x2, &y2)
        }
        let clip = Clip(left: max(0, min(x1, x2)), top: max(0, min(y1, y2)),
                        right: min(Double(width), max(x1, x2)), bottom: min(Double(height), max(y1, y2)))
        guard clip.left < clip.right, clip.top < clip.bottom else { return }

        cairo_surface_flush(target)
        let canvas = UnsafeMutableRawPointer(base).assumingMemoryBound(to: UInt32.self)
        var last: (Key, Sprite)?
        for p in points {
            var dx = p.x, dy = p.y
            cairo_user_to_device(cr, &dx, &dy)
            guard dx.isFinite, dy.isFinite, abs(dx) < 1e6, abs(dy) < 1e6 else { continue }
            let qx = Int((dx * Double(phases)).rounded()), qy = Int((dy * Double(phases)).rounded())
            let ix = qx >= 0 ? qx / phases : (qx - phases + 1) / phases
            let iy = qy >= 0 ? qy / phases : (qy - phases + 1) / phases
            let key = Key(style: style, pixelsPerPoint: pixelsPerPoint, phaseX: qx - ix * phases, phaseY: qy - iy * phases)
            let sprite: Sprite
            if let last, last.0 == key { sprite = last.1 } else { sprite = try self.sprite(key); last = (key, sprite) }
            composite(sprite, left: ix - sprite.origin, top: iy - sprite.origin, canvas: canvas, stride: stride, clip: clip)
        }
        cairo_surface_mark_dirty_rectangle(target, Int32(clip.firstColumn), Int32(clip.firstRow),
                                           Int32(clip.endColumn - clip.firstColumn), Int32(clip.endRow - clip.firstRow))
    }

    /// A clip rectangle in device pixels; edge pixels are partly inside.
    struct Clip {
        var left, top, right, bottom: Double
        var firstColumn: Int { Int(left.rounded(.down)) }
        var endColumn: Int { Int(right.rounded(.up)) }
        var firstRow: Int { Int(top.rounded(.down)) }
        var endRow: Int { Int(bottom.rounded(.up)) }
        /// The part of column `x` (row `y`) inside, 0...255.
        func column(_ x: Int) -> UInt32 { coverage(Double(x), left, right) }
        func row(_ y: Int) -> UInt32 { coverage(Double(y), top, bottom) }
        private func coverage(_ p: Double, _ a: Double, _ b: Double) -> UInt32 {
            UInt32((max(0, min(p + 1, b) - max(p, a)) * 255).rounded())
        }
    }

    /// Premultiplied "over": d = s + d·(1 − αs), per channel, rounded as Cairo's pixman does.
    @inline(__always)
    static func composite(_ sprite: Sprite, left: Int, top: Int, canvas: UnsafeMutablePointer<UInt32>, stride: Int, clip: Clip) {
        let x0 = max(left, clip.firstColumn), x1 = min(left + sprite.size, clip.endColumn)
        let y0 = max(top, clip.firstRow), y1 = min(top + sprite.size, clip.endRow)
        guard x0 < x1, y0 < y1 else { return }
        // Whole pixels inside the clip take the fast loop; the clip's edge rows and columns
        // scale the ink by the part inside, as Cairo's own rectangular clip does.
        let inside = (x0 > clip.firstColumn && x1 < clip.endColumn && y0 > clip.firstRow && y1 < clip.endRow)
            || (clip.left == clip.left.rounded() && clip.right == clip.right.rounded()
                && clip.top == clip.top.rounded() && clip.bottom == clip.bottom.rounded())
        sprite.pixels.withUnsafeBufferPointer { src in
            for y in y0..<y1 {
                let s = (y - top) * sprite.size - left
                let d = y * stride
                let rowPart = inside ? 255 : clip.row(y)
                for x in x0..<x1 {
                    var sp = src[s + x]
                    if sp >> 24 == 0 { continue }
                    if !inside {
                        let part = rowPart * clip.column(x) / 255
                        if part < 255 { sp = scale(sp, by: part) }
                    }
                    let a = sp >> 24
                    if a == 255 { canvas[d + x] = sp; continue }
                    canvas[d + x] = sp &+ scale(canvas[d + x], by: 255 - a)
                }
            }
        }
    }

    /// Each of the four 8-bit channels of `p` times `f`/255, rounded (two channels at a time).
    @inline(__always)
    static func scale(_ p: UInt32, by f: UInt32) -> UInt32 {
        var rb = (p & 0x00FF_00FF) &* f &+ 0x0080_0080
        rb = ((rb &+ ((rb >> 8) & 0x00FF_00FF)) >> 8) & 0x00FF_00FF
        var ag = ((p >> 8) & 0x00FF_00FF) &* f &+ 0x0080_0080
        ag = (ag &+ ((ag >> 8) & 0x00FF_00FF)) & 0xFF00_FF00
        return rb | ag
    }
}

extension Rect {
    /// The part of both rectangles (empty, at zero size, when they do not meet), as Cairo
    /// intersects nested clips.
    func intersection(_ other: Rect) -> Rect {
        let x0 = max(minX, other.minX), y0 = max(minY, other.minY)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return Rect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }
}
