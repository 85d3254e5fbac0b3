/// Vertical font metrics as fractions of the font size, shared by layout and renderers so that a
/// label anchored at `.top` or `.middle` lands where layout reserved room for it.
/// Values are DejaVu Sans's (cap height 0.729 em, descender 0.236 em).
public enum TextMetrics {
    public static let capHeight = 0.729
    public static let descent = 0.236

    /// Baseline y for text anchored at `y` with `anchor`.
    public static func baseline(for y: Double, anchor: VerticalAnchor, size: Double) -> Double {
        switch anchor {
        case .baseline: y
        case .top: y + capHeight * size
        case .middle: y + capHeight * size / 2
        case .bottom: y - descent * size
        }
    }

    /// Height reserved for one line of text: cap height plus descender.
    public static func lineHeight(_ size: Double) -> Double { (capHeight + descent) * size }
}

/// Measures text advance widths. Cairo provides the real one; layout only needs widths because
/// heights come from `TextMetrics`.
public protocol TextMeasurer {
    func width(of text: String, style: TextStyle) -> Double
}

/// A measurer with fixed per-character widths, for tests and for layout without a font backend.
public struct ApproximateTextMeasurer: TextMeasurer, Sendable {
    public init() {}
    public func width(of text: String, style: TextStyle) -> Double {
        // DejaVu Sans digits are 0.636 em; lower-case letters average about 0.6 em.
        Double(text.count) * 0.62 * style.size * (style.weight == .bold ? 1.08 : 1)
    }
}
