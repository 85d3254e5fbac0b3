import Foundation

/// An sRGB colour with straight (not premultiplied) alpha, components in 0...1.
public struct Color: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// `#rrggbb` or `#rrggbbaa` (the `#` is optional). Traps on malformed literals: use `init?(parsing:)` for user input.
    public init(hex: String) {
        guard let c = Color(parsing: hex) else { preconditionFailure("malformed colour literal \(hex)") }
        self = c
    }

    public init?(parsing text: String) {
        var s = Substring(text)
        if s.hasPrefix("#") { s = s.dropFirst() }
        // Hex digits only: UInt32(_:radix:) would also take a sign ("#+fffff").
        guard s.count == 6 || s.count == 8, s.allSatisfy(\.isHexDigit), let v = UInt32(s, radix: 16) else { return nil }
        let hasAlpha = s.count == 8
        let rgb = hasAlpha ? v >> 8 : v
        red = Double((rgb >> 16) & 0xFF) / 255
        green = Double((rgb >> 8) & 0xFF) / 255
        blue = Double(rgb & 0xFF) / 255
        alpha = hasAlpha ? Double(v & 0xFF) / 255 : 1
    }

    public func withAlpha(_ a: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: a) }

    /// Mixes towards `other`: `amount` 0 keeps this colour, 1 gives `other`; alpha is kept. Gives
    /// opaque lighter or muted variants (overlapping translucent marks would darken where they stack).
    public func mixed(with other: Color, _ amount: Double) -> Color {
        Color(red: red + (other.red - red) * amount, green: green + (other.green - green) * amount,
              blue: blue + (other.blue - blue) * amount, alpha: alpha)
    }

    /// Luma of the gamma-encoded components (Rec. 709 weights, no linearisation): a quick light/dark
    /// test (`Style.isDark`). Not WCAG's relative luminance: for that, and for contrast, see below.
    /// Kept beside it because `isDark`'s 0.4 cut-off and the dark-page checks were tuned on this scale.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    /// WCAG 2.x relative luminance, 0 (black) to 1 (white): each component linearised,
    /// c ≤ 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055)^2.4, then 0.2126 R + 0.7152 G + 0.0722 B.
    /// (WCAG 2.0 printed 0.03928 for the knee; no 8-bit value lies between the two.) Alpha is ignored.
    public var relativeLuminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), L1 the lighter relative luminance: 1 for
    /// equal colours up to 21 for black on white. WCAG asks 3:1 for graphics, 4.5:1 for body text.
    /// Alpha is ignored: blend a translucent colour onto its background first.
    public static func contrastRatio(_ a: Color, _ b: Color) -> Double {
        let la = a.relativeLuminance, lb = b.relativeLuminance
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    public var description: String {
        func h(_ v: Double) -> String {
            let s = String(Int((v * 255).rounded()), radix: 16, uppercase: true)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + h(red) + h(green) + h(blue) + (alpha < 1 ? h(alpha) : "")
    }

    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 1, green: 1, blue: 1)
}
