import CCairo
import Foundation
import PlotCore

/// A PNG Cairo could not read, with what Cairo said.
public struct PNGDecodeError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { "decoding PNG: \(message)" }
}

/// Reads PNG bytes back into an RGBA raster (for image comparisons in tests).
public enum PNGDecoder {
    public static func decode(_ data: Data) throws -> RGBAImage {
        final class Source { var bytes: [UInt8]; var offset = 0; init(_ b: [UInt8]) { bytes = b } }
        let source = Source([UInt8](data))
        let read: cairo_read_func_t = { closure, out, length in
            guard let closure, let out else { return CAIRO_STATUS_READ_ERROR }
            let src = Unmanaged<Source>.fromOpaque(closure).takeUnretainedValue()
            let n = Int(length)
            guard src.offset + n <= src.bytes.count else { return CAIRO_STATUS_READ_ERROR }
            src.bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + src.offset, count: n) }
            src.offset += n
            return CAIRO_STATUS_SUCCESS
        }
        // An image surface holds no fonts: it needs none of CairoRender's font lock.
        let surface = withExtendedLifetime(source) {
            cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(source).toOpaque())!
        }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw PNGDecodeError(message: String(cString: cairo_status_to_string(status))) }
        let w = Int(cairo_image_surface_get_width(surface)), h = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let format = cairo_image_surface_get_format(surface)
        guard let base = cairo_image_surface_get_data(surface) else { throw PNGDecodeError(message: "no pixel data") }
        var pixels = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            let row = UnsafeMutableRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<w {
                let v = row[x]
                let a = format == CAIRO_FORMAT_RGB24 ? 255 : UInt32(v >> 24)
                // Undo premultiplication.
                func un(_ c: UInt32) -> UInt8 { a == 0 ? 0 : UInt8(min(255, (c * 255 + a / 2) / a)) }
                let i = (y * w + x) * 4
                pixels[i] = un((v >> 16) & 0xFF)
                pixels[i + 1] = un((v >> 8) & 0xFF)
                pixels[i + 2] = un(v & 0xFF)
                pixels[i + 3] = UInt8(a)
            }
        }
        return RGBAImage(width: w, height: h, pixels: pixels)
    }
}
