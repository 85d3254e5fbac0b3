import Foundation

/// What one photometry point is.
public enum PointKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// An alert's detection (ZTF: a valid alert; Rubin: a diaSource).
    case detection = "valid"
    /// A 5σ limit from a non-detection (ZTF `upperlim` rows; Rubin forced photometry below S/N 5).
    case upperLimit = "upperlim"
    /// A detection that failed the survey's quality cuts (ZTF `badquality`).
    case badQuality = "badquality"
    /// Forced photometry at the object's position (Rubin `/api/v1/fp`), detected or not.
    case forced

    public static func < (a: PointKind, b: PointKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The unit of a measurement.
public enum PhotometricUnit: String, Sendable, Codable {
    /// AB magnitude.
    case abMagnitude = "mag"
    /// Nanojansky (Rubin fluxes).
    case nanojansky = "nJy"
    /// Microjansky.
    case microjansky = "µJy"
    /// Millijansky.
    case millijansky = "mJy"

    /// The AB zero point of a flux in this unit: m = zp − 2.5·log10(F). Rubin's nJy uses 31.4, as
    /// Fink's LSST Portal does (`flux_to_mag`); the others follow from 3631 Jy at m = 0.
    public var abZeroPoint: Double? {
        switch self {
        case .abMagnitude: nil
        case .nanojansky: 31.4
        case .microjansky, .millijansky: 2.5 * log10(3631 / jansky!)
        }
    }

    /// The AB magnitude of a positive flux in this unit; nil for f ≤ 0 (no magnitude exists).
    public func magnitude(ofFlux f: Double) -> Double? {
        guard f > 0, f.isFinite, let zp = abZeroPoint else { return nil }
        return zp - 2.5 * log10(f)
    }

    /// The flux in this unit of an AB magnitude (for limits drawn on a flux axis).
    public func flux(ofMagnitude m: Double) -> Double? {
        guard m.isFinite, let jansky else { return nil }
        if self == .nanojansky { return pow(10, -0.4 * (m - 31.4)) }
        return 3631 * pow(10, -0.4 * m) / jansky
    }

    /// Janskys per unit, for fluxes; nil for magnitudes.
    public var jansky: Double? {
        switch self {
        case .abMagnitude: nil
        case .nanojansky: 1e-9
        case .microjansky: 1e-6
        case .millijansky: 1e-3
        }
    }
}

/// A value with its 1σ error and unit.
public struct PhotometricValue: Sendable, Equatable, Codable {
    public var value: Double
    /// nil when unknown (never NaN).
    public var error: Double?
    public var unit: PhotometricUnit

    public init(_ value: Double, error: Double? = nil, unit: PhotometricUnit) {
        self.value = value
        self.error = error.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        self.unit = unit
    }

    /// The same flux in `unit` (both must be fluxes).
    public func converted(to unit: PhotometricUnit) -> PhotometricValue {
        guard let from = self.unit.jansky, let to = unit.jansky else { return self }
        let k = from / to
        return PhotometricValue(value * k, error: error.map { $0 * k }, unit: unit)
    }

    /// The AB magnitude of this flux and its error (σm = 2.5/ln10 · σf/f); nil for f ≤ 0.
    public var asMagnitude: PhotometricValue? {
        guard let m = unit.magnitude(ofFlux: value) else { return nil }
        return PhotometricValue(m, error: error.map { 2.5 / log(10.0) * $0 / value }, unit: .abMagnitude)
    }

    /// Signal to noise, |value| / error; nil without an error.
    public var signalToNoise: Double? {
        guard let error, error > 0 else { return nil }
        return abs(value) / error
    }
}

/// The reference-image source under a ZTF alert (`magnr`, `sigmagnr`, `distnr`), which Fink's
/// apparent-magnitude recipe adds to the difference flux.
public struct ReferenceSource: Sendable, Equatable, Codable {
    public var magnitude: Double
    public var error: Double
    /// Distance from the alert in pixels.
    public var distance: Double

    public init(magnitude: Double, error: Double, distance: Double) {
        self.magnitude = magnitude
        self.error = error
        self.distance = distance
    }
}

/// One point of a lightcurve, as any survey's decoder makes it: it says what it is (`kind`) and
/// what was measured (a magnitude, a difference flux, a total flux, each with its unit).
///
/// - ZTF detection: `magnitude` = magpsf, `differenceFlux` derived in mJy, `isNegative` from
///   `isdiffpos`, `reference` when a reference source lies near; ZTF upper limit: `magnitude` =
///   diffmaglim.
/// - Rubin diaSource: `differenceFlux` = psfFlux (nJy, signed), `totalFlux` = scienceFlux;
///   forced point: the same fields from `/api/v1/fp`.
public struct PhotometryPoint: Sendable, Equatable, Codable {
    /// Modified Julian date of the exposure, in the object's `ObjectData.timeScale`.
    public var mjd: Double
    /// Band name (`g`, `r`, `i`, `u`, `z`, `y`, ...): bands are an open set keyed by name.
    public var band: String
    public var kind: PointKind
    /// The alert of a detection (ZTF candid, Rubin diaSourceId); nil for limits and forced points.
    public var alertId: Int64?
    /// A magnitude: the detection's PSF magnitude, or the limiting magnitude of an upper limit.
    public var magnitude: PhotometricValue?
    /// The flux on the difference image, negative when fainter than the template.
    public var differenceFlux: PhotometricValue?
    /// The flux on the science image (Rubin `scienceFlux`): the total brightness.
    public var totalFlux: PhotometricValue?
    /// True when the source is fainter than in the template (ZTF `isdiffpos` f, Rubin psfFlux < 0).
    public var isNegative: Bool?
    public var reference: ReferenceSource?

    public init(mjd: Double, band: String, kind: PointKind, alertId: Int64? = nil, magnitude: PhotometricValue? = nil,
                differenceFlux: PhotometricValue? = nil, totalFlux: PhotometricValue? = nil, isNegative: Bool? = nil,
                reference: ReferenceSource? = nil) {
        self.mjd = mjd; self.band = band; self.kind = kind; self.alertId = alertId; self.magnitude = magnitude
        self.differenceFlux = differenceFlux; self.totalFlux = totalFlux; self.isNegative = isNegative
        self.reference = reference
    }
}

/// A labelled fact about an object, for cards ("Fink class", "SIMBAD", "Sources").
public struct ObjectFact: Sendable, Equatable, Codable {
    public var label: String
    public var value: String
    public init(_ label: String, _ value: String) { self.label = label; self.value = value }
}

/// What a survey knows of an object beyond its points: position, classification, cross-matches.
public struct ObjectSummary: Sendable, Equatable, Codable {
    /// Degrees (J2000/ICRS).
    public var ra: Double?
    public var dec: Double?
    /// Fink's classification, in words; nil when none.
    public var classification: String?
    /// The main catalogue cross-match (ZTF SIMBAD `cdsxmatch`, Rubin `f:main_label_crossmatch`).
    public var crossmatch: String?
    /// How the position was obtained when it is not one measurement ("mean of 12 valid alerts").
    public var positionNote: String?
    /// More lines for a card, in order.
    public var facts: [ObjectFact]

    public init(ra: Double? = nil, dec: Double? = nil, classification: String? = nil, crossmatch: String? = nil,
                facts: [ObjectFact] = []) {
        self.ra = ra; self.dec = dec; self.classification = classification; self.crossmatch = crossmatch
        self.facts = facts
    }

    /// nil for the placeholders Fink sends when there is nothing to say (`Unknown`, `Fail`, `nan`).
    public static func meaningful(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces)
        return ["", "Unknown", "Fail", "nan", "NaN", "null", "None"].contains(t) ? nil : t
    }
}

/// Everything a source gives for one object: its points in any order, the time scale of their
/// MJDs, its summary, and remarks on the data (a row limit reached).
public struct ObjectData: Sendable, Equatable, Codable {
    public var key: ObjectKey
    public var points: [PhotometryPoint]
    public var timeScale: TimeScale
    public var summary: ObjectSummary
    /// True when the summary is complete (a card's needs were met); false for the lightcurve's
    /// narrower fetch.
    public var hasFullSummary: Bool
    public var notes: [String]
    /// When these data were fetched, for data read from the cache (the entry knows): what a
    /// figure records as its query time, rather than when it was drawn. nil for data fetched by
    /// this run (its query time is the run's) and for saved answers.
    public var fetchedAt: Date?

    public init(key: ObjectKey, points: [PhotometryPoint], timeScale: TimeScale, summary: ObjectSummary = ObjectSummary(),
                hasFullSummary: Bool = false, notes: [String] = [], fetchedAt: Date? = nil) {
        self.key = key; self.points = points; self.timeScale = timeScale; self.summary = summary
        self.hasFullSummary = hasFullSummary; self.notes = notes; self.fetchedAt = fetchedAt
    }

    /// The detections, newest first (the alert a card or cutout shows by default is the first).
    public var detectionsNewestFirst: [PhotometryPoint] {
        points.filter { $0.kind == .detection && $0.alertId != nil }.sorted { $0.mjd > $1.mjd }
    }
}
