import CairoRender
import Foundation
import PlotCore
import TestSupport
import Testing

/// Our run-length deflate (CPNGWriter/fast_png.c) must give exactly the pixels libpng + zlib give,
/// for figure-like images and for the images it is worst at.
@Suite struct PNGEncoderTests {
    /// A deterministic generator (SplitMix64), so a failure can be reproduced.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    }

    enum Content: CaseIterable { case noise, flat, stripes, figureLike, translucent }

    static func image(_ content: Content, width: Int, height: Int, seed: UInt64) -> RGBAImage {
        var random = Random(state: seed)
        var image = RGBAImage(width: width, height: height, fill: (255, 255, 255, 255))
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 4
                switch content {
                case .noise:
                    for c in 0..<3 { image.pixels[i + c] = random.byte() }
                case .flat:
                    break
                case .stripes:
                    // Runs of one colour broken every few pixels, rows repeating in pairs.
                    let v = UInt8(((x / 5) * 37 + (y / 2) * 11) & 0xff)
                    image.pixels[i] = v; image.pixels[i + 1] = v &+ 80; image.pixels[i + 2] = 255 - v
                case .figureLike:
                    // White with a few lines and sparse anti-aliasing-like grey pixels.
                    if y % 50 == 0 || x % 97 == 0 { image.pixels[i] = 40; image.pixels[i + 1] = 40; image.pixels[i + 2] = 40 }
                    if random.next() % 61 == 0 { let g = random.byte(); image.pixels[i] = g; image.pixels[i + 1] = g; image.pixels[i + 2] = g }
                case .translucent:
                    for c in 0..<4 { image.pixels[i + c] = random.next() % 3 == 0 ? random.byte() : 200 }
                }
            }
        }
        return image
    }

    @Test(arguments: Content.allCases)
    func thePixelsAreThoseLibpngWrites(_ content: Content) throws {
        // 1 px wide, a row of one pixel, odd sizes, and a row too long for deflate's window to
        // reach the row above (11,000 px of RGB is 33,001 bytes).
        for (width, height) in [(1, 1), (1, 40), (37, 1), (173, 61), (11_000, 3)] {
            let image = Self.image(content, width: width, height: height, seed: UInt64(width * 7919 + height))
            let ours = try Renderer.encodePNG(image, encoder: .runs)
            let zlib = try Renderer.encodePNG(image, encoder: .libpng(level: 2))
            let decoded = try PNGDecoder.decode(ours)
            #expect(decoded == (try PNGDecoder.decode(zlib)), "\(content) \(width)×\(height)")
            #expect(decoded.width == width && decoded.height == height)
        }
    }

    @Test func opaqueImagesAreWrittenAsRGBAndOthersAsRGBA() throws {
        // Byte 25 of a PNG is IHDR's colour type: 2 = RGB, 6 = RGBA.
        let opaque = try Renderer.encodePNG(Self.image(.figureLike, width: 40, height: 30, seed: 1), encoder: .runs)
        let translucent = try Renderer.encodePNG(Self.image(.translucent, width: 40, height: 30, seed: 1), encoder: .runs)
        #expect(opaque[25] == 2)
        #expect(translucent[25] == 6)
    }

    @Test func aFigureComesOutSmallerThanItsRawPixels() throws {
        // Long enough to need several deflate blocks (65,536 tokens each).
        let image = Self.image(.figureLike, width: 1200, height: 600, seed: 3)
        let ours = try Renderer.encodePNG(image, encoder: .runs)
        #expect(try PNGDecoder.decode(ours) == image)
        #expect(ours.count < 1200 * 600 * 3 / 10, "\(ours.count) bytes")
    }
}
