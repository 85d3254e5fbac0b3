import Foundation
import PlotCore
import Testing
@testable import FinkPlotKit

/// CIE 1976 L*a*b* (D65) of an sRGB colour, and ΔE*ab between two: a rough but standard measure of
/// how different two colours look (about 2 is just noticeable; 15 is clearly different).
func cieLab(_ c: Color) -> (l: Double, a: Double, b: Double) {
    func lin(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
    let r = lin(c.red), g = lin(c.green), b = lin(c.blue)
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883
    func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
}

func deltaE(_ p: Color, _ q: Color) -> Double {
    let a = cieLab(p), b = cieLab(q)
    return ((a.l - b.l) * (a.l - b.l) + (a.a - b.a) * (a.a - b.a) + (a.b - b.b) * (a.b - b.b)).squareRoot()
}

/// Protanopia and deuteranopia at full severity (Machado, Oliveira & Fernandes 2009), on linear sRGB.
func simulated(_ c: Color, _ m: [[Double]]) -> Color {
    func lin(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
    func enc(_ v: Double) -> Double { v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055 }
    let v = [lin(c.red), lin(c.green), lin(c.blue)]
    let o = m.map { row in enc(min(1, max(0, zip(row, v).reduce(0) { $0 + $1.0 * $1.1 }))) }
    return Color(red: o[0], green: o[1], blue: o[2])
}

let protanopia = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
let deuteranopia = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]

@Suite struct BandStyleLegibilityTests {
    /// Each background a band colour is drawn on: light styles on the (white) light presets, dark on `dark`.
    let pages: [(dark: Bool, background: Color)] = [(false, StylePreset.screen.style.background),
                                                    (true, StylePreset.dark.style.background)]
    let lsst = LSSTBandStyles.bands

    @Test func presetsDrawOnWhiteOrTheDarkPage() {
        for p in StylePreset.allCases {
            #expect(p.style.background == (p == .dark ? Color(hex: "#15191F") : .white), "\(p)")
            #expect(p.style.isDark == (p == .dark))
        }
    }

    @Test(arguments: BandPalette.allCases)
    func lsstBandsAreInBlueToRedOrderWithTheirOwnShapes(palette: BandPalette) {
        for dark in [false, true] {
            let styles = lsst.map { LSSTBandStyles.style(band: $0, palette: palette, dark: dark) }
            #expect(styles.map(\.name) == ["u", "g", "r", "i", "z", "y"])
            #expect(styles.map(\.order) == Array(1...6))
            // The Portal's symbols, in every palette; ▲ ▼ stay for upper limits and bad-quality points.
            #expect(styles.map(\.shape) == [.circle, .triangleLeft, .triangleRight, .square, .star, .pentagon])
            #expect(Set(styles.map(\.shape)).count == 6)
            let unknown = LSSTBandStyles.style(band: "N921", palette: palette, dark: dark)
            #expect(unknown.name == "N921" && unknown.order > 6 && unknown.shape == .diamond)
            #expect(unknown.color.red == unknown.color.green && unknown.color.green == unknown.color.blue, "grey")
            #expect(LSSTBandStyles.style(band: "Z", palette: palette, dark: dark) == styles[4])
        }
    }

    @Test(arguments: BandPalette.allCases)
    func lsstColoursHaveThreeToOneOnTheirPageAndStayApart(palette: BandPalette) {
        for page in pages {
            let styles = (lsst + ["unknown"]).map { LSSTBandStyles.style(band: $0, palette: palette, dark: page.dark) }
            for s in styles {
                let ratio = Color.contrastRatio(s.color, page.background)
                #expect(ratio >= 3, "\(palette) \(s.name) \(s.color) has \(ratio):1 on \(page.background)")
            }
            // Every pair, not only neighbours (the legend lists them all); the fallback grey too.
            for i in styles.indices {
                for j in styles.indices where j > i {
                    let d = deltaE(styles[i].color, styles[j].color)
                    #expect(d >= 15, "\(palette) dark=\(page.dark): \(styles[i].name)–\(styles[j].name) ΔE \(d)")
                }
            }
        }
    }

    @Test func colourBlindLSSTBandsStayApartForProtanopesAndDeuteranopes() {
        for page in pages {
            let colors = lsst.map { LSSTBandStyles.style(band: $0, palette: .colorblind, dark: page.dark).color }
            for m in [protanopia, deuteranopia] {
                let seen = colors.map { simulated($0, m) }
                for i in seen.indices {
                    for j in seen.indices where j > i {
                        #expect(deltaE(seen[i], seen[j]) >= 15, "dark=\(page.dark): \(lsst[i])–\(lsst[j])")
                    }
                }
            }
        }
    }

    @Test func publishedLSSTColoursAreKeptWhereTheyPass() {
        let published: [(BandPalette, Bool, [String])] = [
            (.fink, false, ["#15284F", "#626D84", "#AFB2B9", "#DBBEB2", "#E89070", "#F5622E"]),
            (.fink, true, ["#15284F", "#626D84", "#AFB2B9", "#DBBEB2", "#E89070", "#F5622E"]),
            (.colorblind, false, ["#1600EA", "#31DE1F", "#B52626", "#370201", "#BA52FF", "#61A2B3"]),
            (.colorblind, true, ["#3EB7FF", "#30C39F", "#FF7E00", "#2AF5FF", "#A7F9C1", "#FDC900"]),
        ]
        for (palette, dark, hexes) in published {
            let background = dark ? StylePreset.dark.style.background : .white
            for (band, hex) in zip(lsst, hexes) {
                let source = Color(hex: hex), used = LSSTBandStyles.style(band: band, palette: palette, dark: dark).color
                if Color.contrastRatio(source, background) >= 3 {
                    #expect(used == source, "\(palette) dark=\(dark) \(band): \(used), published \(hex)")
                } else {
                    #expect(deltaE(used, source) < 30, "\(palette) dark=\(dark) \(band): re-tuned too far")
                }
            }
        }
    }

    @Test(arguments: BandPalette.allCases)
    func ztfColoursHaveThreeToOneOnTheirPage(palette: BandPalette) {
        for page in pages {
            for fid in 1...4 {
                let s = palette.style(fid: fid, dark: page.dark)
                let ratio = Color.contrastRatio(s.color, page.background)
                #expect(ratio >= 3, "\(palette) \(s.name) \(s.color) has \(ratio):1 on \(page.background)")
            }
        }
    }
}
