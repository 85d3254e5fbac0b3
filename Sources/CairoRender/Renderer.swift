import CCairo
import Foundation
import PlotCore

public enum OutputFormat: String, Sendable, CaseIterable {
    case png, svg, pdf

    /// The format a file name asks for, from its extension (case-insensitive).
    public init?(pathExtension: String) {
        self.init(rawValue: pathExtension.lowercased())
    }
}

/// Draws display lists with Cairo. PNG and SVG are in pixels (`pixelsPerPoint` = dpi / 72);
/// PDF is in points. All three show the same layout because the display list is in points.
public enum Renderer {
    /// Pixel size of a PNG (and SVG) rendering of a page of `size` points.
    public static func pixelSize(of size: Size, pixelsPerPoint: Double) -> (width: Int, height: Int) {
        (Int((size.width * pixelsPerPoint).rounded()), Int((size.height * pixelsPerPoint).rounded()))
    }

    /// `metadata` goes into PNG text chunks, the PDF document information, or an SVG `<metadata>`.
    public static func render(_ list: DisplayList, format: OutputFormat, pixelsPerPoint: Double = 1,
                              metadata: DocumentMetadata? = nil) throws -> Data {
        switch format {
        case .png:
            let png = try PNGText.insertingResolution(dpi: pixelsPerPoint * 72, into: try renderPNG(list, pixelsPerPoint: pixelsPerPoint))
            guard let metadata else { return png }
            return try PNGText.inserting(metadata.pngChunks, into: png)
        case .svg:
            let svg = try renderVector(list, format: .svg, pixelsPerPoint: pixelsPerPoint, metadata: nil)
            guard let metadata else { return svg }
            return SVGMetadata.inserting(metadata, into: svg)
        case .pdf: return try renderVector(list, format: .pdf, pixelsPerPoint: 1, metadata: metadata)
        }
    }

    /// `markerSprites` false draws every marker as a path (the reference the sprites are tested against).
    static func renderPNG(_ list: DisplayList, pixelsPerPoint: Double, markerSprites: Bool = true) throws -> Data {
        let (w, h) = pixelSize(of: list.size, pixelsPerPoint: pixelsPerPoint)
        guard w > 0, h > 0, w <= 32768, h <= 32768 else {
            throw RenderError(context: "creating a \(w)×\(h) px image", message: "size must be between 1 and 32768 px")
        }
        let surface = try Surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)),
                                  "creating a \(w)×\(h) px image")
        let context = try Context(surface)
        cairo_scale(context.pointer, pixelsPerPoint, pixelsPerPoint)
        try draw(list, context, markerSprites: markerSprites)
        cairo_surface_flush(surface.pointer)
        return try encodePNG(surface)
    }

    static func renderVector(_ list: DisplayList, format: OutputFormat, pixelsPerPoint: Double,
                             metadata: DocumentMetadata?) throws -> Data {
        let sink = ByteSink()
        let width = list.size.width * pixelsPerPoint, height = list.size.height * pixelsPerPoint
        let surface: Surface
        switch format {
        case .svg:
            surface = try Surface(cairo_svg_surface_create_for_stream(ByteSink.write, sink.opaque, width, height),
                                  "creating an SVG surface")
            // Cairo's SVG default unit is the point; the figure's size is given in pixels.
            cairo_svg_surface_set_document_unit(surface.pointer, CAIRO_SVG_UNIT_PX)
        default:
            surface = try Surface(cairo_pdf_surface_create_for_stream(ByteSink.write, sink.opaque, width, height),
                                  "creating a PDF surface")
            if let metadata { setPDFMetadata(metadata, surface) }
        }
        do {
            let context = try Context(surface)
            cairo_scale(context.pointer, pixelsPerPoint, pixelsPerPoint)
            try draw(list, context)
        }
        try surface.finish("writing \(format.rawValue.uppercased())")
        return Data(sink.bytes)
    }

    static func setPDFMetadata(_ m: DocumentMetadata, _ surface: Surface) {
        let fields: [(cairo_pdf_metadata_t, String?)] = [
            (CAIRO_PDF_METADATA_TITLE, m.title), (CAIRO_PDF_METADATA_AUTHOR, m.author),
            (CAIRO_PDF_METADATA_SUBJECT, m.subject), (CAIRO_PDF_METADATA_KEYWORDS, m.keywords),
            (CAIRO_PDF_METADATA_CREATOR, m.creator),
            // Without a date Cairo stamps the current time, and no two renderings are byte-identical.
            (CAIRO_PDF_METADATA_CREATE_DATE, m.creationDate),
        ]
        for case let (key, value?) in fields { cairo_pdf_surface_set_metadata(surface.pointer, key, value) }
    }

    static func draw(_ list: DisplayList, _ context: Context, markerSprites: Bool = false) throws {
        let cr = context.pointer
        if let bg = list.background {
            setColor(cr, bg)
            cairo_paint(cr)
        }
        // The clips in force, in page points, innermost last (sprites clip themselves: see MarkerSprites).
        var clips: [Rect] = []
        for item in list.items {
            switch item.primitive {
            case let .pushClip(r): clips.append(clips.last.map { $0.intersection(r) } ?? r)
            case .popClip: _ = clips.popLast()
            case let .markers(points, style) where markerSprites:
                try MarkerSprites.draw(points, style, clip: clips.last, cr)
                continue
            default: break
            }
            try draw(item.primitive, cr)
        }
        try context.checkStatus("drawing the figure")
    }

    static func setColor(_ cr: OpaquePointer, _ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    static func apply(_ stroke: Stroke, _ cr: OpaquePointer) {
        setColor(cr, stroke.color)
        cairo_set_line_width(cr, stroke.width)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
        stroke.dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
    }

    static func draw(_ primitive: Primitive, _ cr: OpaquePointer) throws {
        switch primitive {
        case let .rect(r, fill, stroke):
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            if let fill { setColor(cr, fill); cairo_fill_preserve(cr) }
            if let stroke { apply(stroke, cr); cairo_stroke_preserve(cr) }
            cairo_new_path(cr)
        case let .polyline(points, stroke):
            guard let first = points.first else { return }
            cairo_move_to(cr, first.x, first.y)
            for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
            apply(stroke, cr)
            cairo_stroke(cr)
        case let .segments(segments, stroke):
            guard !segments.isEmpty else { return }
            for s in segments {
                cairo_move_to(cr, s.from.x, s.from.y)
                cairo_line_to(cr, s.to.x, s.to.y)
            }
            apply(stroke, cr)
            cairo_stroke(cr)
        case let .markers(points, style):
            drawMarkersAsPaths(points, style, cr)
        case let .text(item):
            drawText(item, cr)
        case let .image(image, rect):
            try drawImage(image, rect, cr)
        case let .pushClip(r):
            cairo_save(cr)
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            cairo_clip(cr)
        case .popClip:
            cairo_restore(cr)
        }
    }

    static func markerPath(_ p: Point, _ style: MarkerStyle, _ cr: OpaquePointer) {
        // The geometry lives in PlotCore (MarkerShape.outline) so tests and any other output agree.
        guard let vertices = style.shape.outline(center: p, size: style.size), let first = vertices.first else {
            cairo_new_sub_path(cr)
            cairo_arc(cr, p.x, p.y, style.size / 2, 0, 2 * .pi)
            return
        }
        cairo_move_to(cr, first.x, first.y)
        for v in vertices.dropFirst() { cairo_line_to(cr, v.x, v.y) }
        cairo_close_path(cr)
    }

    static func drawMarkersAsPaths(_ points: [Point], _ style: MarkerStyle, _ cr: OpaquePointer) {
        // Each marker is filled then stroked before the next, so overlapping markers stay distinct.
        for p in points {
            markerPath(p, style, cr)
            if let fill = style.fill { setColor(cr, fill); cairo_fill_preserve(cr) }
            if let stroke = style.stroke { apply(stroke, cr); cairo_stroke_preserve(cr) }
            cairo_new_path(cr)
        }
    }

    static func drawText(_ item: TextItem, _ cr: OpaquePointer) {
        guard !item.string.isEmpty else { return }
        // Fonts are shared by every thread's contexts: see CairoLock. The font is selected inside
        // this save/restore, so no other drawing state ever holds a scaled font.
        CairoLock.withLock { drawTextLocked(item, cr) }
    }

    private static func drawTextLocked(_ item: TextItem, _ cr: OpaquePointer) {
        cairo_save(cr)
        selectFont(cr, item.style)
        setColor(cr, item.style.color)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, item.string, &extents)
        cairo_translate(cr, item.position.x, item.position.y)
        if item.rotation != 0 { cairo_rotate(cr, -item.rotation * .pi / 180) }
        let dx: Double = switch item.horizontal {
        case .start: 0
        case .middle: -extents.x_advance / 2
        case .end: -extents.x_advance
        }
        cairo_move_to(cr, dx, TextMetrics.baseline(for: 0, anchor: item.vertical, size: item.style.size))
        cairo_show_text(cr, item.string)
        cairo_new_path(cr)
        cairo_restore(cr)
    }

    static func drawImage(_ image: RGBAImage, _ rect: Rect, _ cr: OpaquePointer) throws {
        guard image.width > 0, image.height > 0 else { return }
        let surface = try makeSurface(image)
        cairo_save(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(image.width), rect.height / Double(image.height))
        cairo_set_source_surface(cr, surface.pointer, 0, 0)
        // Nearest-neighbour: a stamp pixel stays a sharp block at any zoom, in PNG, SVG and PDF.
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_rectangle(cr, 0, 0, Double(image.width), Double(image.height))
        cairo_fill(cr)
        cairo_restore(cr)
    }

    /// An ARGB32 surface (native-endian, premultiplied alpha) holding `image`.
    static func makeSurface(_ image: RGBAImage) throws -> Surface {
        let surface = try Surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(image.width), Int32(image.height)),
                                  "creating a \(image.width)×\(image.height) raster")
        cairo_surface_flush(surface.pointer)
        guard let base = cairo_image_surface_get_data(surface.pointer) else {
            throw RenderError(context: "filling a raster", message: "Cairo gave no pixel buffer")
        }
        let stride = Int(cairo_image_surface_get_stride(surface.pointer))
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<image.height {
                let row = UnsafeMutableRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<image.width {
                    let i = (y * image.width + x) * 4
                    let a = UInt32(src[i + 3])
                    func pm(_ v: UInt8) -> UInt32 { (UInt32(v) * a + 127) / 255 }
                    row[x] = a << 24 | pm(src[i]) << 16 | pm(src[i + 1]) << 8 | pm(src[i + 2])
                }
            }
        }
        cairo_surface_mark_dirty(surface.pointer)
        return surface
    }
}
