import FinkAPI
import Foundation

/// Fetched data kept on disk, so a re-run, another command or another machine sharing the
/// directory does not ask Fink again.
///
/// Layout (one JSON file per entry, each written to a temporary name and renamed, so two
/// processes sharing a cache see either the old or the new file, never half of one):
///
///     objects/<objectId>.json   rows of one object, with when, where and which columns they came from
///     stamps/<candid>.json      the three stamps of one alert; alerts never change, so no expiry
///
/// File names come from validated `ObjectId`s and integer candids only.
public struct ObjectCache: Sendable {
    public let directory: URL

    /// Bumped when the entry format changes; other versions are misses, rewritten on the next fetch.
    static let formatVersion = 1

    public init(directory: URL) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/finkplot`, else `~/.cache/finkplot` (the XDG base-directory default).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("finkplot", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".cache", isDirectory: true).appendingPathComponent("finkplot", isDirectory: true)
    }

    public func objectURL(_ id: ObjectId) -> URL {
        directory.appendingPathComponent("objects", isDirectory: true).appendingPathComponent("\(id.rawValue).json")
    }

    public func stampsURL(candid: Int64) -> URL {
        directory.appendingPathComponent("stamps", isDirectory: true).appendingPathComponent("\(candid).json")
    }

    // MARK: Objects

    /// One object's cached rows.
    public struct Entry: Sendable {
        public var rows: [Detection]
        public var fetchedAt: Date
        public var source: String
        public var columns: [String]
    }

    /// Recorded as an entry's columns when the answer held every column (no list was sent).
    public static let allColumns = "*"

    /// The entry for `id`, or nil when there is none, it is older than `maxAge` seconds, lacks one of
    /// `columns` (nil: needs every column), or cannot be read (a damaged entry is a miss: the next
    /// fetch replaces it).
    public func entry(_ id: ObjectId, maxAge: Double?, columns: [String]?, now: Date = Date()) -> Entry? {
        guard let data = try? Data(contentsOf: objectURL(id)),
              let stored = try? JSONDecoder().decode(StoredObject.self, from: data),
              stored.version == Self.formatVersion, stored.objectId == id.rawValue
        else { return nil }
        let fetchedAt = Date(timeIntervalSince1970: stored.fetchedAt)
        if let maxAge, now.timeIntervalSince(fetchedAt) > maxAge { return nil }
        if !stored.columns.contains(Self.allColumns) {
            guard let columns, Set(stored.columns).isSuperset(of: columns) else { return nil }
        }
        return Entry(rows: stored.rows.map(\.detection), fetchedAt: fetchedAt, source: stored.source, columns: stored.columns)
    }

    /// `columns`: those asked for, nil when every column was.
    public func store(_ rows: [Detection], of id: ObjectId, source: String, columns: [String]?, now: Date = Date()) throws {
        let stored = StoredObject(version: Self.formatVersion, objectId: id.rawValue, fetchedAt: now.timeIntervalSince1970,
                                  source: source, columns: columns ?? [Self.allColumns], rows: rows.map(StoredRow.init))
        try write(stored, to: objectURL(id))
    }

    // MARK: Stamps

    /// The stamps of alert `candid`, or nil when not cached (or unreadable).
    public func stamps(candid: Int64) -> [StampKind: Stamp]? {
        guard let data = try? Data(contentsOf: stampsURL(candid: candid)),
              let stored = try? JSONDecoder().decode(StoredStamps.self, from: data),
              stored.version == Self.formatVersion, stored.candid == candid
        else { return nil }
        var result: [StampKind: Stamp] = [:]
        for (name, stamp) in stored.stamps {
            guard let kind = StampKind(rawValue: name), let decoded = stamp.stamp else { return nil }
            result[kind] = decoded
        }
        return result
    }

    public func store(_ stamps: [StampKind: Stamp], candid: Int64, objectId: ObjectId) throws {
        let stored = StoredStamps(version: Self.formatVersion, objectId: objectId.rawValue, candid: candid,
                                  stamps: Dictionary(uniqueKeysWithValues: stamps.map { ($0.key.rawValue, StoredStamp($0.value)) }))
        try write(stored, to: stampsURL(candid: candid))
    }

    private func write(_ value: some Encodable, to url: URL) throws {
        let encoder = JSONEncoder()
        // Rows never hold NaN (missing values are nil), but a damaged value must not abort a batch.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        try AtomicFile.ensureDirectory(url.deletingLastPathComponent())
        // No fsync: a cache entry lost in a power cut is a miss, and syncing every one of
        // 10,000 small files would cost more than drawing them.
        try AtomicFile.write(data, to: url, sync: false)
    }
}

// MARK: - Stored forms

private struct StoredObject: Codable {
    var version: Int
    var objectId: String
    /// Seconds since 1970 (UTC).
    var fetchedAt: Double
    var source: String
    var columns: [String]
    var rows: [StoredRow]
}

/// A `Detection` without stamps (those live under stamps/), with short keys: a cache of
/// 10,000 objects is read back fast.
private struct StoredRow: Codable {
    var o: String
    var c: Int64?
    var jd: Double
    var f: Int
    var t: String
    var m: Double?
    var sm: Double?
    var lim: Double?
    var pos: Bool?
    var mnr: Double?
    var smnr: Double?
    var dnr: Double?
    var ra: Double?
    var dec: Double?
    var cls: String?
    var xm: String?

    init(_ d: Detection) {
        o = d.objectId; c = d.candid; jd = d.jd; f = d.fid; t = d.tag.rawValue; m = d.magpsf; sm = d.sigmapsf
        lim = d.diffmaglim; pos = d.isdiffpos; mnr = d.magnr; smnr = d.sigmagnr; dnr = d.distnr; ra = d.ra; dec = d.dec
        cls = d.classification; xm = d.cdsxmatch
    }

    var detection: Detection {
        Detection(objectId: o, candid: c, jd: jd, fid: f, tag: DetectionTag(rawValue: t) ?? .valid, magpsf: m, sigmapsf: sm,
                  diffmaglim: lim, isdiffpos: pos, magnr: mnr, sigmagnr: smnr, distnr: dnr, ra: ra, dec: dec,
                  classification: cls, cdsxmatch: xm)
    }
}

private struct StoredStamps: Codable {
    var version: Int
    var objectId: String
    var candid: Int64
    var stamps: [String: StoredStamp]
}

/// Pixels as base64 of little-endian float32: exact (NaN included) and a third of the size of
/// a JSON number array.
private struct StoredStamp: Codable {
    var width: Int
    var height: Int
    var pixels: String

    init(_ stamp: Stamp) {
        width = stamp.width
        height = stamp.height
        var bytes = [UInt8]()
        bytes.reserveCapacity(stamp.pixels.count * 4)
        for p in stamp.pixels {
            let bits = p.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        pixels = Data(bytes).base64EncodedString()
    }

    var stamp: Stamp? {
        guard width >= 0, height >= 0, let data = Data(base64Encoded: pixels), data.count == width * height * 4 else { return nil }
        let values = data.withUnsafeBytes { raw in
            (0..<(width * height)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return Stamp(width: width, height: height, pixels: values)
    }
}
