import FinkAPI

/// ZTF's look: difference magnitudes by default (Fink's Portal), DC magnitudes, fluxes in mJy.
public struct ZTFFigures: SurveyFigures {
    public init() {}
    public var survey: Survey { .ztf }
    public var quantities: [YQuantity] { [.differenceMagnitude, .apparentMagnitude, .differenceFlux] }
    public var fluxUnit: PhotometricUnit { .millijansky }
    public var pointKinds: [PointKind] { [.detection, .upperLimit, .badQuality] }

    public func bandStyle(_ band: String, palette: BandPalette, dark: Bool) -> BandStyle {
        palette.style(fid: ZTFBands.fid(of: band), dark: dark)
    }
}
