import CCairo

/// A Cairo failure, with what we were doing when Cairo reported it.
public struct RenderError: Error, CustomStringConvertible, Sendable {
    public let context: String
    public let message: String
    public var description: String { "\(context): \(message)" }
}

/// The single place where a `cairo_status_t` is turned into an error.
func check(_ status: cairo_status_t, _ context: @autoclosure () -> String) throws {
    guard status != CAIRO_STATUS_SUCCESS else { return }
    throw RenderError(context: context(), message: String(cString: cairo_status_to_string(status)))
}

/// Owns a `cairo_surface_t*`. Cairo returns an error object rather than NULL, so the status is
/// checked at creation.
final class Surface {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer, _ context: String) throws {
        self.pointer = pointer
        try check(cairo_surface_status(pointer), context)
    }

    // A vector surface holds font subsets: released under the font lock (see CairoLock).
    deinit { CairoLock.withLock { cairo_surface_destroy(pointer) } }

    /// Flushes pending output (vector surfaces write their document here) and checks the result.
    func finish(_ context: String) throws {
        CairoLock.withLock { cairo_surface_finish(pointer) }
        try check(cairo_surface_status(pointer), context)
    }
}

/// Owns a `cairo_t*` drawing onto a `Surface` (kept alive for as long as the context).
final class Context {
    let pointer: OpaquePointer
    let surface: Surface

    init(_ surface: Surface) throws {
        self.surface = surface
        pointer = CairoLock.withLock { cairo_create(surface.pointer) }
        try check(cairo_status(pointer), "creating a Cairo context")
        // Unhinted metrics: text widths (and so the layout) are the same at every scale and format.
        CairoLock.withLock {
            let options = cairo_font_options_create()
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            cairo_set_font_options(pointer, options)
            cairo_font_options_destroy(options)
        }
    }

    // Releasing a context may release the last reference to a scaled font (see CairoLock).
    deinit { CairoLock.withLock { cairo_destroy(pointer) } }

    func checkStatus(_ context: String) throws { try check(cairo_status(pointer), context) }
}

/// Collects the bytes Cairo writes through a `cairo_write_func_t`.
final class ByteSink {
    var bytes: [UInt8] = []

    /// The C callback: `closure` is an unretained pointer to a `ByteSink`.
    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
