import Foundation

extension Survey {
    /// Rubin Observatory's LSST, as Fink serves it at api.lsst.fink-portal.org.
    public static let lsst = Survey("lsst")
}

/// Rubin/LSST: `diaObjectId`s are 64-bit decimal numbers, times MJD TAI, fluxes in nJy, six bands.
public struct LSSTProfile: SurveyProfile {
    public init() {}

    public var survey: Survey { .lsst }
    public var displayName: String { "Rubin" }
    public var idName: String { "diaObjectId" }
    public var idExample: String { "170028485706776685" }

    /// Any run of ASCII digits: no other survey's ids are all digits, and a malformed number
    /// is better refused here with a Rubin reason than as "no survey knows it".
    public func claims(_ raw: String) -> Bool {
        !raw.isEmpty && raw.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// 1 to 19 ASCII digits that fit an Int64, kept without leading zeros: the server salts its
    /// row keys with the id's last three characters and matches by prefix, so "0170…" or
    /// "+170…" would silently find nothing. "0" is an id (SSO alerts carry it; the API has no
    /// object for it).
    public func key(validating raw: String) throws(FinkError) -> ObjectKey {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason = Self.problem(with: text) { throw .invalidObjectId(raw, reason: reason) }
        // Checked above: digits only, fits Int64.
        return ObjectKey(survey: .lsst, validatedId: String(Int64(text)!))
    }

    /// Why `text` is not a diaObjectId, or nil.
    static func problem(with text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        if let first = text.first, first == "+" || first == "-" {
            return "a Rubin diaObjectId is an unsigned decimal number like 170028485706776685, without a sign"
        }
        if let bad = text.first(where: { !("0"..."9").contains($0) || !$0.isASCII }) {
            return "a Rubin diaObjectId has only the digits 0-9 (like 170028485706776685), this one has '\(bad)'"
        }
        if text.count > 19 {
            return "a Rubin diaObjectId has at most 19 digits, this one has \(text.count)"
        }
        if Int64(text) == nil {
            return "it exceeds the largest 64-bit diaObjectId, \(Int64.max)"
        }
        return nil
    }

    public var defaultBaseURL: String { "https://api.lsst.fink-portal.org" }
    public var environmentVariable: String { "FINK_LSST_API_URL" }

    public var timeScale: TimeScale { .tai }
    public var bands: [String] { ["u", "g", "r", "i", "z", "y"] }
    public var pixelScale: Double { 0.2 }
    public var stampUnit: String { "nJy" }
    public var servesStampsByAlertAlone: Bool { true }
    public var alertIdName: String { "diaSourceId" }

    public func apiSource(baseURL: URL, transport: any Transport) -> any ObjectDataSource {
        LSSTClient(baseURL: baseURL, transport: transport)
    }

    public func directorySource(_ directory: URL, shownAs: String) -> any ObjectDataSource {
        LSSTDirectorySource(directory: directory, shownAs: shownAs)
    }
}
