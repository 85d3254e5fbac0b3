import FinkAPI
import PlotCore

/// How a photometric band is drawn. Bands are an open set: unknown filters get a fallback colour.
public struct BandStyle: Sendable, Equatable {
    public var name: String
    public var color: Color
    /// Sort key: bands are listed blue to red.
    public var order: Int
}

public enum ZTFBands {
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
