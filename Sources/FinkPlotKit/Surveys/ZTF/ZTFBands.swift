import PlotCore

extension BandPalette {
    /// The band's style; `dark` picks colours that keep their contrast on a dark background
    /// (the Portal's navy g would vanish there).
    public func style(fid: Int, dark: Bool = false) -> BandStyle {
        switch (self, dark) {
        case (.fink, false):
            return ZTFBands.style(fid: fid)
        case (.fink, true):
            var s = ZTFBands.style(fid: fid)
            switch fid {
            case 1: s.color = Color(hex: "#6FA8FF")
            case 2: s.color = Color(hex: "#FF8A5C")
            case 3: s.color = Color(hex: "#5BD68A")
            default: s.color = Color(hex: "#B0B0B0")
            }
            return s
        case (.colorblind, _):
            // Okabe–Ito: g blue #0072B2 (sky blue #56B4E9 on dark), r vermillion #D55E00
            // (orange #E69F00 on dark), i bluish green #009E73.
            switch fid {
            case 1: return BandStyle(name: "g", color: Color(hex: dark ? "#56B4E9" : "#0072B2"), order: 1, shape: .circle)
            case 2: return BandStyle(name: "r", color: Color(hex: dark ? "#E69F00" : "#D55E00"), order: 2, shape: .square)
            case 3: return BandStyle(name: "i", color: Color(hex: "#009E73"), order: 3, shape: .diamond)
            default: return BandStyle(name: "fid \(fid)", color: Color(hex: dark ? "#BBBBBB" : "#000000"), order: 100 + fid,
                                      shape: .circle)
            }
        }
    }
}

public enum ZTFBands {
    /// The ZTF filter id of a band name (`fid 7` for an unknown filter keeps its number).
    public static func fid(of band: String) -> Int {
        switch band {
        case "g": 1
        case "r": 2
        case "i": 3
        default: Int(band.replacingOccurrences(of: "fid ", with: "")) ?? 99
        }
    }

    /// g and r as Fink's Science Portal draws them; i a third colour far from both.
    public static func style(fid: Int) -> BandStyle {
        switch fid {
        case 1: BandStyle(name: "g", color: Color(hex: "#15284F"), order: 1)
        case 2: BandStyle(name: "r", color: Color(hex: "#F5622E"), order: 2)
        case 3: BandStyle(name: "i", color: Color(hex: "#2E9E5B"), order: 3)
        default: BandStyle(name: "fid \(fid)", color: Color(hex: "#7F7F7F"), order: 100 + fid)
        }
    }
}
