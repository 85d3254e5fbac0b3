import Testing
@testable import PlotCore

/// Deterministic stamps, mirrored exactly by `fixture` in scripts/gen_expected.py.
///
/// Built from integers divided by 16, so every value is exact in Float and the Python and
/// Swift fixtures are bit-identical: a flat sky of 100 with noise (sum of four LCG bytes,
/// σ ≈ 9), a star of peak +100 at the centre, and defects.
enum TestStamps {
    static func fixture(width: Int, height: Int, seed: UInt32, defects: Bool = true) -> [Float] {
        var state = seed
        var out = [Float](repeating: 0, count: width * height)
        let cx = width / 2, cy = height / 2
        for y in 0..<height {
            for x in 0..<width {
                var n = 0
                for _ in 0..<4 {
                    state = state &* 1664525 &+ 1013904223
                    n += Int((state >> 16) & 0xFF)
                }
                let star = 25600 / (16 + (x - cx) * (x - cx) + (y - cy) * (y - cy))
                out[y * width + x] = Float(1600 + n - 510 + star) / 16
            }
        }
        if defects {
            for y in 0..<10 { out[y * width] = .nan }   // a bad stretch of the edge column
            out[40 * width + 5] = .nan
            out[10 * width + 10] = .infinity
            out[10 * width + 11] = -.infinity
            out[20 * width + 24] = 5000   // cosmic ray inside zscale's sample (every 3rd finite value)
            out[50 * width + 50] = 5000   // cosmic ray beyond zscale's first 1000 samples
            out[60 * width + 3] = -300    // dead pixel
        }
        return out
    }

    /// 63 × 63, like a ZTF cutout.
    static let stamp = fixture(width: 63, height: 63, seed: 20240601)
    /// A difference-like stamp: sky removed, so values scatter around 0.
    static let difference = stamp.map { $0 - 100 }
    /// 100 × 100 without defects: zscale samples it with stride 10 and grows rejections by 10.
    static let big = fixture(width: 100, height: 100, seed: 7, defects: false)

    static func at(_ y: Int, _ x: Int, in values: [Float] = stamp) -> Float { values[y * 63 + x] }
}

func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool {
    abs(a - b) <= tolerance
}

func closeLimits(_ got: (vmin: Double, vmax: Double)?, _ want: (Double, Double),
                 _ tolerance: Double = 1e-6) -> Bool {
    guard let got else { return false }
    return close(got.vmin, want.0, tolerance) && close(got.vmax, want.1, tolerance)
}

// Expected limits: astropy 8.0.2 / numpy 2.4.6 on the same float32 arrays, printed by
// scripts/gen_expected.py (section "Intervals").
struct NormalizationIntervalTests {
    @Test func fixtureMatchesThePythonOne() {
        // Values printed by scripts/gen_expected.py for the same pixels.
        #expect(TestStamps.at(31, 31) == 185.9375)
        #expect(TestStamps.at(20, 40) == 102.0)
        #expect(TestStamps.at(5, 60) == 105.9375)
        #expect(TestStamps.at(31, 34) == 181.0)
        #expect(TestStamps.at(28, 29) == 159.75)
        #expect(TestStamps.at(0, 0).isNaN)
        #expect(TestStamps.at(10, 10) == .infinity)
    }

    @Test func minMaxIgnoresNaNAndInfinity() {
        #expect(closeLimits(Interval.minMax.limits(TestStamps.stamp), (-300, 5000)))
        #expect(closeLimits(Interval.minMax.limits([.nan, 2, .infinity, -1, -.infinity]), (-1, 2)))
    }

    @Test func centralPercentile() {
        #expect(closeLimits(Interval.percentile(99.5).limits(TestStamps.stamp),
                            (79.117968750000003, 181.56796875000072)))
        #expect(closeLimits(Interval.percentile(90).limits(TestStamps.stamp), (88.3125, 125.3125)))
    }

    @Test func asymmetricPercentile() {
        #expect(closeLimits(Interval.asymmetricPercentile(lower: 0.5, upper: 99.5).limits(TestStamps.stamp),
                            (80.498437499999994, 175.1765624999999)))
        #expect(closeLimits(Interval.asymmetricPercentile(lower: 1, upper: 99.95).limits(TestStamps.stamp),
                            (82.625, 315.57562500017434)))
        #expect(closeLimits(Interval.asymmetricPercentile(lower: 0, upper: 100).limits(TestStamps.stamp),
                            (-300, 5000)))
    }

    @Test func percentileInterpolatesLinearlyLikeNumpy() {
        // numpy.percentile([1, 2, 4, 8], [10, 75]) = [1.3, 5.0]; NaN ignored.
        #expect(closeLimits(Interval.asymmetricPercentile(lower: 10, upper: 75).limits([8, .nan, 1, 4, 2]),
                            (1.3, 5.0)))
        // A single finite value: every percentile is that value.
        #expect(closeLimits(Interval.percentile(99).limits([.nan, 7]), (7, 7)))
    }

    @Test func symmetricPercentileKeepsZeroCentred() {
        // m = numpy.percentile(|diff[finite]|, [p])[0], float64 as astropy's intervals get it
        #expect(closeLimits(Interval.symmetric(percentile: 99.5).limits(TestStamps.difference),
                            (-76.126562499999949, 76.126562499999949)))
        #expect(closeLimits(Interval.symmetric(percentile: 90).limits(TestStamps.difference),
                            (-19.6875, 19.6875)))
    }

    @Test func manualReturnsItsLimits() {
        #expect(closeLimits(Interval.manual(vmin: -5, vmax: 20).limits(TestStamps.stamp), (-5, 20)))
        // Even without finite data: the limits do not depend on it.
        #expect(closeLimits(Interval.manual(vmin: -5, vmax: 20).limits([.nan]), (-5, 20)))
    }

    @Test func noFiniteValueGivesNil() {
        for interval: Interval in [.minMax, .percentile(99), .zscale(), .symmetric(percentile: 99),
                                   .asymmetricPercentile(lower: 1, upper: 99)] {
            #expect(interval.limits([.nan, .infinity, -.infinity]) == nil)
            #expect(interval.limits([]) == nil)
        }
    }

    @Test func invalidParametersGiveNil() {
        #expect(Interval.percentile(.nan).limits([1, 2, 3]) == nil)
        #expect(Interval.manual(vmin: 3, vmax: 1).limits([1, 2, 3]) == nil)
    }
}

struct NormalizationZScaleTests {
    @Test func zscaleWithRejection() {
        // astropy keeps 845 of 1000 samples after 5 rounds: the fit path, not the fallback.
        #expect(closeLimits(Interval.zscale().limits(TestStamps.stamp), (78.625, 169.14111420442714)))
    }

    @Test func zscaleContrastParameter() {
        #expect(closeLimits(Interval.zscale(ZScaleParameters(contrast: 0.1)).limits(TestStamps.stamp),
                            (78.625, 265.44653551106785)))
    }

    @Test func zscaleStridesOverLargeImages() {
        // 10 000 values: stride 10, 1000 samples, rejections grown over 10 ranks; 824 kept.
        #expect(closeLimits(Interval.zscale().limits(TestStamps.big), (76.125, 162.15115983660274)))
    }

    @Test func zscaleTooManyRejectedFallsBackToSampleMinMax() {
        // With max_reject 0.9 fewer than 900 samples survive: astropy returns the min and max of
        // the SAMPLE, which holds the cosmic ray (5000) but not the dead pixel (−300).
        #expect(closeLimits(Interval.zscale(ZScaleParameters(maxReject: 0.9)).limits(TestStamps.stamp),
                            (78.625, 5000)))
    }

    @Test func zscaleTinyArrayFallsBackToMinMax() {
        // 4 finite samples < min_npixels = 5: no fit, astropy returns (1, 4).
        #expect(closeLimits(Interval.zscale().limits([3, 1, .nan, 2, 4]), (1, 4)))
        #expect(closeLimits(Interval.zscale().limits([2.5]), (2.5, 2.5)))
    }

    @Test func zscaleOnASmallNoisyLine() {
        // 12 samples, none rejected. Default contrast: the contrast-scaled line overshoots and
        // the limits are the data's; contrast 1: vmin comes from the fitted line.
        let line = (0..<12).map { Float($0) + Float(($0 * 7) % 5) * 0.25 }
        #expect(closeLimits(Interval.zscale().limits(line), (0, 11.5)))
        #expect(closeLimits(Interval.zscale(ZScaleParameters(contrast: 1)).limits(line),
                            (1.7430069930069934, 11.5)))
    }
}
