import Foundation

/// Parameters of IRAF's zscale, with astropy's `ZScaleInterval` defaults.
public struct ZScaleParameters: Sendable, Equatable {
    /// Number of finite pixels sampled (at a regular stride) to fit the line.
    public var nSamples: Int
    /// The fitted slope is divided by this (0 < contrast ≤ 1); larger values narrow the range.
    public var contrast: Double
    /// If more than `maxReject × npix` samples are rejected, the limits fall back to min/max.
    public var maxReject: Double
    /// Fewer good samples than this after rejection also falls back to min/max.
    public var minNPixels: Int
    /// Rejection threshold in standard deviations of the residuals.
    public var krej: Double
    /// Maximum number of fit-and-reject rounds.
    public var maxIterations: Int

    public init(nSamples: Int = 1000, contrast: Double = 0.25, maxReject: Double = 0.5,
                minNPixels: Int = 5, krej: Double = 2.5, maxIterations: Int = 5) {
        self.nSamples = nSamples
        self.contrast = contrast
        self.maxReject = maxReject
        self.minNPixels = minNPixels
        self.krej = krej
        self.maxIterations = maxIterations
    }

    /// Throws `ImagingError.invalidParameter` when a parameter is outside its domain.
    public func validate() throws {
        guard nSamples >= 1 else { throw ImagingError.invalidParameter("zscale: n_samples must be ≥ 1, got \(nSamples)") }
        guard contrast.isFinite, contrast > 0, contrast <= 1 else {
            throw ImagingError.invalidParameter("zscale: contrast must be in (0, 1], got \(contrast)")
        }
        guard maxReject.isFinite, maxReject >= 0, maxReject <= 1 else {
            throw ImagingError.invalidParameter("zscale: max_reject must be in [0, 1], got \(maxReject)")
        }
        guard minNPixels >= 1 else { throw ImagingError.invalidParameter("zscale: min_npixels must be ≥ 1, got \(minNPixels)") }
        guard krej.isFinite, krej > 0 else { throw ImagingError.invalidParameter("zscale: krej must be > 0, got \(krej)") }
        guard maxIterations >= 1 else {
            throw ImagingError.invalidParameter("zscale: max_iterations must be ≥ 1, got \(maxIterations)")
        }
    }
}

/// How the display limits (vmin, vmax) are chosen from a stamp, as in `astropy.visualization`.
///
/// Limits are computed on finite values only: NaN and ±∞ pixels are ignored, as astropy's
/// `BaseInterval._process_values` does.
public enum Interval: Sendable, Equatable {
    /// `MinMaxInterval`: [min, max] of the finite values.
    case minMax
    /// `PercentileInterval(p)`: keeps the central `p` percent, i.e. percentiles
    /// (100 − p)/2 and 100 − (100 − p)/2.
    case percentile(Double)
    /// `AsymmetricPercentileInterval(lower, upper)`: the `lower` and `upper` percentiles.
    case asymmetricPercentile(lower: Double, upper: Double)
    /// `ZScaleInterval`: IRAF's zscale on a strided sample of the finite values.
    case zscale(ZScaleParameters = .init())
    /// `ManualInterval(vmin, vmax)`: fixed limits.
    case manual(vmin: Double, vmax: Double)
    /// [−m, m] with m the `percentile`-th percentile of |v|: keeps 0 at the centre of the range,
    /// which is what difference stamps (positive and negative residuals) need.
    case symmetric(percentile: Double)
    /// FinkPlot's own, for Science and Template stamps of any depth: vmin = median − `below`·σ
    /// and vmax = the `upper` percentile, but at least median + 10σ, with σ = 1.4826 × the median
    /// absolute deviation (the sky noise, robust to the sources). The sky then sits at the same
    /// place in the range on a faint field as on a bright one: a percentile interval puts the
    /// sky of a noise-only stamp at the middle of the range (washed out under asinh), a zscale
    /// interval saturates every bright star. The 10σ floor keeps an empty field from being
    /// stretched noise: its top is always 10σ above the sky. A stamp without noise (σ = 0)
    /// falls back to the `upper` percentile and the minimum.
    case sky(below: Double = 2, upper: Double = 99.5)
    /// The forms `init(parsing:)` accepts, for help texts and error messages.
    public static let acceptedForms = [
        "minmax", "percentile:P (central P%, e.g. percentile:99.5)",
        "percentile:LO,HI (e.g. percentile:0.5,99.5)", "zscale", "zscale:CONTRAST",
        "symmetric:P (e.g. symmetric:99.5)", "manual:VMIN,VMAX (e.g. manual:-5,20)",
        "sky (median − 2σ to the 99.5th percentile, at least median + 10σ)", "sky:K,P (median − Kσ to the P-th percentile)",
    ]

    /// Reads a CLI value such as `percentile:0.5,99.5`, `minmax`, `zscale`, `symmetric:99.5` or
    /// `manual:-5,20`, and validates it.
    public init(parsing text: String) throws {
        let unparsable = ImagingError.unparsable(input: text, what: "interval", accepted: Self.acceptedForms)
        let (name, args) = try splitOption(text, error: unparsable)
        let value: Interval
        switch (name, args.count) {
        case ("minmax", 0): value = .minMax
        case ("percentile", 1): value = .percentile(args[0])
        case ("percentile", 2): value = .asymmetricPercentile(lower: args[0], upper: args[1])
        case ("zscale", 0): value = .zscale()
        case ("zscale", 1): value = .zscale(ZScaleParameters(contrast: args[0]))
        case ("symmetric", 1): value = .symmetric(percentile: args[0])
        case ("manual", 2): value = .manual(vmin: args[0], vmax: args[1])
        case ("sky", 0): value = .sky()
        case ("sky", 2): value = .sky(below: args[0], upper: args[1])
        default: throw unparsable
        }
        try value.validate()
        self = value
    }

    /// Throws `ImagingError.invalidParameter` when the parameters make no interval.
    public func validate() throws {
        switch self {
        case .minMax:
            return
        case .percentile(let p):
            guard p.isFinite, p > 0, p <= 100 else {
                throw ImagingError.invalidParameter("percentile: the kept fraction must be in (0, 100], got \(p)")
            }
        case let .asymmetricPercentile(lower, upper):
            guard lower.isFinite, upper.isFinite, lower >= 0, upper <= 100, lower < upper else {
                throw ImagingError.invalidParameter(
                    "percentile: need 0 ≤ lower < upper ≤ 100, got lower \(lower), upper \(upper)")
            }
        case .zscale(let parameters):
            try parameters.validate()
        case let .manual(vmin, vmax):
            guard vmin.isFinite, vmax.isFinite, vmin < vmax else {
                throw ImagingError.invalidParameter("manual: need finite vmin < vmax, got \(vmin), \(vmax)")
            }
        case .symmetric(let p):
            guard p.isFinite, p > 0, p <= 100 else {
                throw ImagingError.invalidParameter("symmetric: the percentile must be in (0, 100], got \(p)")
            }
        case let .sky(below, upper):
            guard below.isFinite, below >= 0, upper.isFinite, upper > 0, upper <= 100 else {
                throw ImagingError.invalidParameter(
                    "sky: need K ≥ 0 and a percentile in (0, 100], got K \(below), percentile \(upper)")
            }
        }
    }

    /// The display limits for `values` (any order, e.g. a stamp flattened row by row).
    ///
    /// Nil when no value is finite, or when the parameters are invalid (`validate()` says why).
    /// `.manual` returns its limits whatever the values.
    public func limits(_ values: [Float]) -> (vmin: Double, vmax: Double)? {
        guard (try? validate()) != nil else { return nil }
        if case let .manual(vmin, vmax) = self { return (vmin, vmax) }
        let finite = values.filter { $0.isFinite }
        guard !finite.isEmpty else { return nil }
        return limits(finite: finite)
    }

    /// The limits for a non-empty array of finite values.
    private func limits(finite: [Float]) -> (vmin: Double, vmax: Double) {
        switch self {
        case .minMax:
            return (Double(finite.min()!), Double(finite.max()!))
        case .percentile(let p):
            // Same arithmetic as astropy's PercentileInterval.__init__.
            let lower = (100 - p) * 0.5
            return percentiles(finite.sorted(), lower, 100 - lower)
        case let .asymmetricPercentile(lower, upper):
            return percentiles(finite.sorted(), lower, upper)
        case .zscale(let parameters):
            return zscaleLimits(finite, parameters)
        case .symmetric(let p):
            let m = numpyPercentile(sorted: finite.map { abs($0) }.sorted(), p)
            return (-m, m)
        case let .manual(vmin, vmax):
            return (vmin, vmax)
        case let .sky(below, upper):
            let sorted = finite.sorted()
            let (median, sigma) = skyNoise(sorted: sorted)
            let top = numpyPercentile(sorted: sorted, upper)
            guard sigma > 0 else { return (Double(sorted[0]), top) }
            return (median - below * sigma, max(top, median + 10 * sigma))
        }
    }
}

/// The sky level and noise of a stamp: the median of the finite values and σ = 1.4826 × their
/// median absolute deviation (the standard deviation for Gaussian noise, barely moved by the
/// few pixels of a source). nil when no value is finite.
public func skyNoise(_ values: [Float]) -> (median: Double, sigma: Double)? {
    let finite = values.filter { $0.isFinite }
    guard !finite.isEmpty else { return nil }
    return skyNoise(sorted: finite.sorted())
}

func skyNoise(sorted: [Float]) -> (median: Double, sigma: Double) {
    let median = numpyPercentile(sorted: sorted, 50)
    let deviations = sorted.map { Float(abs(Double($0) - median)) }.sorted()
    return (median, 1.4826 * numpyPercentile(sorted: deviations, 50))
}

/// Splits `name[:a[,b]]` into the lower-cased name and its numeric arguments.
func splitOption(_ text: String, error: ImagingError) throws -> (String, [Double]) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
    guard parts.count == 2 else { return (name, []) }
    var args: [Double] = []
    for field in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
        guard let v = Double(field.trimmingCharacters(in: .whitespaces)) else { throw error }
        args.append(v)
    }
    return (name, args)
}

private func percentiles(_ sorted: [Float], _ lower: Double, _ upper: Double) -> (vmin: Double, vmax: Double) {
    (numpyPercentile(sorted: sorted, lower), numpyPercentile(sorted: sorted, upper))
}

/// numpy's `percentile(a, p)` with its default `method="linear"`, for a sorted float32 array,
/// reproducing numpy's arithmetic: virtual index (n − 1)·(p/100), weight γ = index − floor(index),
/// and `_lerp`, which takes b − (b − a)(1 − γ) when γ ≥ 0.5. As in numpy, b − a is a float32
/// difference and the rest is done in double.
func numpyPercentile(sorted a: [Float], _ p: Double) -> Double {
    let n = a.count
    precondition(n > 0)
    let q = p / 100
    let virtualIndex = Double(n - 1) * q
    if virtualIndex >= Double(n - 1) { return Double(a[n - 1]) }
    if virtualIndex < 0 { return Double(a[0]) }
    let previous = virtualIndex.rounded(.down)
    let i = Int(previous)
    let gamma = virtualIndex - previous
    let lo = a[i], hi = a[i + 1]
    let diff = Double(hi - lo)
    return gamma >= 0.5 ? Double(hi) - diff * (1 - gamma) : Double(lo) + diff * gamma
}

/// IRAF zscale as astropy's `ZScaleInterval.get_limits` implements it.
///
/// Samples every `stride`-th finite value (stride = int(max(1, n / nSamples)), at most
/// nSamples of them) and sorts them. Fits a line to sample value against rank, rejecting
/// samples further than krej·σ from the line and growing each rejection to its neighbours
/// (a window of max(1, int(0.01·npix)) ranks) for up to maxIterations rounds. If enough
/// samples remain (≥ max(minNPixels, int(npix·maxReject))), the slope divided by the contrast
/// gives vmin = max(min, median − (c − 1)·slope), vmax = min(max, median + (npix − c)·slope),
/// with c = (npix − 1) / 2 (integer division); otherwise the limits are the sample min and max.
func zscaleLimits(_ finite: [Float], _ p: ZScaleParameters) -> (vmin: Double, vmax: Double) {
    let stride = Int(max(1.0, Double(finite.count) / Double(p.nSamples)))
    var samples: [Float] = []
    samples.reserveCapacity(min(p.nSamples, finite.count))
    var index = 0
    while index < finite.count && samples.count < p.nSamples {
        samples.append(finite[index])
        index += stride
    }
    samples.sort()

    let npix = samples.count
    var vmin = Double(samples[0])
    var vmax = Double(samples[npix - 1])

    let minpix = max(p.minNPixels, Int(Double(npix) * p.maxReject))
    var ngoodpix = npix
    var lastNgoodpix = npix + 1
    var badpix = [Bool](repeating: false, count: npix)
    let ngrow = max(1, Int(Double(npix) * 0.01))
    // numpy's convolve(mode="same") with a kernel of ngrow ones: a rejected rank r marks
    // ranks r − shift ... r − shift + ngrow − 1.
    let shift = (ngrow - 1) / 2
    var fit: (slope: Double, intercept: Double)?

    for _ in 0..<p.maxIterations {
        if ngoodpix >= lastNgoodpix || ngoodpix < minpix { break }

        // np.polyfit(x, samples, 1, w=good) with 0/1 weights is ordinary least squares on
        // the good samples; solved here in closed form around the means for stability.
        let line = fitLine(samples, good: badpix.map { !$0 })
        fit = line

        var flat = [Double](repeating: 0, count: npix)
        var sum = 0.0, count = 0
        for i in 0..<npix {
            flat[i] = Double(samples[i]) - (line.slope * Double(i) + line.intercept)
            if !badpix[i] { sum += flat[i]; count += 1 }
        }
        // Population standard deviation (numpy's default ddof = 0) of the good residuals.
        let mean = sum / Double(count)
        var squares = 0.0
        for i in 0..<npix where !badpix[i] { squares += (flat[i] - mean) * (flat[i] - mean) }
        let threshold = p.krej * (squares / Double(count)).squareRoot()

        for i in 0..<npix where flat[i] < -threshold || flat[i] > threshold { badpix[i] = true }

        var grown = [Bool](repeating: false, count: npix)
        for r in 0..<npix where badpix[r] {
            let start = max(0, r - shift), end = min(npix - 1, r - shift + ngrow - 1)
            if start <= end { for i in start...end { grown[i] = true } }
        }
        badpix = grown

        lastNgoodpix = ngoodpix
        ngoodpix = badpix.lazy.filter { !$0 }.count
    }

    if ngoodpix >= minpix, var slope = fit?.slope {
        if p.contrast > 0 { slope /= p.contrast }
        let centerPixel = (npix - 1) / 2
        // np.median of float32 samples: the middle value, or the float32 mean of the two.
        let median: Float = npix % 2 == 1
            ? samples[npix / 2]
            : (samples[npix / 2 - 1] + samples[npix / 2]) / 2
        vmin = max(vmin, Double(median) - Double(centerPixel - 1) * slope)
        vmax = min(vmax, Double(median) + Double(npix - centerPixel) * slope)
    }
    return (vmin, vmax)
}

/// Least-squares line through (i, y[i]) for the ranks where `good[i]`.
private func fitLine(_ y: [Float], good: [Bool]) -> (slope: Double, intercept: Double) {
    var n = 0.0, sx = 0.0, sy = 0.0
    for i in y.indices where good[i] { n += 1; sx += Double(i); sy += Double(y[i]) }
    let mx = sx / n, my = sy / n
    var sxx = 0.0, sxy = 0.0
    for i in y.indices where good[i] {
        let dx = Double(i) - mx
        sxx += dx * dx
        sxy += dx * (Double(y[i]) - my)
    }
    // One good sample (possible only with min_npixels = 1) has no slope; numpy would warn.
    let slope = sxx > 0 ? sxy / sxx : 0
    return (slope, my - slope * mx)
}
