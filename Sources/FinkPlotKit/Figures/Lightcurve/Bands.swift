import FinkAPI
import PlotCore

/// How a photometric band is drawn. Bands are an open set: unknown filters get a fallback colour.
public struct BandStyle: Sendable, Equatable {
    public var name: String
    public var color: Color
    /// Sort key: bands are listed blue to red.
    public var order: Int
    /// Marker of the band's valid detections.
    public var shape: MarkerShape = .circle
}

/// Band colours (and shapes) of a lightcurve.
public enum BandPalette: String, Sendable, CaseIterable {
    /// Fink's Science Portal colours (each survey's Portal: see its folder under Surveys/).
    case fink = "default"
    /// A colour-blind-safe set per survey (ZTF: Okabe & Ito's colour-universal-design set (Okabe & Ito 2002, "Color Universal Design";
    /// popularised by Wong 2011, Nature Methods 8, 441), distinct under protanopia, deuteranopia
    /// and tritanopia, plus a shape per band so bands stay apart in greyscale print too.
    case colorblind

    public init(parsing name: String) throws(LightcurveOptionError) {
        guard let p = BandPalette(rawValue: name.lowercased()) else {
            throw .invalid(option: "--palette", value: name, expected: "default or colorblind")
        }
        self = p
    }
}
