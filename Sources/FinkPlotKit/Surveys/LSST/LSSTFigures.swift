import FinkAPI

/// Rubin's look: the science-flux magnitude by default (as Fink's LSST Portal), difference
/// fluxes in µJy with forced photometry, difference magnitudes with 5σ limits; six bands, each
/// with its own colour and marker.
public struct LSSTFigures: SurveyFigures {
    public init() {}
    public var survey: Survey { .lsst }
    public var quantities: [YQuantity] { [.totalMagnitude, .differenceFlux, .differenceMagnitude] }
    public var fluxUnit: PhotometricUnit { .microjansky }
    public var pointKinds: [PointKind] { [.detection, .forced] }

    public func bandStyle(_ band: String, palette: BandPalette, dark: Bool) -> BandStyle {
        LSSTBandStyles.style(band: band, palette: palette, dark: dark)
    }
}
