import Foundation

/// The curve applied after the interval, as in `astropy.visualization` (plus Fink's sigmoid).
///
/// Every stretch but `.sigmoid` maps an interval-normalised x ∈ [0, 1] onto y ∈ [0, 1] with
/// y(0) = 0 and y(1) = 1.
public enum Stretch: Sendable, Equatable {
    /// `LinearStretch`: y = x.
    case linear
    /// `SqrtStretch`: y = √x.
    case sqrt
    /// `LogStretch`: y = log(a·x + 1) / log(a + 1), a > 0; more linear for small a.
    case log(a: Double = 1000)
    /// `AsinhStretch`: y = asinh(x / a) / asinh(1 / a), a > 0; linear below x ≈ a, logarithmic
    /// above. The Fink Science Portal uses a = 0.1 for Science and Template stamps.
    case asinh(a: Double = 0.1)
    /// `PowerStretch`: y = x^a, a > 0.
    case power(a: Double)
    /// `SinhStretch`: y = sinh(x / a) / sinh(1 / a), a > 0; the inverse shape of asinh.
    case sinh(a: Double = 1.0 / 3.0)
    /// The Fink API's PNG stretch: y = 1 / (1 + exp(−(v − μ)/σ)), on RAW pixel values v, with μ
    /// and σ the mean and population standard deviation of the stamp's finite pixels.
    ///
    /// It needs the whole stamp, so it is not a curve on [0, 1]: `Normalization` handles it
    /// (ignoring the interval, see there), and `apply(_:)` takes the standardised value
    /// z = (v − μ)/σ and returns the logistic 1 / (1 + e^(−z)).
    case sigmoid
    /// FinkPlot's own: asinh softened at `sigmas` times the stamp's sky noise σ (see
    /// `skyNoise`), i.e. `.asinh(a:)` with a = sigmas·σ / (vmax − vmin), as Lupton et al. (2004)
    /// soften their asinh at the noise level. Noise stays linear and visible, anything brighter
    /// is compressed logarithmically, however bright or faint the field: a fixed a = 0.1 lifts
    /// the noise of a faint field into a light grey and leaves the noise of a bright one black.
    ///
    /// It needs the stamp, so `Normalization` resolves it per stamp (`resolved(values:limits:)`);
    /// `apply(_:)` alone, or a stamp without noise, uses a = 0.1.
    case lupton(sigmas: Double = 3)

    /// The forms `init(parsing:)` accepts, for help texts and error messages.
    public static let acceptedForms = [
        "linear", "sqrt", "log", "log:A (e.g. log:1000)", "asinh", "asinh:A (e.g. asinh:0.05)",
        "power:A (e.g. power:2)", "sinh", "sinh:A", "sigmoid",
        "lupton (asinh softened at 3σ of the sky noise)", "lupton:K",
    ]

    /// Reads a CLI value such as `asinh`, `asinh:0.05`, `log:1000`, `power:2`, `sqrt`, `linear`
    /// or `sigmoid`, and validates it.
    public init(parsing text: String) throws {
        let unparsable = ImagingError.unparsable(input: text, what: "stretch", accepted: Self.acceptedForms)
        let (name, args) = try splitOption(text, error: unparsable)
        let value: Stretch
        switch (name, args.count) {
        case ("linear", 0): value = .linear
        case ("sqrt", 0): value = .sqrt
        case ("log", 0): value = .log()
        case ("log", 1): value = .log(a: args[0])
        case ("asinh", 0): value = .asinh()
        case ("asinh", 1): value = .asinh(a: args[0])
        case ("power", 1): value = .power(a: args[0])
        case ("sinh", 0): value = .sinh()
        case ("sinh", 1): value = .sinh(a: args[0])
        case ("sigmoid", 0): value = .sigmoid
        case ("lupton", 0): value = .lupton()
        case ("lupton", 1): value = .lupton(sigmas: args[0])
        default: throw unparsable
        }
        try value.validate()
        self = value
    }

    /// Throws `ImagingError.invalidParameter` unless the stretch parameter is finite and > 0.
    public func validate() throws {
        let name: String, a: Double
        switch self {
        case .linear, .sqrt, .sigmoid: return
        case .log(let v): (name, a) = ("log", v)
        case .asinh(let v): (name, a) = ("asinh", v)
        case .power(let v): (name, a) = ("power", v)
        case .sinh(let v): (name, a) = ("sinh", v)
        case .lupton(let v): (name, a) = ("lupton", v)
        }
        guard a.isFinite, a > 0 else {
            throw ImagingError.invalidParameter("\(name): a must be a finite number > 0, got \(a)")
        }
    }

    /// The stretched value of `x` (x ∈ [0, 1], already normalised by the interval), with
    /// astropy's formulas; for `.sigmoid`, x is the standardised z = (v − μ)/σ instead.
    public func apply(_ x: Double) -> Double {
        switch self {
        case .linear: return x
        case .sqrt: return x.squareRoot()
        case .log(let a): return Foundation.log(a * x + 1) / Foundation.log(a + 1)
        case .asinh(let a): return Foundation.asinh(x / a) / Foundation.asinh(1 / a)
        case .power(let a): return Foundation.pow(x, a)
        case .sinh(let a): return Foundation.sinh(x / a) / Foundation.sinh(1 / a)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .lupton: return Stretch.asinh(a: 0.1).apply(x)
        }
    }

    /// The plain stretch this one stands for on `values` with display limits `limits`: `.lupton`
    /// becomes `.asinh(a: sigmas·σ / (vmax − vmin))` (a = 0.1 without noise); others are themselves.
    public func resolved(values: [Float], limits: (vmin: Double, vmax: Double)) -> Stretch {
        guard case let .lupton(k) = self else { return self }
        let span = limits.vmax - limits.vmin
        guard let (_, sigma) = skyNoise(values), sigma > 0, span > 0, span.isFinite else { return .asinh(a: 0.1) }
        return .asinh(a: k * sigma / span)
    }
}
