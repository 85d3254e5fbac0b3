import CCairo
import CPNGWriter
import Foundation
import PlotCore

/// How PNG bytes are produced from a drawn image surface.
public enum PNGEncoder: Sendable, Equatable {
    /// libpng with row filters off and zlib at `level` (1-9). Figures are flat colour, which
    /// filters barely help and zlib handles at level 1 nearly as well as at 6; this takes about a
    /// third of the time of Cairo's writer.
    case libpng(level: Int)
    /// `cairo_surface_write_to_png_stream`: adaptive filters and zlib's default level.
    case cairo
    /// Our own deflate for figures (CPNGWriter/fast_png.c): no match search beyond "same as one
    /// pixel back" and "same as the row above", fixed Huffman codes. Several times faster than
    /// zlib on flat-colour figures; files are somewhat larger.
    case runs

    public static let `default` = PNGEncoder.runs
}

extension Renderer {
    // Guarded by `encoderLock`: a process-wide choice (benchmarks compare the two writers).
    nonisolated(unsafe) private static var encoderSetting = PNGEncoder.default
    private static let encoderLock = NSLock()

    /// The PNG writer used by `render(_:format: .png, ...)`.
    public static var pngEncoder: PNGEncoder {
        get { encoderLock.withLock { encoderSetting } }
        set { encoderLock.withLock { encoderSetting = newValue } }
    }

    /// The bytes of a PNG of `surface` (an ARGB32 image surface, flushed).
    static func encodePNG(_ surface: Surface, encoder: PNGEncoder = Renderer.pngEncoder) throws -> Data {
        switch encoder {
        case .cairo:
            let sink = ByteSink()
            try check(cairo_surface_write_to_png_stream(surface.pointer, ByteSink.write, sink.opaque), "encoding PNG")
            return Data(sink.bytes)
        case .libpng, .runs:
            let width = cairo_image_surface_get_width(surface.pointer)
            let height = cairo_image_surface_get_height(surface.pointer)
            let stride = cairo_image_surface_get_stride(surface.pointer)
            guard cairo_image_surface_get_format(surface.pointer) == CAIRO_FORMAT_ARGB32,
                  let pixels = cairo_image_surface_get_data(surface.pointer)
            else { throw RenderError(context: "encoding PNG", message: "not an ARGB32 image surface") }
            var out: UnsafeMutablePointer<UInt8>?
            var length = 0
            var message = [CChar](repeating: 0, count: 256)
            let status: Int32
            if case let .libpng(level) = encoder {
                status = fp_write_png(pixels, width, height, stride, Int32(level), &out, &length, &message, message.count)
            } else {
                status = fp_write_png_fast(pixels, width, height, stride, &out, &length, &message, message.count)
            }
            guard status == 0, let out else {
                throw RenderError(context: "encoding PNG", message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            defer { fp_png_free(out) }
            return Data(bytes: out, count: length)
        }
    }
}

extension Renderer {
    /// The PNG of `image` (straight alpha), through `encoder`: as a figure's surface would be
    /// written, after premultiplying into an ARGB32 surface the way Cairo stores pixels.
    public static func encodePNG(_ image: RGBAImage, encoder: PNGEncoder) throws -> Data {
        let surface = try makeSurface(image)
        return try encodePNG(surface, encoder: encoder)
    }
}
