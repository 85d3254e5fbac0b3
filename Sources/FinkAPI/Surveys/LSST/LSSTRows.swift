import Foundation

/// One row of an `/api/v1/sources` (a diaSource) or `/api/v1/fp` (a forced point) answer: the
/// columns FinkPlot reads, nil where the cell is missing.
///
/// Cell rules (every column):
/// - numbers arrive as JSON numbers or numeric strings;
/// - `null`, a missing key, `"nan"`, `"NaN"`, `"None"`, `""` (and bare `NaN` tokens) mean missing;
/// - negative values are values: difference fluxes are signed, and nothing is a placeholder;
/// - ids (`r:diaObjectId`, `r:diaSourceId`, `r:visit`) are exact Int64s from a JSON integer or an
///   integer string, never through Double (they exceed 2^53);
/// - anything else (a word where a number belongs, a boolean) is an error naming row and column:
///   the format changed, which must not be drawn as "no data";
/// - an `r:diaSourceId` of zero or below is no alert id: the row is left without one and says
///   why in `problems`; the detection is still drawn, without stamps.
public struct LSSTPhotometryRow: Sendable, Equatable {
    public var diaObjectId: Int64?
    /// The alert (diaSource); `/fp` rows have none.
    public var diaSourceId: Int64?
    public var visit: Int64?
    public var midpointMjdTai: Double?
    public var band: String?
    /// Difference-image PSF flux and error, nJy (signed).
    public var psfFlux: Double?
    public var psfFluxErr: Double?
    /// Science-image flux and error, nJy: the total brightness.
    public var scienceFlux: Double?
    public var scienceFluxErr: Double?
    public var ra: Double?
    public var dec: Double?
    /// What was wrong with the row's cells, for the object's notes (`LSSTDecoder` adds the row).
    public var problems: [String] = []

    public init(diaObjectId: Int64? = nil, diaSourceId: Int64? = nil, visit: Int64? = nil, midpointMjdTai: Double? = nil,
                band: String? = nil, psfFlux: Double? = nil, psfFluxErr: Double? = nil, scienceFlux: Double? = nil,
                scienceFluxErr: Double? = nil, ra: Double? = nil, dec: Double? = nil) {
        self.diaObjectId = diaObjectId; self.diaSourceId = diaSourceId; self.visit = visit
        self.midpointMjdTai = midpointMjdTai; self.band = band; self.psfFlux = psfFlux; self.psfFluxErr = psfFluxErr
        self.scienceFlux = scienceFlux; self.scienceFluxErr = scienceFluxErr; self.ra = ra; self.dec = dec
    }
}

/// The `/api/v1/objects` row of one diaObject (its summary, overwritten by each alert), with the
/// cell rules of `LSSTPhotometryRow`.
public struct LSSTObjectRow: Sendable, Equatable {
    public var diaObjectId: Int64?
    public var ra: Double?
    public var dec: Double?
    /// Every diaSource Rubin associated with the object (not only those Fink received).
    public var nDiaSources: Int64?
    public var observationReason: String?
    public var targetName: String?
    /// Fink's first detection (Rubin leaves `r:firstDiaSourceMjdTai` null), MJD TAI.
    public var firstDiaSourceMjdTaiFink: Double?
    /// The CATS class (`f:main_label_classifier`, an integer code).
    public var mainLabelClassifier: Int64?
    /// The main cross-match label (SIMBAD type).
    public var mainLabelCrossmatch: String?
    /// `r:<band>_psfFluxNdata` by band name.
    public var psfFluxNdata: [String: Int64]

    public init(diaObjectId: Int64? = nil, ra: Double? = nil, dec: Double? = nil, nDiaSources: Int64? = nil,
                observationReason: String? = nil, targetName: String? = nil, firstDiaSourceMjdTaiFink: Double? = nil,
                mainLabelClassifier: Int64? = nil, mainLabelCrossmatch: String? = nil, psfFluxNdata: [String: Int64] = [:]) {
        self.diaObjectId = diaObjectId; self.ra = ra; self.dec = dec; self.nDiaSources = nDiaSources
        self.observationReason = observationReason; self.targetName = targetName
        self.firstDiaSourceMjdTaiFink = firstDiaSourceMjdTaiFink; self.mainLabelClassifier = mainLabelClassifier
        self.mainLabelCrossmatch = mainLabelCrossmatch; self.psfFluxNdata = psfFluxNdata
    }
}

/// The columns, as the API names them.
enum LSSTColumn {
    static let diaObjectId = "r:diaObjectId"
    static let diaSourceId = "r:diaSourceId"
    static let visit = "r:visit"
    static let midpointMjdTai = "r:midpointMjdTai"
    static let band = "r:band"
    static let psfFlux = "r:psfFlux"
    static let psfFluxErr = "r:psfFluxErr"
    static let scienceFlux = "r:scienceFlux"
    static let scienceFluxErr = "r:scienceFluxErr"
    static let ra = "r:ra"
    static let dec = "r:dec"
    static let nDiaSources = "r:nDiaSources"
    static let observationReason = "r:observation_reason"
    static let targetName = "r:target_name"
    static let firstDiaSourceMjdTaiFink = "f:firstDiaSourceMjdTaiFink"
    static let mainLabelClassifier = "f:main_label_classifier"
    static let mainLabelCrossmatch = "f:main_label_crossmatch"
    static func psfFluxNdata(_ band: String) -> String { "r:\(band)_psfFluxNdata" }
}

// MARK: - Decodable rows (only the declared keys are read; the other ~120 columns are skipped)

struct PhotometryRowDTO: Decodable {
    let row: LSSTPhotometryRow

    private static let keys = (
        object: AnyKey(LSSTColumn.diaObjectId), source: AnyKey(LSSTColumn.diaSourceId), visit: AnyKey(LSSTColumn.visit),
        mjd: AnyKey(LSSTColumn.midpointMjdTai), band: AnyKey(LSSTColumn.band),
        psf: AnyKey(LSSTColumn.psfFlux), psfErr: AnyKey(LSSTColumn.psfFluxErr),
        science: AnyKey(LSSTColumn.scienceFlux), scienceErr: AnyKey(LSSTColumn.scienceFluxErr),
        ra: AnyKey(LSSTColumn.ra), dec: AnyKey(LSSTColumn.dec)
    )

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let k = Self.keys
        let (source, sourceProblem) = try c.lsstAlertId(k.source)
        var row = LSSTPhotometryRow(
            diaObjectId: try c.lsstId(k.object), diaSourceId: source, visit: try c.lsstId(k.visit),
            midpointMjdTai: try c.lsstNumber(k.mjd), band: try c.lsstText(k.band),
            psfFlux: try c.lsstNumber(k.psf), psfFluxErr: try c.lsstNumber(k.psfErr),
            scienceFlux: try c.lsstNumber(k.science), scienceFluxErr: try c.lsstNumber(k.scienceErr),
            ra: try c.lsstNumber(k.ra), dec: try c.lsstNumber(k.dec))
        if let sourceProblem { row.problems.append("\(LSSTColumn.diaSourceId) \(sourceProblem)") }
        self.row = row
    }
}

struct ObjectRowDTO: Decodable {
    let row: LSSTObjectRow

    private static let bandKeys = LSSTProfile().bands.map { ($0, AnyKey(LSSTColumn.psfFluxNdata($0))) }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        var ndata: [String: Int64] = [:]
        for (band, key) in Self.bandKeys {
            if let n = try c.lsstCount(key) { ndata[band] = n }
        }
        row = LSSTObjectRow(
            diaObjectId: try c.lsstId(AnyKey(LSSTColumn.diaObjectId)),
            ra: try c.lsstNumber(AnyKey(LSSTColumn.ra)), dec: try c.lsstNumber(AnyKey(LSSTColumn.dec)),
            nDiaSources: try c.lsstCount(AnyKey(LSSTColumn.nDiaSources)),
            observationReason: try c.lsstText(AnyKey(LSSTColumn.observationReason)),
            targetName: try c.lsstText(AnyKey(LSSTColumn.targetName)),
            firstDiaSourceMjdTaiFink: try c.lsstNumber(AnyKey(LSSTColumn.firstDiaSourceMjdTaiFink)),
            mainLabelClassifier: try c.lsstCount(AnyKey(LSSTColumn.mainLabelClassifier)),
            mainLabelCrossmatch: try c.lsstText(AnyKey(LSSTColumn.mainLabelCrossmatch)),
            psfFluxNdata: ndata)
    }
}

// MARK: - Cell rules

extension KeyedDecodingContainer where Key == AnyKey {
    /// A finite number, from a JSON number or a numeric string; nil when missing.
    /// Fast path first: the expected type straight from the container, nothing thrown.
    func lsstNumber(_ key: AnyKey) throws -> Double? {
        if let v = try? decodeIfPresent(Double.self, forKey: key) { return v.isFinite ? v : nil }
        guard let text = try otherText(key, expected: "a number") else { return nil }
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw mismatch(key, "expected a number, found \"\(text.prefix(40))\"")
        }
        return v.isFinite ? v : nil
    }

    /// An exact id: a JSON integer or an integer string. Never via Double: 170094456272322680
    /// would come back as 170094456272322688.
    func lsstId(_ key: AnyKey) throws -> Int64? {
        if let v = try? decodeIfPresent(Int64.self, forKey: key) { return v }
        guard let text = try otherText(key, expected: "an integer id") else { return nil }
        guard let v = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            throw mismatch(key, "expected an integer id, found \"\(text.prefix(40))\"")
        }
        return v
    }

    /// An alert id (`r:diaSourceId`): an id's rules (so a fraction, a word or a value beyond
    /// Int64 is an error naming the row), but zero or a negative id is no alert id: none, with
    /// the reason, rather than a wrong id asked of `/cutouts`.
    func lsstAlertId(_ key: AnyKey) throws -> (Int64?, String?) {
        guard let v = try lsstId(key) else { return (nil, nil) }
        return v > 0 ? (v, nil) : (nil, "\(v) is \(v == 0 ? "zero" : "negative"), not an alert id")
    }

    /// A count or class code: an id's rules, plus whole JSON floats (`100.0`), which a pandas
    /// column of floats would write; counts stay far below 2^53.
    func lsstCount(_ key: AnyKey) throws -> Int64? {
        if let v = try? decodeIfPresent(Int64.self, forKey: key) { return v }
        if let d = try? decodeIfPresent(Double.self, forKey: key) {
            guard d.isFinite else { return nil }
            guard d == d.rounded(), abs(d) < 9e15 else { throw mismatch(key, "expected an integer, found \(d)") }
            return Int64(d)
        }
        guard let text = try otherText(key, expected: "an integer") else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let v = Int64(trimmed) { return v }
        if let d = Double(trimmed), d == d.rounded(), abs(d) < 9e15 { return Int64(d) }
        throw mismatch(key, "expected an integer, found \"\(text.prefix(40))\"")
    }

    /// A string value; placeholders are nil. A number where text belongs is an error.
    func lsstText(_ key: AnyKey) throws -> String? {
        if let s = try? decodeIfPresent(String.self, forKey: key) { return Cell.isPlaceholder(s) ? nil : s }
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        throw mismatch(key, "expected a string, found \(shown(key))")
    }

    /// The slow path of the numeric cells: the cell's text when it is a non-placeholder string,
    /// nil when missing, an error for a boolean, array or object.
    private func otherText(_ key: AnyKey, expected: String) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let text = try? decode(String.self, forKey: key) else {
            throw mismatch(key, "expected \(expected), found \(shown(key))")
        }
        return Cell.isPlaceholder(text) ? nil : text
    }

    private func shown(_ key: AnyKey) -> String {
        if let b = try? decode(Bool.self, forKey: key) { return String(b) }
        if let d = try? decode(Double.self, forKey: key) { return String(d) }
        return "an array or object"
    }

    private func mismatch(_ key: AnyKey, _ message: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: message))
    }
}
