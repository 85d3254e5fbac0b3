import CCairo
import PlotCore

/// Measures text with Cairo's own font machinery, so layout reserves exactly the room the
/// renderer's glyphs take.
public final class CairoTextMeasurer: TextMeasurer {
    private let context: Context

    public init() throws {
        let surface = try Surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1), "creating a measuring surface")
        context = try Context(surface)
    }

    public func width(of text: String, style: TextStyle) -> Double {
        CairoLock.withLock {
            selectFont(context.pointer, style)
            var extents = cairo_text_extents_t()
            cairo_text_extents(context.pointer, text, &extents)
            return extents.x_advance
        }
    }
}

func selectFont(_ cr: OpaquePointer, _ style: TextStyle) {
    cairo_select_font_face(cr, style.family, CAIRO_FONT_SLANT_NORMAL,
                           style.weight == .bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(cr, style.size)
}
