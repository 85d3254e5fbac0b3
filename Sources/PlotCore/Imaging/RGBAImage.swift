/// An 8-bit RGBA raster, row 0 at the top, colours not premultiplied by alpha.
///
/// PlotCore produces these (colour-mapped stamps); renderers draw them without resampling
/// beyond nearest-neighbour, so one stamp pixel stays one crisp block.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes: R, G, B, A for each pixel, row by row from the top.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 4,
                     "RGBAImage needs width × height × 4 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image.
    public init(width: Int, height: Int, fill: (r: UInt8, g: UInt8, b: UInt8, a: UInt8)) {
        var bytes = [UInt8](repeating: 0, count: width * height * 4)
        for i in stride(from: 0, to: bytes.count, by: 4) {
            bytes[i] = fill.r; bytes[i + 1] = fill.g; bytes[i + 2] = fill.b; bytes[i + 3] = fill.a
        }
        self.init(width: width, height: height, pixels: bytes)
    }

    /// The RGBA bytes of the pixel at (`x`, `y`), `y` counted from the top.
    public func pixel(x: Int, y: Int) -> [UInt8] {
        let i = (y * width + x) * 4
        return Array(pixels[i..<i + 4])
    }

    /// Each pixel repeated as a k×k block (nearest neighbour): small stamps beside large ones in
    /// one grid keep sharp pixels at a comparable size.
    public func upsampled(by k: Int) -> RGBAImage {
        guard k > 1 else { return self }
        var out = [UInt8](repeating: 0, count: width * k * height * k * 4)
        for y in 0..<(height * k) {
            for x in 0..<(width * k) {
                let src = ((y / k) * width + x / k) * 4, dst = (y * width * k + x) * 4
                out[dst] = pixels[src]; out[dst + 1] = pixels[src + 1]; out[dst + 2] = pixels[src + 2]; out[dst + 3] = pixels[src + 3]
            }
        }
        return RGBAImage(width: width * k, height: height * k, pixels: out)
    }
}
