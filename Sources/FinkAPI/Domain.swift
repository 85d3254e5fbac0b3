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

/// The three kinds of image stamp attached to a ZTF alert.
public enum StampKind: String, Sendable, CaseIterable, Comparable {
    case science = "Science"
    case template = "Template"
    case difference = "Difference"

    /// The column holding this stamp in `/objects` and `/cutouts` answers.
    public var column: String { "b:cutout\(rawValue)_stampData" }

    public static func < (a: StampKind, b: StampKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A cutout as the API sends it: a grid of float32 pixels, `rows[0]` being FITS row 0.
///
/// Missing pixels (JSON `null`, `NaN`, or float32 sentinels beyond ±1e30) are stored as NaN.
/// Sizes vary: stamps at a detector edge are 58×63 or 63×62, never assume 63×63.
public struct Stamp: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, FITS row 0 first (the *bottom* row of the sky image).
    public let pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height, "stamp pixel count must be width × height")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Builds a stamp from nested rows; ragged rows are padded with NaN to the widest row.
    public init(rows: [[Double?]]) {
        let width = rows.map(\.count).max() ?? 0
        var pixels = [Float](repeating: .nan, count: width * rows.count)
        for (r, row) in rows.enumerated() {
            for (c, value) in row.enumerated() {
                if let v = value, v.isFinite, abs(v) <= 1e30 { pixels[r * width + c] = Float(v) }
            }
        }
        self.init(width: width, height: rows.count, pixels: pixels)
    }

    public subscript(row: Int, column: Int) -> Float { pixels[row * width + column] }

    /// True when there is nothing to draw: no pixels, or none finite.
    public var isEmpty: Bool { !pixels.contains { $0.isFinite } }

    /// Missing pixels are NaN, and NaN != NaN: the synthesised `==` made every stamp with a missing
    /// pixel unequal to itself. Two missing pixels are the same pixel.
    public static func == (a: Stamp, b: Stamp) -> Bool {
        guard a.width == b.width, a.height == b.height else { return false }
        for i in a.pixels.indices where a.pixels[i] != b.pixels[i] && !(a.pixels[i].isNaN && b.pixels[i].isNaN) {
            return false
        }
        return true
    }
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
    public var mjd: Double { jd - 2_400_000.5 }

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

/// Everything that can go wrong between an objectId and its rows, with where it happened.
public enum FinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The id was refused before anything was sent.
    case invalidObjectId(String, reason: String)
    /// The server answered `[]` (unknown id), or a saved file held no rows.
    case noData(objectId: String, source: String)
    /// A non-2xx answer; `body` is the server's own text (HTTP 400 bodies are Python dict reprs).
    case http(status: Int, body: String, url: String)
    /// No answer in time.
    case timeout(url: String, seconds: Double)
    /// The connection failed (DNS, refused, reset...).
    case transport(url: String, message: String)
    /// The answer arrived but could not be read.
    case decoding(source: String, message: String)
    /// A saved response was not found or could not be read.
    case file(path: String, message: String)
    /// A setting (command-line flag, environment variable) holds an unusable value.
    case invalidSetting(name: String, value: String, reason: String)
    /// The answer (announced or received) passed the transport's size limit, in bytes.
    case tooLarge(url: String, limit: Int)

    /// Said in words, on lines safe for a terminal (no escape sequences or control characters,
    /// whoever wrote the text) and with no credentials (`user:pass@` is removed from URLs).
    public var description: String {
        URLRedaction.redacted(ServerText.sanitized(rawDescription))
    }

    private var rawDescription: String {
        switch self {
        case let .invalidObjectId(id, reason):
            return "invalid objectId '\(id)': \(reason)"
        case let .noData(id, source):
            return "no data for \(id) at \(source)"
        case let .http(status, body, url):
            // One line: an HTML page by its title, Fink's error dict by its text (ServerText).
            let shown = ServerText.summary(of: body)
            return "HTTP \(status) from \(url)" + (shown.isEmpty ? "" : ": \(shown)")
        case let .timeout(url, seconds):
            return "no answer from \(url) within \(FinkError.seconds(seconds)) s"
        case let .transport(url, message):
            return "could not reach \(url): \(message)"
        case let .decoding(source, message):
            return "could not read the answer from \(source): \(message)"
        case let .file(path, message):
            return "\(path): \(message)"
        case let .invalidSetting(name, value, reason):
            return "invalid \(name) '\(value)': \(reason)"
        case let .tooLarge(url, limit):
            return "the answer from \(url) is larger than \(FinkError.size(limit)) (--max-answer-mb to raise it)"
        }
    }

    /// `256 MiB` for whole mebibytes, else MiB to one decimal, KiB or bytes.
    static func size(_ bytes: Int) -> String {
        let mib = 1 << 20, kib = 1 << 10
        if bytes >= mib, bytes % mib == 0 { return "\(bytes / mib) MiB" }
        if bytes >= mib { return String(format: "%.1f MiB", Double(bytes) / Double(mib)) }
        if bytes >= kib, bytes % kib == 0 { return "\(bytes / kib) KiB" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    /// `60` for whole seconds, `0.5` otherwise (a sub-second timeout must not print as "0 s").
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
