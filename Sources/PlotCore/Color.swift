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

    /// Relative luminance (sRGB, roughly): tells a dark background from a light one.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

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
