import FinkAPI
import Foundation

/// Fetched data kept on disk, so a re-run, another command or another machine sharing the
/// directory does not ask Fink again.
///
/// Entries are keyed by the source they came from, so an answer fetched from one `--api-url`
/// (or one survey's API) is never served for another:
///
///     <survey>/<host>-<hash of the source>/objects/<id>.json   one object's data, with when and what was fetched
///     <survey>/<host>-<hash of the source>/stamps/<alert>.json the three stamps of one alert (alerts never change)
///
/// Each file is written to a temporary name and renamed, so two processes sharing a cache see
/// either the old or the new file, never half of one. File names come from validated keys and
/// integer alert ids only.
public struct ObjectCache: Sendable {
    public let directory: URL

    /// Bumped when the entry format changes; other versions are misses, rewritten on the next fetch.
    static let formatVersion = 3

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

    /// The folder of one source's entries: readable (`api.ztf.fink-portal.org-…`) and unique
    /// (a hash of the whole location, path prefix and port included).
    public func folder(survey: Survey, location: String) -> URL {
        let host = URLComponents(string: location)?.host ?? URL(fileURLWithPath: location).lastPathComponent
        let safe = String(host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(60))
        let hash = String(Shard.stableHash(location), radix: 16)
        return directory.appendingPathComponent(survey.name, isDirectory: true)
            .appendingPathComponent("\(safe.isEmpty ? "source" : safe)-\(hash)", isDirectory: true)
    }

    public func objectURL(_ key: ObjectKey, location: String) -> URL {
        folder(survey: key.survey, location: location).appendingPathComponent("objects", isDirectory: true)
            .appendingPathComponent("\(key.id).json")
    }

    public func stampsURL(_ alert: AlertKey, location: String) -> URL {
        folder(survey: alert.survey, location: location).appendingPathComponent("stamps", isDirectory: true)
            .appendingPathComponent("\(alert.id).json")
    }

    // MARK: Objects

    /// One object's cached data.
    public struct Entry: Sendable {
        public var data: ObjectData
        public var fetchedAt: Date
        public var location: String
    }

    /// The entry for `key` from `location`, or nil when there is none, it is older than `maxAge`
    /// seconds (or dated in the future), lacks what `needs` asks for, or cannot be read (a damaged
    /// entry is a miss: the next fetch replaces it).
    public func entry(_ key: ObjectKey, location: String, maxAge: Double?, needs: DataNeeds, now: Date = Date()) -> Entry? {
        guard let bytes = try? Data(contentsOf: objectURL(key, location: location)),
              let stored = try? JSONDecoder().decode(StoredObject.self, from: bytes),
              stored.version == Self.formatVersion, stored.key == key, stored.location == location,
              let data = stored.data
        else { return nil }
        let fetchedAt = Date(timeIntervalSince1970: stored.fetchedAt)
        if let maxAge {
            let age = now.timeIntervalSince(fetchedAt)
            // A clock set back, or an entry copied from a machine ahead of ours, is not fresh.
            if age > maxAge || age < -60 { return nil }
        }
        if needs.summary && !stored.hasFullSummary { return nil }
        return Entry(data: data, fetchedAt: fetchedAt, location: stored.location)
    }

    public func store(_ data: ObjectData, location: String, now: Date = Date()) throws {
        let stored = StoredObject(version: Self.formatVersion, fetchedAt: now.timeIntervalSince1970, location: location, data: data)
        try write(stored, to: objectURL(data.key, location: location))
    }

    // MARK: Stamps

    /// The stamps of `alert`, or nil when not cached (or unreadable).
    public func stamps(_ alert: AlertKey, location: String) -> [StampKind: Stamp]? {
        guard let bytes = try? Data(contentsOf: stampsURL(alert, location: location)),
              let stored = try? JSONDecoder().decode(StoredStamps.self, from: bytes),
              stored.version == Self.formatVersion, stored.alert == alert.id
        else { return nil }
        var result: [StampKind: Stamp] = [:]
        for (name, stamp) in stored.stamps {
            guard let kind = StampKind(rawValue: name), let decoded = stamp.stamp else { return nil }
            result[kind] = decoded
        }
        return result
    }

    public func store(_ stamps: [StampKind: Stamp], alert: AlertKey, object: ObjectKey, location: String) throws {
        let stored = StoredStamps(version: Self.formatVersion, objectId: object.id, alert: alert.id,
                                  stamps: Dictionary(uniqueKeysWithValues: stamps.map { ($0.key.rawValue, StoredStamp($0.value)) }))
        try write(stored, to: stampsURL(alert, location: location))
    }

    private func write(_ value: some Encodable, to url: URL) throws {
        let encoder = JSONEncoder()
        // Points never hold NaN (missing values are nil), but a damaged value must not abort a batch.
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
    /// Seconds since 1970 (UTC).
    var fetchedAt: Double
    var location: String
    var key: ObjectKey
    var timeScale: TimeScale
    var summary: ObjectSummary
    var hasFullSummary: Bool
    var notes: [String]
    var points: StoredPoints

    init(version: Int, fetchedAt: Double, location: String, data: ObjectData) {
        self.version = version; self.fetchedAt = fetchedAt; self.location = location
        key = data.key; timeScale = data.timeScale; summary = data.summary; hasFullSummary = data.hasFullSummary
        notes = data.notes; points = StoredPoints(data.points)
    }

    var data: ObjectData? {
        guard let points = points.points else { return nil }
        return ObjectData(key: key, points: points, timeScale: timeScale, summary: summary, hasFullSummary: hasFullSummary,
                          notes: notes)
    }
}

/// The points as columns: arrays of numbers decode several times faster than an array of
/// objects with nested values (the cache is read once per figure, 10,000 times in a batch).
private struct StoredPoints: Codable {
    var mjd: [Double] = []
    var band: [String] = []
    var kind: [String] = []
    var alert: [Int64?] = []
    var mag: [Double?] = []
    var magErr: [Double?] = []
    var dflux: [Double?] = []
    var dfluxErr: [Double?] = []
    var dfluxUnit: [String?] = []
    var tflux: [Double?] = []
    var tfluxErr: [Double?] = []
    var tfluxUnit: [String?] = []
    var neg: [Bool?] = []
    /// Reference source: magnitude, error, distance.
    var ref: [[Double]?] = []

    init(_ points: [PhotometryPoint]) {
        for p in points {
            mjd.append(p.mjd); band.append(p.band); kind.append(p.kind.rawValue); alert.append(p.alertId)
            mag.append(p.magnitude?.value); magErr.append(p.magnitude?.error)
            dflux.append(p.differenceFlux?.value); dfluxErr.append(p.differenceFlux?.error)
            dfluxUnit.append(p.differenceFlux?.unit.rawValue)
            tflux.append(p.totalFlux?.value); tfluxErr.append(p.totalFlux?.error); tfluxUnit.append(p.totalFlux?.unit.rawValue)
            neg.append(p.isNegative)
            ref.append(p.reference.map { [$0.magnitude, $0.error, $0.distance] })
        }
    }

    /// nil when the columns disagree in length (a damaged entry is a miss).
    var points: [PhotometryPoint]? {
        let n = mjd.count
        guard [band.count, kind.count, alert.count, mag.count, magErr.count, dflux.count, dfluxErr.count, dfluxUnit.count,
               tflux.count, tfluxErr.count, tfluxUnit.count, neg.count, ref.count].allSatisfy({ $0 == n }) else { return nil }
        var out: [PhotometryPoint] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            var p = PhotometryPoint(mjd: mjd[i], band: band[i], kind: PointKind(rawValue: kind[i]) ?? .detection, alertId: alert[i])
            if let v = mag[i] { p.magnitude = PhotometricValue(v, error: magErr[i], unit: .abMagnitude) }
            if let v = dflux[i], let u = dfluxUnit[i].flatMap(PhotometricUnit.init(rawValue:)) {
                p.differenceFlux = PhotometricValue(v, error: dfluxErr[i], unit: u)
            }
            if let v = tflux[i], let u = tfluxUnit[i].flatMap(PhotometricUnit.init(rawValue:)) {
                p.totalFlux = PhotometricValue(v, error: tfluxErr[i], unit: u)
            }
            p.isNegative = neg[i]
            if let r = ref[i], r.count == 3 { p.reference = ReferenceSource(magnitude: r[0], error: r[1], distance: r[2]) }
            out.append(p)
        }
        return out
    }
}

private struct StoredStamps: Codable {
    var version: Int
    var objectId: String
    var alert: Int64
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
