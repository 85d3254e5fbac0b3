import FinkAPI
import PlotCore

/// How one survey's data are drawn: its y quantities, flux unit, band colours and shapes, and
/// the kinds of point it has. One conformance per survey folder, listed in `SurveyLooks.all`;
/// the figures ask only this, never a survey by name.
public protocol SurveyFigures: Sendable {
    var survey: Survey { get }
    /// The y quantities this survey's data can give, the default first.
    var quantities: [YQuantity] { get }
    /// The unit fluxes are drawn in.
    var fluxUnit: PhotometricUnit { get }
    /// The kinds of point this survey has (card counts list them even at zero).
    var pointKinds: [PointKind] { get }
    func bandStyle(_ band: String, palette: BandPalette, dark: Bool) -> BandStyle
}

extension SurveyFigures {
    public var defaultQuantity: YQuantity { quantities[0] }
}

public enum SurveyLooks {
    public static let all: [any SurveyFigures] = [ZTFFigures(), LSSTFigures()]

    /// The survey's look; a survey without one is drawn with neutral defaults.
    public static func of(_ survey: Survey) -> any SurveyFigures {
        all.first { $0.survey == survey } ?? GenericFigures(survey: survey)
    }
}

/// Defaults for a survey that has a profile but no look of its own yet.
struct GenericFigures: SurveyFigures {
    var survey: Survey
    var quantities: [YQuantity] { [.differenceMagnitude, .differenceFlux] }
    var fluxUnit: PhotometricUnit { .microjansky }
    var pointKinds: [PointKind] { [.detection] }
    func bandStyle(_ band: String, palette: BandPalette, dark: Bool) -> BandStyle {
        BandStyle(name: band, color: Color(hex: dark ? "#BBBBBB" : "#555555"), order: 100)
    }
}
