import Foundation

/// An interval followed by a stretch, as astropy's `ImageNormalize(interval=…, stretch=…, clip=True)`.
///
/// For every stretch but `.sigmoid`, a pixel v becomes
///
///     x = clip((v − vmin) / (vmax − vmin), 0, 1),   y = stretch(x)
///
/// with (vmin, vmax) = `interval.limits(values)` computed on the stamp's finite pixels.
///
/// - NaN pixels stay NaN (they are masked: `colorize` paints them with the mask colour).
/// - ±∞ pixels are ignored by the interval and then clipped like any value beyond it,
///   +∞ → 1 and −∞ → 0, as astropy does.
/// - A degenerate interval (vmin == vmax, e.g. a constant stamp) maps every finite pixel to 0.5,
///   the middle of the colour map, whatever the stretch (+∞ → 1, −∞ → 0); never NaN or ∞.
///   astropy's `ImageNormalize` maps to 0 instead; we do not, because under a diverging map
///   an empty difference stamp (all 0, symmetric interval [0, 0]) would then be painted as
///   strongly negative, while 0.5 is exactly where zero sits on a symmetric scale. It also
///   agrees with the sigmoid of a constant stamp. A stamp without any finite pixel stays all NaN.
///
/// `.lupton` becomes an asinh whose softening is set from the stamp's sky noise and the limits
/// (`Stretch.resolved(values:limits:)`), so the noise sits on its linear part.
///
/// `.sigmoid` (the Fink API's PNG stretch) replaces the interval: y = 1 / (1 + e^(−(v − μ)/σ))
/// with μ and σ the mean and population standard deviation of the finite pixels. Its argument
/// (v − μ)/σ is unchanged by any affine rescaling of v, so passing the pixels through the
/// interval's linear map first would change nothing; only the interval's clipping could, and
/// Fink does not clip. The interval is therefore ignored. With σ = 0 (constant stamp) every
/// finite pixel sits at μ and maps to 0.5, the sigmoid's value there (±∞ → 1 or 0).
public struct Normalization: Sendable, Equatable {
    public var interval: Interval
    public var stretch: Stretch
    /// Limits made symmetric about zero, [−m, m] with m = max(|vmin|, |vmax|) of the interval's
    /// limits: with a diverging colour map, its middle colour then always means zero. A stretch
    /// other than linear is then applied to |v|/m on each side, y = ½ ± ½·stretch(|v|/m), so zero
    /// stays at ½ whatever the stretch (an asinh on [0, 1] would put zero at 0.77).
    public var centredOnZero: Bool

    public init(interval: Interval, stretch: Stretch, centredOnZero: Bool = false) {
        self.interval = interval
        self.stretch = stretch
        self.centredOnZero = centredOnZero
    }

    /// The data values mapped to 0 and 1: the interval's, made symmetric when `centredOnZero`.
    public func limits(_ values: [Float]) -> (vmin: Double, vmax: Double)? {
        guard let (vmin, vmax) = interval.limits(values) else { return nil }
        guard centredOnZero else { return (vmin, vmax) }
        let m = max(abs(vmin), abs(vmax))
        return (-m, m)
    }

    /// Science and Template stamps: the `.sky` interval (median − 2σ of the sky noise to the 99.5th
    /// percentile, at least median + 10σ) with the `.lupton` stretch (asinh softened at 3σ).
    ///
    /// Chosen by rendering the shared fixtures (four ZTF fields, bright stars to a noise-only
    /// science stamp; four Rubin diaSources, one with an empty template) under percentile + asinh
    /// (the former default, the Portal's), zscale + linear, percentile + linear/sqrt and this.
    /// A fixed interval and stretch cannot serve both ends: percentile 0.5–99.5 with asinh
    /// (a = 0.1) puts the sky of a faint field at 0.65 of the grey scale (washed out, sources
    /// lost in light grey) and that of a bright field at 0.03; zscale + linear keeps the sky at
    /// 0.2–0.4 but saturates 2–12 % of the pixels of a bright star or galaxy into a white disc.
    /// Measured on the sky, this one keeps the sky at 0.11–0.30 of the scale on every fixture,
    /// the noise visible (3σ above the sky at 0.23–0.61) and only the top 0.5 % of the pixels white.
    public static let scienceDefault = Normalization(interval: .sky(), stretch: .lupton())

    /// The former science default, the Fink Science Portal's: percentiles 0.5–99.5, asinh with
    /// a = 0.1 (`--interval percentile:0.5,99.5 --stretch asinh`).
    public static let portalScience = Normalization(
        interval: .asymmetricPercentile(lower: 0.5, upper: 99.5), stretch: .asinh(a: 0.1))

    /// Difference stamps: symmetric limits [−m, m] with m the largest |v| (`symmetric:100`), and the
    /// `.lupton` stretch softened at 8σ of the difference's noise on each side of zero: zero is
    /// mid-scale, a source below about 8σ keeps its linear profile (its shape, PSF or dipole, is what
    /// the stamp is read for), a brighter one is compressed so its wings and the noise stay visible.
    /// Only the extreme pixel reaches the end of the map. The former linear scale to the 99.5th
    /// percentile of |v| clipped the top 0.5 % of the pixels (20 of a ZTF stamp, a whole Rubin PSF
    /// core) to the darkest colour: every source brighter than the noise was a flat blob, and the
    /// brightest fixture's source was clipped 17 times over (1892 DN against a limit of 111).
    /// Softening at 3σ, as for Science, lifts the wings of an 11σ Rubin source into its core's colour.
    public static let differenceDefault = Normalization(
        interval: .symmetric(percentile: 100), stretch: .lupton(sigmas: 8), centredOnZero: true)

    /// The former difference default: linear over [−m, m], m the 99.5th percentile of |v|.
    public static let linearDifference = Normalization(
        interval: .symmetric(percentile: 99.5), stretch: .linear, centredOnZero: true)

    /// Throws `ImagingError.invalidParameter` if the interval or the stretch is invalid.
    public func validate() throws {
        try interval.validate()
        try stretch.validate()
    }

    /// `values` mapped into [0, 1], same order and count; NaN stays NaN. Invalid parameters
    /// (see `validate()`) and stamps without a finite pixel give all NaN.
    public func apply(_ values: [Float]) -> [Float] {
        if stretch == .sigmoid { return sigmoid(values) }
        guard (try? stretch.validate()) != nil, let (vmin, vmax) = limits(values) else {
            return [Float](repeating: .nan, count: values.count)
        }
        if vmin == vmax {
            return values.map { v in v.isNaN ? .nan : v.isFinite ? 0.5 : (v > 0 ? 1 : 0) }
        }
        if centredOnZero && stretch != .linear {
            // The stretch on each side of zero, so zero stays at 0.5 (the diverging map's middle).
            let half = (vmax - vmin) / 2, middle = (vmax + vmin) / 2
            let stretch = stretch.resolved(values: values, limits: (0, half))
            return values.map { v in
                if v.isNaN { return .nan }
                let t = min(max((Double(v) - middle) / half, -1), 1)
                let y = stretch.apply(abs(t))
                return Float(0.5 + 0.5 * (t < 0 ? -y : y))
            }
        }
        let stretch = stretch.resolved(values: values, limits: (vmin, vmax))
        let span = vmax - vmin
        return values.map { v in
            if v.isNaN { return .nan }
            let x = min(max((Double(v) - vmin) / span, 0), 1)
            return Float(stretch.apply(x))
        }
    }

    private func sigmoid(_ values: [Float]) -> [Float] {
        var n = 0.0, sum = 0.0
        for v in values where v.isFinite { n += 1; sum += Double(v) }
        guard n > 0 else { return [Float](repeating: .nan, count: values.count) }
        let mean = sum / n
        var squares = 0.0
        for v in values where v.isFinite { squares += (Double(v) - mean) * (Double(v) - mean) }
        let std = (squares / n).squareRoot()
        return values.map { v in
            if v.isNaN { return .nan }
            if std == 0 { return v.isFinite ? 0.5 : (v > 0 ? 1 : 0) }
            return Float(Stretch.sigmoid.apply((Double(v) - mean) / std))
        }
    }
}
