import Foundation
import PlotCore

/// A named look for a figure: a `Style` plus the page it is designed for.
///
/// - `screen` (default): 8×4 in at 150 dpi (1200×600 px), legend on the right.
/// - `paper`: one journal column, 3.4×2.6 in at 300 dpi, 8 pt tick labels and 9 pt titles, thin
///   lines; the legend goes above the plot in rows because a column has no width to spare.
/// - `paper-wide`: a two-column (full page width) figure, 7.1×3 in at 300 dpi, same type sizes.
/// - `talk`: a 16:9 slide, 13.33×7.5 in at 144 dpi (1920×1080 px), 16–20 pt text, big markers.
/// - `dark`: `talk` on a dark background with light text and band colours tuned for contrast.
public enum StylePreset: String, Sendable, CaseIterable {
    case screen
    case paper
    case paperWide = "paper-wide"
    case talk
    case dark

    public init(parsing name: String) throws(LightcurveOptionError) {
        guard let p = StylePreset(rawValue: name.lowercased()) else {
            throw .invalid(option: "--style", value: name,
                           expected: StylePreset.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = p
    }

    public var style: Style {
        switch self {
        case .screen:
            return .screen
        case .paper, .paperWide:
            var s = Style(fontSize: 8, labelSize: 9, titleSize: 9, lineWidth: 0.6, markerSize: 3.6,
                          gridColor: nil, majorTickLength: 3, minorTickLength: 1.6)
            s.markerEdgeWidth = 0.3
            s.legendPlacement = self == .paper ? .top : .right
            return s
        case .talk, .dark:
            var s = Style(fontSize: 16, labelSize: 18, titleSize: 20, lineWidth: 1.6, markerSize: 10,
                          majorTickLength: 8, minorTickLength: 4.5)
            s.markerEdgeWidth = 0.8
            if self == .dark {
                s.background = Color(hex: "#15191F")
                s.textColor = Color(hex: "#E8E8E8")
                s.axisColor = Color(hex: "#C8C8C8")
                s.gridColor = Color(hex: "#2A313B")
                s.legendFrameColor = Color(hex: "#5A6573")
            }
            return s
        }
    }

    /// A 16:9 slide: every figure keeps the slide's page rather than growing to fit its content.
    public var isSlide: Bool { self == .talk || self == .dark }

    /// Page width and height in inches, and the resolution of raster output.
    public var page: (width: Double, height: Double, dpi: Double) {
        switch self {
        case .screen: (8, 4, 150)
        case .paper: (3.4, 2.6, 300)
        case .paperWide: (7.1, 3, 300)
        case .talk, .dark: (40.0 / 3, 7.5, 144)
        }
    }

    /// The figure size from this preset's page, overridden by any of `width`, `height`, `dpi`.
    /// Giving one side only keeps the preset's aspect ratio (a width alone: never less tall than
    /// 26 em of the preset's type or 0.9 of its own page height). Physical lengths (in, cm) stay the
    /// same size at any dpi; pixel lengths are pixels.
    public func size(width: Length? = nil, height: Length? = nil, dpi: Double? = nil) -> FigureSize {
        let page = self.page
        let dpi = dpi ?? page.dpi
        let aspect = page.height / page.width
        let w: Double, h: Double
        switch (width, height) {
        case let (w0?, h0?): w = w0.pixels(dpi: dpi); h = h0.pixels(dpi: dpi)
        case let (w0?, nil):
            // Narrower than the preset, the type stays its size: a page kept at the aspect would
            // leave the plot a sliver under title, legend rows and labels. At least 26 em tall
            // (or 0.9 of the preset's own height, if less) keeps the plot over half the page.
            w = w0.pixels(dpi: dpi)
            h = max(w * aspect, min(26 * style.fontSize, 0.9 * page.height * 72) / 72 * dpi)
        case let (nil, h0?): h = h0.pixels(dpi: dpi); w = h / aspect
        case (nil, nil): w = page.width * dpi; h = page.height * dpi
        }
        return FigureSize(widthPixels: Int(w.rounded()), heightPixels: Int(h.rounded()), dpi: dpi)
    }
}

/// A length on the command line: `1200` or `1200px` (pixels), `3.4in`, `8.6cm`, `72pt`.
public enum Length: Sendable, Equatable {
    case pixels(Double)
    case inches(Double)

    public init(parsing text: String, option: String = "size") throws(LightcurveOptionError) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, (Double) -> Length)] = [
            ("px", { .pixels($0) }), ("in", { .inches($0) }), ("cm", { .inches($0 / 2.54) }),
            ("mm", { .inches($0 / 25.4) }), ("pt", { .inches($0 / 72) }),
        ]
        var number = t, make: (Double) -> Length = { .pixels($0) }
        for (suffix, f) in units where t.hasSuffix(suffix) {
            number = String(t.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            make = f
            break
        }
        guard let v = Double(number), v.isFinite, v > 0 else {
            throw .invalid(option: option, value: text, expected: "a positive length such as 1200, 1200px, 3.4in, 8.6cm")
        }
        self = make(v)
    }

    public func pixels(dpi: Double) -> Double {
        switch self {
        case let .pixels(p): p
        case let .inches(i): i * dpi
        }
    }
}
