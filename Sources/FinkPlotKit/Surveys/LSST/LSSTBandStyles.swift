import PlotCore

/// How Rubin/LSST bands (u g r i z y) are drawn; the ZTF counterpart is `BandPalette.style(fid:dark:)`.
///
/// - Shapes: Fink's LSST Portal symbols (u ●, g ◀, r ▶, i ■, z ★, y ⬟) in every palette, since six
///   colours are too many to tell apart by colour alone. (Rubin's RTN-045 uses ▲ ▼ for g and r; here
///   those mean upper limits and bad-quality points.)
/// - Legibility: every colour has a WCAG contrast of at least 3:1 on the page it is drawn on (white,
///   or the `dark` preset's #15191F), and any two bands of a palette differ by CIE76 ΔE ≥ 15.
/// - Published colours are kept where they pass. One that fails 3:1 is replaced by the 8-bit sRGB
///   colour nearest to it (CIE76 ΔE, exhaustive search) with contrast ≥ 3.1:1 that stays ΔE ≥ 17
///   from the palette's other bands: the smallest change that keeps it legible.
public enum LSSTBandStyles {
    /// Blue to red: `order` 1...6.
    public static let bands = ["u", "g", "r", "i", "z", "y"]

    /// The band's style; `dark` for the `dark` preset's background. An unknown band is a grey
    /// diamond (a shape no band uses) listed after y.
    public static func style(band: String, palette: BandPalette, dark: Bool) -> BandStyle {
        let name = band.lowercased()
        guard let i = bands.firstIndex(of: name) else {
            // Greys ΔE ≥ 15 from every band colour of both palettes (the default r is a grey too).
            return BandStyle(name: band, color: Color(hex: dark ? "#7F7F7F" : "#595959"), order: 100, shape: .diamond)
        }
        return BandStyle(name: name, color: Color(hex: colors(palette, dark: dark)[i]), order: i + 1, shape: shapes[i])
    }

    static let shapes: [MarkerShape] = [.circle, .triangleLeft, .triangleRight, .square, .star, .pentagon]

    /// u g r i z y.
    static func colors(_ palette: BandPalette, dark: Bool) -> [String] {
        switch (palette, dark) {
        case (.fink, false):
            // The Portal's "Fink" ramp (lsst.fink-portal.org apps/plotting.py@e75ddff: #15284f #626d84
            // #afb2b9 #dbbeb2 #e89070 #f5622e). r, i and z are too pale on white (2.12, 1.75, 2.43:1):
            // darkened to #919298, #AA8C7E, #D07D5D (3.1:1) keeping their hue.
            return ["#15284F", "#626D84", "#919298", "#AA8C7E", "#D07D5D", "#F5622E"]
        case (.fink, true):
            // The same ramp; only its navy u vanishes on the dark page (1.22:1): #546598 (3.1:1),
            // a little bluer than a plain lightening so it stays apart from g.
            return ["#546598", "#626D84", "#AFB2B9", "#DBBEB2", "#E89070", "#F5622E"]
        case (.colorblind, false):
            // Rubin's colour-blind-friendly set for white backgrounds (RTN-045,
            // https://rtn-045.lsst.io/#colorblind-friendly-plots; lsst/utils
            // python/lsst/utils/plotting/figures.py get_multiband_plot_colors @7d333ec), which is also the
            // Portal's "Rubin" palette. Its g #31DE1F (1.81:1) and y #61A2B3 (2.87:1) fail on white:
            // #00AA00 and #589CAD (3.1:1).
            return ["#1600EA", "#00AA00", "#B52626", "#370201", "#BA52FF", "#589CAD"]
        case (.colorblind, true):
            // RTN-045's set for dark backgrounds, as published (6.9:1 or more on #15191F).
            return ["#3EB7FF", "#30C39F", "#FF7E00", "#2AF5FF", "#A7F9C1", "#FDC900"]
        }
    }
}
