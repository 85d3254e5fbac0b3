import Foundation

extension Survey {
    /// The Zwicky Transient Facility, served by Fink since 2019.
    public static let ztf = Survey("ztf")
}

/// ZTF as Fink serves it: `ZTF21aaxtctv` ids, `/api/v1/objects` lightcurves with upper limits,
/// UTC Julian dates, bands g r i, 63×63 stamps at 1.01″/px in DN.
public struct ZTFProfile: SurveyProfile {
    public init() {}

    public var survey: Survey { .ztf }
    public var displayName: String { "ZTF" }
    public var idName: String { "objectId" }
    public var idExample: String { "ZTF21aaxtctv" }
    public var alertIdName: String { "candid" }

    /// Any text starting with `ZTF` (case-insensitive) is meant as a ZTF id, so a malformed one
    /// is refused with ZTF's own reason.
    public func claims(_ raw: String) -> Bool { raw.uppercased().hasPrefix("ZTF") }

    public func key(validating raw: String) throws(FinkError) -> ObjectKey {
        try ObjectId(validating: raw).key
    }

    public var defaultBaseURL: String { FinkAPIConfig.defaultBaseURL }
    public var environmentVariable: String { FinkAPIConfig.environmentVariable }
    public var timeScale: TimeScale { .utc }
    public var bands: [String] { ["g", "r", "i"] }
    /// ZTF's pixel scale (Bellm et al. 2019, PASP 131, 018002).
    public var pixelScale: Double { 1.01 }
    public var stampUnit: String { "DN" }
    public var typicalStampPixels: Int { 63 }

    public func apiSource(baseURL: URL, transport: any Transport) -> any ObjectDataSource {
        FinkClient(baseURL: baseURL, transport: transport)
    }

    public func directorySource(_ directory: URL, shownAs: String) -> any ObjectDataSource {
        DirectorySource(directory: directory, shownAs: shownAs)
    }
}

extension ObjectId {
    /// The survey-tagged key of this id.
    public var key: ObjectKey { ObjectKey(survey: .ztf, validatedId: rawValue) }

    /// The ZTF id of a key (a key of another survey is refused).
    public init(_ key: ObjectKey) throws(FinkError) {
        guard key.survey == .ztf else { throw .invalidObjectId(key.id, reason: "not a ZTF object") }
        try self.init(validating: key.id)
    }
}

/// The `/api/v1/objects` columns fetched for figures: the union of what lightcurves, the choice of
/// a cutout's alert and object cards need, so that one cached entry serves all of them.
/// `v:classification` only comes back when no column list is sent (a card asks for every column);
/// it is listed anyway so a server that starts honouring it fills it.
public enum ZTFColumns {
    public static let standard = [
        "i:objectId", "i:candid", "i:jd", "i:fid", "i:magpsf", "i:sigmapsf", "i:diffmaglim", "i:isdiffpos",
        "i:magnr", "i:sigmagnr", "i:distnr", "i:ra", "i:dec", "d:cdsxmatch", "v:classification",
    ]
}

/// ZTF rows as survey-neutral photometry.
public enum ZTFPhotometry {
    /// 2.5 / ln 10 = 1.0857: turns a magnitude error into a relative flux error.
    static let magToFlux = 2.5 / log(10.0)

    /// The point of one row: a detection (magpsf, its difference flux in mJy signed by
    /// `isdiffpos`, the reference source when one is near), an upper limit (diffmaglim) or a
    /// bad-quality detection.
    public static func point(_ d: Detection) -> PhotometryPoint {
        let kind: PointKind = switch d.tag {
        case .valid: .detection
        case .upperLimit: .upperLimit
        case .badQuality: .badQuality
        }
        var point = PhotometryPoint(mjd: d.mjd, band: d.bandName, kind: kind, alertId: kind == .detection ? d.candid : nil)
        switch d.tag {
        case .upperLimit:
            point.magnitude = d.diffmaglim.flatMap { $0.isFinite ? PhotometricValue($0, unit: .abMagnitude) : nil }
        case .valid, .badQuality:
            if let m = d.magpsf, m.isFinite {
                point.magnitude = PhotometricValue(m, error: d.sigmapsf, unit: .abMagnitude)
                if let positive = d.isdiffpos {
                    // F = 3631 Jy · 10^(−0.4 m) in mJy, σ_F = σ_m / 1.0857 · F; negative when fainter than the template.
                    let f = PhotometricUnit.millijansky.flux(ofMagnitude: m) ?? 0
                    let sigma = d.sigmapsf.flatMap { $0.isFinite && $0 > 0 ? $0 / magToFlux * f : nil }
                    point.differenceFlux = PhotometricValue(positive ? f : -f, error: sigma, unit: .millijansky)
                }
            }
            point.isNegative = d.isdiffpos.map { !$0 }
            if let m = d.magnr, let s = d.sigmagnr, let r = d.distnr, m.isFinite, s.isFinite, r.isFinite {
                point.reference = ReferenceSource(magnitude: m, error: s, distance: r)
            }
        }
        return point
    }

    /// One object's rows as `ObjectData`. `full`: the rows hold every column (so Fink's
    /// classification, which the server computes only then, is as complete as it gets).
    public static func object(_ key: ObjectKey, rows: [Detection], full: Bool) -> ObjectData {
        ObjectData(key: key, points: rows.filter { $0.jd.isFinite }.map(point), timeScale: .utc,
                   summary: summary(rows), hasFullSummary: full, notes: notes(rows))
    }

    /// The rows' problems as notes: each named up to three times, then counted, so a damaged
    /// answer of thousands of rows gives a readable note, not thousands.
    static func notes(_ rows: [Detection]) -> [String] {
        var notes: [String] = []
        for list in [rows.flatMap(\.problems), rows.flatMap { $0.stampProblems.sorted { $0.key < $1.key }.map(\.value) }] {
            notes += list.prefix(3)
            if list.count > 3 { notes.append("\(list.count - 3) more rows like these") }
        }
        return notes
    }

    /// Mean position of the valid alerts, the latest alert's Fink class, the latest SIMBAD match.
    static func summary(_ rows: [Detection]) -> ObjectSummary {
        let valid = rows.filter { $0.tag == .valid && $0.jd.isFinite }.sorted { $0.jd < $1.jd }
        var summary = ObjectSummary()
        let positions = valid.compactMap { d -> (Double, Double)? in
            guard let ra = d.ra, let dec = d.dec, ra.isFinite, dec.isFinite else { return nil }
            return (ra, dec)
        }
        if let mean = SkyPosition.mean(positions) {
            summary.ra = mean.ra
            summary.dec = mean.dec
            if positions.count > 1 { summary.positionNote = "mean of \(positions.count) valid alerts" }
        }
        // Fink's classification is computed per alert at query time: the latest alert's is current.
        summary.classification = valid.last?.classification
        summary.crossmatch = valid.reversed().lazy.compactMap { $0.cdsxmatch.flatMap(ObjectSummary.meaningful) }.first
        return summary
    }
}

/// Sky-position helpers shared by the surveys.
public enum SkyPosition {
    /// Why (ra, dec) in degrees is no position on the sky, naming the columns; nil when it is one
    /// (or when either is missing, which is no position but no damage either).
    public static func problem(ra: Double?, dec: Double?, raName: String, decName: String) -> String? {
        func shown(_ v: Double) -> String { abs(v) < 1e6 ? String(format: "%.6g", v) : "\(v)" }
        if let ra, !(0...360).contains(ra) { return "\(raName) \(shown(ra)) is not a right ascension (0–360°)" }
        if let dec, !(-90...90).contains(dec) { return "\(decName) \(shown(dec)) is not a declination (−90° to +90°)" }
        return nil
    }

    /// The mean of (ra, dec) pairs in degrees. RA offsets are taken from the first position, so an
    /// object at RA ≈ 0° does not average to 180°.
    public static func mean(_ positions: [(Double, Double)]) -> (ra: Double, dec: Double)? {
        guard let reference = positions.first?.0 else { return nil }
        let offsets = positions.map { ($0.0 - reference + 540).truncatingRemainder(dividingBy: 360) - 180 }
        var mean = reference + offsets.reduce(0, +) / Double(offsets.count)
        mean = mean.truncatingRemainder(dividingBy: 360)
        return (mean < 0 ? mean + 360 : mean, positions.map(\.1).reduce(0, +) / Double(positions.count))
    }
}
