import Foundation

/// Everything that makes one survey different, in one place: id syntax, where its API lives,
/// how its sources are made, its bands, time scale and stamps. A survey is a folder under
/// `Surveys/` holding its profile and decoders, plus one line in `Surveys.all`.
public protocol SurveyProfile: Sendable {
    var survey: Survey { get }
    /// As a reader knows it: `ZTF`, `Rubin`.
    var displayName: String { get }
    /// What its object ids are called (`objectId`, `diaObjectId`) and an example.
    var idName: String { get }
    var idExample: String { get }

    /// True when `raw` (trimmed) has this survey's id shape, so a mixed list can be routed
    /// without `--survey`. At most one survey claims any text.
    func claims(_ raw: String) -> Bool
    /// A key for `raw`, or why it is not an id of this survey.
    func key(validating raw: String) throws(FinkError) -> ObjectKey

    /// The public API and the environment variable that overrides it.
    var defaultBaseURL: String { get }
    var environmentVariable: String { get }

    var timeScale: TimeScale { get }
    /// Band names, blue to red.
    var bands: [String] { get }
    /// Stamp pixel scale in arcseconds per pixel, and the unit of stamp pixels.
    var pixelScale: Double { get }
    var stampUnit: String { get }
    /// The name of an alert id (`candid`, `diaSourceId`).
    var alertIdName: String { get }
    /// The usual stamp side in pixels (see the extension's default).
    var typicalStampPixels: Int { get }
    /// Whether stamps can be asked by alert id alone (see the extension's default).
    var servesStampsByAlertAlone: Bool { get }

    /// The REST API at `baseURL` (already checked and stripped of credentials) over `transport`.
    func apiSource(baseURL: URL, transport: any Transport) -> any ObjectDataSource
    /// Saved answers in `directory`; `shownAs` is how messages and figures name it.
    func directorySource(_ directory: URL, shownAs: String) -> any ObjectDataSource
}

extension SurveyProfile {
    public var alertIdName: String { "alert id" }
    /// The usual stamp side in pixels: the size of a "no data" tile when no stamp of the grid has one.
    public var typicalStampPixels: Int { 48 }
    /// True when an alert's stamps can be asked by the alert id alone (Rubin's `/cutouts` takes a
    /// diaSourceId), so `cutouts --candid` works for an alert whose object has no rows (an SSO alert).
    public var servesStampsByAlertAlone: Bool { false }
}

/// The surveys FinkPlot knows.
public enum Surveys {
    public static let all: [any SurveyProfile] = [ZTFProfile(), LSSTProfile()]

    public static func profile(_ survey: Survey) -> (any SurveyProfile)? {
        all.first { $0.survey == survey }
    }

    /// The survey names, for help and messages: `ztf or lsst`.
    public static var names: String { all.map(\.survey.name).joined(separator: " or ") }

    /// The key of `raw`: of `forced` when given, else of the survey whose id shape it has.
    /// An id no survey claims is refused with the reason each survey gives.
    public static func key(_ raw: String, survey forced: Survey? = nil) throws(FinkError) -> ObjectKey {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let forced {
            guard let profile = profile(forced) else {
                throw .invalidSetting(name: "--survey", value: forced.name, reason: "known surveys are \(names)")
            }
            return try profile.key(validating: trimmed)
        }
        if let profile = all.first(where: { $0.claims(trimmed) }) {
            return try profile.key(validating: trimmed)
        }
        let examples = all.map { "a \($0.displayName) \($0.idName) like \($0.idExample)" }.joined(separator: " or ")
        throw .invalidObjectId(raw, reason: trimmed.isEmpty ? "it is empty" : "expected \(examples)")
    }
}
