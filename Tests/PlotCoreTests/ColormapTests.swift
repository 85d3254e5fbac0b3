import Testing
@testable import PlotCore

typealias RGB = (UInt8, UInt8, UInt8)

// Expected colours: matplotlib 3.11.2 `matplotlib.colormaps[name](t, bytes=True)[:3]` at `ts`,
// printed by scripts/gen_expected.py (section "Colour maps").
struct ColormapTests {
    static let ts: [Double] = [0.0, 0.5, 1.0, 0.3, 0.999, -0.2, 1.5]

    static let expected: [String: [RGB]] = [
        "gray": [(0, 0, 0), (128, 128, 128), (255, 255, 255), (76, 76, 76), (255, 255, 255), (0, 0, 0), (255, 255, 255)],
        "gray_r": [(255, 255, 255), (127, 127, 127), (0, 0, 0), (179, 179, 179), (0, 0, 0), (255, 255, 255), (0, 0, 0)],
        "Greys_r": [(0, 0, 0), (150, 150, 150), (255, 255, 255), (94, 94, 94), (255, 255, 255), (0, 0, 0), (255, 255, 255)],
        "Greys": [(255, 255, 255), (149, 149, 149), (0, 0, 0), (206, 206, 206), (0, 0, 0), (255, 255, 255), (0, 0, 0)],
        "viridis": [(68, 1, 84), (32, 144, 140), (253, 231, 36), (52, 94, 141), (253, 231, 36), (68, 1, 84), (253, 231, 36)],
        "viridis_r": [(253, 231, 36), (32, 143, 140), (68, 1, 84), (68, 190, 112), (68, 1, 84), (253, 231, 36), (68, 1, 84)],
        "magma": [(0, 0, 3), (182, 54, 121), (251, 252, 191), (99, 25, 127), (251, 252, 191), (0, 0, 3), (251, 252, 191)],
        "magma_r": [(251, 252, 191), (181, 54, 121), (0, 0, 3), (246, 112, 91), (0, 0, 3), (251, 252, 191), (0, 0, 3)],
        "inferno": [(0, 0, 3), (187, 55, 84), (252, 254, 164), (106, 23, 110), (252, 254, 164), (0, 0, 3), (252, 254, 164)],
        "inferno_r": [(252, 254, 164), (186, 54, 85), (0, 0, 3), (243, 119, 25), (0, 0, 3), (252, 254, 164), (0, 0, 3)],
        "cividis": [(0, 34, 77), (124, 123, 120), (253, 231, 55), (78, 86, 108), (253, 231, 55), (0, 34, 77), (253, 231, 55)],
        "cividis_r": [(253, 231, 55), (123, 123, 119), (0, 34, 77), (174, 162, 113), (0, 34, 77), (253, 231, 55), (0, 34, 77)],
        "Blues_r": [(8, 48, 107), (107, 174, 214), (247, 251, 255), (45, 125, 187), (247, 251, 255), (8, 48, 107), (247, 251, 255)],
        "Blues": [(247, 251, 255), (106, 173, 213), (8, 48, 107), (182, 212, 233), (8, 48, 107), (247, 251, 255), (8, 48, 107)],
        "PuBu_r": [(2, 56, 88), (116, 169, 207), (255, 247, 251), (23, 124, 182), (255, 247, 251), (2, 56, 88), (255, 247, 251)],
        "PuBu": [(255, 247, 251), (115, 168, 206), (2, 56, 88), (191, 201, 225), (2, 56, 88), (255, 247, 251), (2, 56, 88)],
        "RdBu_r": [(5, 48, 97), (247, 246, 246), (103, 0, 31), (144, 196, 221), (103, 0, 31), (5, 48, 97), (103, 0, 31)],
        "RdBu": [(103, 0, 31), (246, 246, 246), (5, 48, 97), (243, 163, 128), (5, 48, 97), (103, 0, 31), (5, 48, 97)],
    ]

    @Test func everyAdvertisedNameIsCheckedAndLoads() throws {
        #expect(Set(Colormap.availableNames) == Set(Self.expected.keys))
        #expect(Colormap.availableNames.count == 18)
        for name in Colormap.availableNames {
            let map = try Colormap.named(name)
            #expect(map.name == name)
            #expect(map.table.count == 256 * 3)
        }
    }

    @Test(arguments: ColormapTests.expected.keys.sorted())
    func colorsMatchMatplotlib(_ name: String) throws {
        let map = try Colormap.named(name)
        for (t, want) in zip(Self.ts, Self.expected[name]!) {
            let got = map.color(at: t)
            #expect(got.r == want.0 && got.g == want.1 && got.b == want.2,
                    "\(name)(\(t)) = \(got), matplotlib says \(want)")
        }
    }

    @Test func viridisEnds() throws {
        let viridis = try Colormap.named("viridis")
        #expect(viridis.color(at: 0) == (68, 1, 84))
        #expect(viridis.color(at: 1) == (253, 231, 36))
    }

    @Test func indexFollowsMatplotlib() {
        // int(t · 256), t = 1 → 255, below 0 → 0 ("under"), beyond → 255 ("over"), NaN → bad.
        #expect(Colormap.index(0) == 0)
        #expect(Colormap.index(1.0 / 256 - 1e-12) == 0)
        #expect(Colormap.index(1.0 / 256) == 1)
        #expect(Colormap.index(0.5) == 128)
        #expect(Colormap.index(255.0 / 256) == 255)
        #expect(Colormap.index(1) == 255)
        #expect(Colormap.index(-1e-9) == 0)
        #expect(Colormap.index(7) == 255)
        #expect(Colormap.index(.nan) == nil)
        #expect(Colormap.index(.infinity) == 255)
    }

    @Test(arguments: Colormap.availableNames)
    func reversedIsMatplotlibsCounterpart(_ name: String) throws {
        let map = try Colormap.named(name)
        let other = name.hasSuffix("_r") ? String(name.dropLast(2)) : name + "_r"
        #expect(map.reversed.name == other)
        #expect(map.reversed == (try Colormap.named(other)))
        #expect(map.reversed.reversed == map)
        // Ends swap exactly; inside, segment-based maps may differ by one unit (matplotlib's own).
        #expect(map.reversed.color(at: 0) == map.color(at: 1))
        #expect(map.reversed.color(at: 1) == map.color(at: 0))
        for i in 0..<256 {
            for c in 0..<3 {
                let a = Int(map.table[3 * i + c]), b = Int(map.reversed.table[3 * (255 - i) + c])
                #expect(abs(a - b) <= 1, "\(name)[\(i)] channel \(c)")
            }
        }
    }

    @Test func listedMapsReverseExactly() throws {
        for name in ["viridis", "magma", "inferno", "cividis", "Greys_r"] {
            let map = try Colormap.named(name)
            for i in 0..<256 {
                #expect(map.table[(3 * i)..<(3 * i + 3)].elementsEqual(map.reversed.table[(3 * (255 - i))..<(3 * (255 - i) + 3)]))
            }
        }
    }

    @Test func unknownNameListsTheAvailableOnes() {
        do {
            _ = try Colormap.named("jet")
            Issue.record("jet was accepted")
        } catch let error as ImagingError {
            #expect(error == .unknownColormap(name: "jet", available: Colormap.availableNames))
            for name in Colormap.availableNames { #expect(error.description.contains(name)) }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func uniqueCaseInsensitiveMatchIsAccepted() throws {
        #expect(try Colormap.named("VIRIDIS").name == "viridis")
        #expect(try Colormap.named("greys_r").name == "Greys_r")
    }

    // MARK: colorize

    @Test func colorizeMapsValuesAndMasksNaN() throws {
        let viridis = try Colormap.named("viridis")
        let mask: (r: UInt8, g: UInt8, b: UInt8, a: UInt8) = (255, 0, 255, 128)
        // 3 × 2, row 0 first: 0, 0.5, 1 / NaN, 0.3, NaN
        let image = colorize(normalized: [0, 0.5, 1, .nan, 0.3, .nan], width: 3, height: 2,
                             colormap: viridis, maskColor: mask)
        #expect(image.width == 3 && image.height == 2)
        #expect(image.pixel(x: 0, y: 0) == [68, 1, 84, 255])
        #expect(image.pixel(x: 1, y: 0) == [32, 144, 140, 255])
        #expect(image.pixel(x: 2, y: 0) == [253, 231, 36, 255])
        #expect(image.pixel(x: 0, y: 1) == [255, 0, 255, 128])
        #expect(image.pixel(x: 1, y: 1) == [52, 94, 141, 255])
        #expect(image.pixel(x: 2, y: 1) == [255, 0, 255, 128])
    }

    @Test func colorizeANormalisedStampKeepsMaskedPixelsMasked() throws {
        let gray = try Colormap.named("gray")
        let stamp = TestStamps.stamp
        // The percentile interval clips the star peak, which the last checks need.
        let normalized = Normalization.portalScience.apply(stamp)
        let image = colorize(normalized: normalized, width: 63, height: 63, colormap: gray,
                             maskColor: (0, 0, 0, 0))
        for y in 0..<63 {
            for x in 0..<63 {
                let px = image.pixel(x: x, y: y)
                if stamp[y * 63 + x].isNaN {
                    #expect(px == [0, 0, 0, 0], "(\(y), \(x))")
                } else {
                    let c = gray.color(at: Double(normalized[y * 63 + x]))
                    #expect(px == [c.r, c.g, c.b, 255], "(\(y), \(x))")
                }
            }
        }
        // Star peak saturates to white; the dead pixel is black but opaque.
        #expect(image.pixel(x: 31, y: 31) == [255, 255, 255, 255])
        #expect(image.pixel(x: 3, y: 60) == [0, 0, 0, 255])
    }

    // MARK: parseColor

    @Test func parseColorHexAndNames() throws {
        #expect(try parseColor("#ff00ff") == (255, 0, 255, 255))
        #expect(try parseColor("#FF00FF80") == (255, 0, 255, 128))
        #expect(try parseColor("#0a1B2c") == (10, 27, 44, 255))
        #expect(try parseColor("none") == (0, 0, 0, 0))
        #expect(try parseColor("Transparent") == (0, 0, 0, 0))
        #expect(try parseColor("black") == (0, 0, 0, 255))
        #expect(try parseColor("white") == (255, 255, 255, 255))
        #expect(try parseColor("grey") == (128, 128, 128, 255))
        #expect(try parseColor("gray") == (128, 128, 128, 255))
        #expect(try parseColor("magenta") == (255, 0, 255, 255))
        #expect(try parseColor("red") == (255, 0, 0, 255))
        #expect(try parseColor("green") == (0, 128, 0, 255))
        #expect(try parseColor(" blue ") == (0, 0, 255, 255))
    }

    @Test(arguments: ["", "#", "#fff", "#ff00f", "#ff00ffa", "#gg0000", "#+f0000", "ff00ff", "purple", "#ff00ff00ff"])
    func parseColorRejects(_ text: String) {
        do {
            _ = try parseColor(text)
            Issue.record("\"\(text)\" was accepted")
        } catch let error as ImagingError {
            #expect(error.description.contains("#rrggbbaa"))
            #expect(error.description.contains("magenta"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
