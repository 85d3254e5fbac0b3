import Testing
import Foundation
@testable import PlotCore

// Expected values: astropy 8.0.2 `ImageNormalize(data, interval=…, stretch=…, clip=True)(data)`
// on the same float32 stamp, printed by scripts/gen_expected.py (section "ImageNormalize");
// the sigmoid row is Fink's formula in float64 over the finite pixels.
struct NormalizationTests {
    /// Pixels (y, x) checked: star peak, NaN edge, NaN, +∞, −∞, the two cosmic rays, the dead
    /// pixel, two sky pixels, two star-wing pixels.
    static let pixels = [(31, 31), (0, 0), (40, 5), (10, 10), (10, 11), (20, 24), (50, 50), (60, 3),
                         (20, 40), (5, 60), (31, 34), (28, 29)]

    /// Checks the listed pixels against astropy and the sum of all non-NaN outputs (which sees
    /// every pixel; float32 outputs, so 1e-3 on a sum of ~4000 values).
    func check(_ norm: Normalization, on data: [Float], _ expected: [Double], sum: Double,
               sourceLocation: SourceLocation = #_sourceLocation) {
        let out = norm.apply(data)
        #expect(out.count == data.count, sourceLocation: sourceLocation)
        for ((y, x), want) in zip(Self.pixels, expected) {
            let got = out[y * 63 + x]
            if want.isNaN {
                #expect(got.isNaN, "(\(y), \(x)) should stay masked", sourceLocation: sourceLocation)
            } else {
                #expect(close(Double(got), want), "(\(y), \(x)): \(got) vs \(want)", sourceLocation: sourceLocation)
            }
        }
        let total = out.reduce(0.0) { $1.isNaN ? $0 : $0 + Double($1) }
        #expect(close(total, sum, 1e-3), "sum \(total) vs \(sum)", sourceLocation: sourceLocation)
        #expect(out.allSatisfy { $0.isNaN || (0...1).contains($0) }, sourceLocation: sourceLocation)
        // Exactly the NaN inputs are NaN outputs.
        #expect(zip(data, out).allSatisfy { $0.isNaN == $1.isNaN }, sourceLocation: sourceLocation)
    }

    /// The former science default (the Portal's percentile + asinh), still checked against astropy.
    @Test func portalScience() {
        #expect(Normalization.portalScience == Normalization(
            interval: .asymmetricPercentile(lower: 0.5, upper: 99.5), stretch: .asinh(a: 0.1)))
        check(.portalScience, on: TestStamps.stamp,
              [1, .nan, .nan, 1, 0, 1, 1, 0, 0.51986147551488782, 0.57183612513814386, 1, 0.94103257574146337],
              sum: 2114.6780935594543)
    }

    /// 50 pixels at −1, one at 0, 50 at +1: median 0, MAD 1, so σ = 1.4826 and the 99.5th
    /// percentile (1) is below the 10σ floor.
    static let noise: [Float] = Array(repeating: -1, count: 50) + [0] + Array(repeating: 1, count: 50)

    @Test func skyIntervalRunsFromTwoSigmaBelowTheMedianToTheFloorOrThePercentile() throws {
        #expect(Normalization.scienceDefault == Normalization(interval: .sky(below: 2, upper: 99.5), stretch: .lupton(sigmas: 3)))
        let sigma = 1.4826
        let (median, s) = try #require(skyNoise(Self.noise + [.nan, .infinity]))
        #expect(median == 0 && close(s, sigma))
        let floor = try #require(Interval.sky().limits(Self.noise))
        #expect(close(floor.vmin, -2 * sigma) && close(floor.vmax, 10 * sigma), "\(floor)")
        // Bright pixels above 10σ: the 99.5th percentile is the top (numpy's linear percentile).
        let bright = Self.noise + Array(repeating: 100, count: 10)
        let (bm, bs) = try #require(skyNoise(bright))
        let top = try #require(Interval.sky().limits(bright))
        #expect(close(top.vmin, bm - 2 * bs) && top.vmax == numpyPercentile(sorted: bright.sorted(), 99.5) && top.vmax == 100)
        #expect(try Interval(parsing: "sky:3,99") == .sky(below: 3, upper: 99))
        #expect(throws: ImagingError.self) { try Interval(parsing: "sky:-1,99") }
        // No noise (σ = 0): the minimum to the percentile.
        let flat = try #require(Interval.sky().limits([5, 5, 5, 5, 9]))
        #expect(flat.vmin == 5 && flat.vmax == numpyPercentile(sorted: [5, 5, 5, 5, 9], 99.5))
    }

    @Test func luptonStretchIsAnAsinhSoftenedAtThreeSigma() throws {
        let norm = Normalization.scienceDefault
        let limits = try #require(norm.limits(Self.noise))
        // 3σ over a span of 12σ.
        guard case let .asinh(a) = Stretch.lupton().resolved(values: Self.noise, limits: limits) else {
            Issue.record("lupton resolves to an asinh"); return
        }
        #expect(close(a, 0.25))
        // The median (2σ above vmin: x = 1/6) by hand.
        let out = norm.apply(Self.noise)
        #expect(close(Double(out[50]), Foundation.asinh((1.0 / 6) / 0.25) / Foundation.asinh(4), 1e-6))
        #expect(close(Double(out[0]), Foundation.asinh((1.0 / 12 * (2 - 1 / 1.4826)) / 0.25) / Foundation.asinh(4), 1e-6))
        #expect(try Stretch(parsing: "lupton:2") == .lupton(sigmas: 2))
        #expect(throws: ImagingError.self) { try Stretch(parsing: "lupton:0") }
        // A noiseless stamp falls back to a = 0.1.
        #expect(Stretch.lupton().resolved(values: [1, 1, 1, 2], limits: (1, 2)) == .asinh(a: 0.1))
    }

    /// The former difference default, still checked against astropy (linear, symmetric 99.5).
    @Test func linearDifference() {
        #expect(Normalization.linearDifference == Normalization(
            interval: .symmetric(percentile: 99.5), stretch: .linear, centredOnZero: true))
        check(.linearDifference, on: TestStamps.difference,
              [1, .nan, .nan, 1, 0, 1, 1, 0, 0.51313601937562858, 0.53899755752139733, 1, 0.89243857884690403],
              sum: 2124.2373514500932)
    }

    @Test func differenceDefaultStretchesEachSideOfZeroAlike() throws {
        #expect(Normalization.differenceDefault == Normalization(
            interval: .symmetric(percentile: 100), stretch: .lupton(sigmas: 8), centredOnZero: true))
        // Noise of σ = 1.4826 and a source of ±60 (40σ): limits ±60, a = 8σ / 60.
        let values = Self.noise + [60, -60, 30, -30, 0]
        let norm = Normalization.differenceDefault
        let limits = try #require(norm.limits(values))
        #expect(limits.vmin == -60 && limits.vmax == 60)
        let out = norm.apply(values)
        let a = 8 * 1.4826 / 60
        let half = Foundation.asinh(0.5 / a) / Foundation.asinh(1 / a)
        #expect(out[101] == 1 && out[102] == 0 && out[105] == 0.5, "zero is white, only the extremes at the ends")
        #expect(close(Double(out[103]), 0.5 + 0.5 * half, 1e-6) && close(Double(out[104]), 0.5 - 0.5 * half, 1e-6))
        // −v mirrors v about the middle, and every stretch keeps zero at 0.5 on a centred scale
        // (an asinh over [0, 1] would put zero at 0.77).
        for stretch in [Stretch.asinh(a: 0.1), .sqrt, .log(), .lupton()] {
            let n = Normalization(interval: .symmetric(percentile: 100), stretch: stretch, centredOnZero: true)
            let y = n.apply([-10, -3, 0, 3, 10])
            #expect(y[2] == 0.5 && close(Double(y[0] + y[4]), 1, 1e-6) && close(Double(y[1] + y[3]), 1, 1e-6), "\(stretch): \(y)")
        }
        // The linear case is unchanged: x = (v − vmin) / (vmax − vmin).
        #expect(Normalization(interval: .symmetric(percentile: 100), stretch: .linear, centredOnZero: true)
            .apply([-10, 0, 5, 10]) == [0, 0.5, 0.75, 1])
    }

    @Test func zscaleWithLog() {
        check(Normalization(interval: .zscale(), stretch: .log()), on: TestStamps.stamp,
              [1, .nan, .nan, 1, 0, 1, 1, 0, 0.80445167157020958, 0.8269045079180104, 1, 0.98416196809297607],
              sum: 3191.5265905220472)
    }

    @Test func minMaxWithSqrt() {
        check(Normalization(interval: .minMax, stretch: .sqrt), on: TestStamps.stamp,
              [0.30279749132830835, .nan, .nan, 1, 0, 1, 1, 0, 0.27540707435317197, 0.27675256300904505,
               0.30125523560783485, 0.29452552184635533],
              sum: 1096.4283109821013)
    }

    @Test func percentileWithPower() {
        check(Normalization(interval: .percentile(99), stretch: .power(a: 2)), on: TestStamps.stamp,
              [1, .nan, .nan, 1, 0, 1, 1, 0, 0.051575179071091749, 0.072194299604526307, 1, 0.70067459245263308],
              sum: 356.08578601131205)
    }

    @Test func sigmoidIsFinksFormulaOnRawValues() {
        // μ = 107.99075770980788, σ = 111.02410784492828 over the finite pixels.
        let expected = [0.66864665151048253, .nan, .nan, 1, 0, 1, 1, 0.024727660207165717,
                        0.48651350436189328, 0.49537668162734216, 0.65872062855275781, 0.61448353402378197]
        check(Normalization(interval: .minMax, stretch: .sigmoid), on: TestStamps.stamp, expected,
              sum: 1958.2187735198522)
        // The interval does not matter for the sigmoid.
        #expect(Normalization(interval: .zscale(), stretch: .sigmoid).apply(TestStamps.stamp)
            .elementsEqual(Normalization(interval: .minMax, stretch: .sigmoid).apply(TestStamps.stamp)) {
                $0 == $1 || ($0.isNaN && $1.isNaN)
            })
    }

    @Test func degenerateIntervalMapsToMidScaleNeverNaN() {
        // Constant stamp: every interval collapses to [7, 7]; finite pixels → 0.5, +∞ → 1.
        let constant: [Float] = [7, 7, .nan, 7, .infinity, -.infinity]
        for norm in [Normalization.scienceDefault,
                     Normalization(interval: .zscale(), stretch: .log()),
                     Normalization(interval: .minMax, stretch: .sqrt),
                     Normalization(interval: .minMax, stretch: .sigmoid)] {
            let out = norm.apply(constant)
            #expect(out[0] == 0.5 && out[1] == 0.5 && out[3] == 0.5, "\(norm): \(out)")
            #expect(out[4] == 1 && out[5] == 0, "\(norm): \(out)")
            #expect(out[2].isNaN)
        }
        // An empty difference stamp: [−0, 0], and zero sits mid-scale as it would otherwise.
        let out = Normalization.differenceDefault.apply([0, 0, .nan, 0])
        #expect(out[0] == 0.5 && out[1] == 0.5 && out[3] == 0.5, "\(out)")
        // A constant, non-zero difference stamp is not degenerate: [−7, 7], so 7 → 1.
        #expect(Normalization.differenceDefault.apply([7, 7]) == [1, 1])
    }

    @Test func noFiniteValueLeavesEverythingNaN() {
        let out = Normalization.scienceDefault.apply([.nan, .infinity])
        #expect(out.count == 2 && out.allSatisfy { $0.isNaN })
        #expect(Normalization(interval: .minMax, stretch: .sigmoid).apply([.nan]).allSatisfy { $0.isNaN })
        #expect(Normalization.scienceDefault.apply([]).isEmpty)
    }

    @Test func manualIntervalClipsAndStretches() {
        // (v − 0)/(10 − 0), clipped, then √: by hand.
        let out = Normalization(interval: .manual(vmin: 0, vmax: 10), stretch: .sqrt)
            .apply([-5, 0, 2.5, 10, 40, .nan])
        let want: [Float] = [0, 0, 0.5, 1, 1]
        #expect(Array(out.prefix(5)) == want)
        #expect(out[5].isNaN)
    }

    @Test func validateCoversBothParts() {
        #expect(throws: ImagingError.self) {
            try Normalization(interval: .percentile(150), stretch: .linear).validate()
        }
        #expect(throws: ImagingError.self) {
            try Normalization(interval: .minMax, stretch: .log(a: -1)).validate()
        }
        #expect(throws: Never.self) { try Normalization.scienceDefault.validate() }
        // Invalid parameters never produce numbers that look valid.
        #expect(Normalization(interval: .minMax, stretch: .power(a: 0)).apply([1, 2]).allSatisfy { $0.isNaN })
    }

    // MARK: Interval parsing

    @Test func intervalParsingAcceptsTheDocumentedForms() throws {
        #expect(try Interval(parsing: "minmax") == .minMax)
        #expect(try Interval(parsing: "percentile:99.5") == .percentile(99.5))
        #expect(try Interval(parsing: "percentile:0.5,99.5") == .asymmetricPercentile(lower: 0.5, upper: 99.5))
        #expect(try Interval(parsing: "zscale") == .zscale(ZScaleParameters()))
        #expect(try Interval(parsing: "zscale:0.1") == .zscale(ZScaleParameters(contrast: 0.1)))
        #expect(try Interval(parsing: "symmetric:99.5") == .symmetric(percentile: 99.5))
        #expect(try Interval(parsing: "manual:-5,20") == .manual(vmin: -5, vmax: 20))
        #expect(try Interval(parsing: " MinMax ") == .minMax)
    }

    @Test(arguments: ["", "median", "percentile", "percentile:a", "percentile:1,2,3", "minmax:1",
                      "manual:5", "symmetric", "zscale:0.1,2", "percentile:0.5;99.5"])
    func intervalParsingRejectsMalformedInputListingTheForms(_ text: String) throws {
        do {
            _ = try Interval(parsing: text)
            Issue.record("\"\(text)\" was accepted")
        } catch let error as ImagingError {
            let accepted = try #require(error.acceptedForms, "wrong error \(error)")
            #expect(accepted == Interval.acceptedForms)
            #expect(error.description.contains("percentile:LO,HI"))
            #expect(error.description.contains("manual:VMIN,VMAX"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: ["percentile:0", "percentile:101", "percentile:99.5,0.5", "percentile:-1,50",
                      "percentile:50,100.5", "symmetric:0", "symmetric:120", "manual:20,-5", "manual:3,3",
                      "zscale:0", "zscale:1.5", "manual:nan,1"])
    func intervalParsingRejectsOutOfDomainParameters(_ text: String) {
        do {
            _ = try Interval(parsing: text)
            Issue.record("\"\(text)\" was accepted")
        } catch let error as ImagingError {
            #expect(error.invalidParameterMessage != nil, "wrong error \(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func zscaleParametersValidate() {
        #expect(throws: Never.self) { try ZScaleParameters().validate() }
        #expect(throws: ImagingError.self) { try ZScaleParameters(nSamples: 0).validate() }
        #expect(throws: ImagingError.self) { try ZScaleParameters(maxReject: 1.5).validate() }
        #expect(throws: ImagingError.self) { try ZScaleParameters(minNPixels: 0).validate() }
        #expect(throws: ImagingError.self) { try ZScaleParameters(krej: 0).validate() }
        #expect(throws: ImagingError.self) { try ZScaleParameters(maxIterations: 0).validate() }
    }
}
