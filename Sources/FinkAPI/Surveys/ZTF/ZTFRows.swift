import Foundation

/// A validated ZTF object identifier such as `ZTF21aaxtctv`.
///
/// The server looks ids up by *prefix* (`ZTF21` would match thousands of objects, an empty id the
/// whole table), so nothing reaches the network without passing through this type.
public struct ObjectId: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts `ZTF` + two-digit year + seven lower-case letters, after trimming white space.
    public init(validating raw: String) throws(FinkError) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let reason = ObjectId.problem(with: trimmed) else {
            rawValue = trimmed
            return
        }
        throw FinkError.invalidObjectId(raw, reason: reason)
    }

    /// Why `id` is not a ZTF objectId, or nil when it is one.
    static func problem(with id: String) -> String? {
        if id.isEmpty { return "it is empty" }
        let bytes = Array(id.utf8)
        guard bytes.count == 12 else {
            // Count what a reader sees, and name non-ASCII text for what it is (a full-width
            // "ＺＴＦ…" has 12 characters but not 12 ASCII letters).
            if !id.allSatisfy(\.isASCII) { return "it contains characters other than ASCII letters and digits" }
            return "a ZTF objectId has 12 characters (like ZTF21aaxtctv), this one has \(id.count)"
        }
        guard bytes[0] == UInt8(ascii: "Z"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "F") else {
            return "it must start with 'ZTF'"
        }
        guard bytes[3...4].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return "'ZTF' must be followed by a two-digit year"
        }
        guard bytes[5...].allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
            return "the last seven characters must be lower-case letters"
        }
        return nil
    }

    public var description: String { rawValue }
    public static func < (a: ObjectId, b: ObjectId) -> Bool { a.rawValue < b.rawValue }
}

/// What a row of `/api/v1/objects?withupperlim=True` is (`d:tag`). Rows without a tag are valid alerts.
public enum DetectionTag: String, Sendable, CaseIterable {
    case valid
    case upperLimit = "upperlim"
    case badQuality = "badquality"
}

/// One row of an `/api/v1/objects` answer: a valid alert, an upper limit or a bad-quality detection.
public struct Detection: Sendable, Equatable {
    public var objectId: String
    /// The alert id; nil on upper-limit and bad-quality rows (the server sends -1 there).
    public var candid: Int64?
    /// Julian date of the exposure.
    public var jd: Double
    /// ZTF filter id: 1 = g, 2 = r, 3 = i.
    public var fid: Int
    public var tag: DetectionTag
    /// Difference-image PSF magnitude and its 1σ error.
    public var magpsf: Double?
    public var sigmapsf: Double?
    /// 5σ limiting magnitude of the difference image.
    public var diffmaglim: Double?
    /// True when the candidate is brighter than the template (`t`/`1`), false when fainter (`f`/`0`).
    public var isdiffpos: Bool?
    /// Nearest reference-image source: magnitude, error, distance in pixels.
    public var magnr: Double?
    public var sigmagnr: Double?
    public var distnr: Double?
    public var ra: Double?
    public var dec: Double?
    /// Fink's classification (`v:classification`) and SIMBAD cross-match (`d:cdsxmatch`), when sent.
    public var classification: String?
    public var cdsxmatch: String?
    /// Stamps attached to this row (`withcutouts`), keyed by kind. Empty when none were asked or sent.
    public var stamps: [StampKind: Stamp]
    /// What was wrong with this row's cells (an `i:candid` that is no alert id), naming the row:
    /// said to the user with the object's notes.
    public var problems: [String] = []
    /// Stamp cells of this row that could not be read, and why (the stamp is absent from `stamps`).
    public var stampProblems: [StampKind: String] = [:]

    public init(
        objectId: String, candid: Int64? = nil, jd: Double, fid: Int, tag: DetectionTag = .valid,
        magpsf: Double? = nil, sigmapsf: Double? = nil, diffmaglim: Double? = nil, isdiffpos: Bool? = nil,
        magnr: Double? = nil, sigmagnr: Double? = nil, distnr: Double? = nil, ra: Double? = nil,
        dec: Double? = nil, classification: String? = nil, cdsxmatch: String? = nil,
        stamps: [StampKind: Stamp] = [:]
    ) {
        self.objectId = objectId
        self.candid = candid
        self.jd = jd
        self.fid = fid
        self.tag = tag
        self.magpsf = magpsf
        self.sigmapsf = sigmapsf
        self.diffmaglim = diffmaglim
        self.isdiffpos = isdiffpos
        self.magnr = magnr
        self.sigmagnr = sigmagnr
        self.distnr = distnr
        self.ra = ra
        self.dec = dec
        self.classification = classification
        self.cdsxmatch = cdsxmatch
        self.stamps = stamps
    }

    /// Modified Julian date: jd − 2400000.5.
    public var mjd: Double { JulianDate.mjd(jd: jd) }

    /// The ZTF band name for `fid`, or `"fid N"` for an unknown filter.
    public var bandName: String {
        switch fid {
        case 1: "g"
        case 2: "r"
        case 3: "i"
        default: "fid \(fid)"
        }
    }
}

extension StampKind {
    /// The column holding this stamp in ZTF `/objects` and `/cutouts` answers.
    public var column: String { "b:cutout\(rawValue)_stampData" }
}
