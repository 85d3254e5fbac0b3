import FinkAPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Fetched data kept on disk, so a re-run, another command or another machine sharing the
/// directory does not ask Fink again.
///
/// Entries are keyed by the source they came from, so an answer fetched from one `--api-url`
/// (or one survey's API) is never served for another:
///
///     <survey>/<host>-<hash of the source>/objects/<id>.entry    one object's data, with when and what was fetched
///     <survey>/<host>-<hash of the source>/stamps/<alert>.entry  the three stamps of one alert (alerts never change)
///
/// An entry is a JSON header and a binary body (see `CacheEntryFormat`). Entries of older
/// versions (`.json` files of format 3 and before) are never read; storing an object removes
/// its old-format file, so a cache does not keep both.
///
/// Each file is written to a temporary name and renamed, so two processes sharing a cache see
/// either the old or the new file, never half of one. File names come from validated keys and
/// integer alert ids only.
public struct ObjectCache: Sendable {
    public let directory: URL

    /// Bumped when the entry format changes; other versions are misses, rewritten on the next fetch.
    static let formatVersion = 4

    public init(directory: URL) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/finkplot`, else `~/.cache/finkplot` (the XDG base-directory default). A
    /// relative `XDG_CACHE_HOME` is ignored, as the specification says (`defaultDirectoryWarning`).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("finkplot", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".cache", isDirectory: true).appendingPathComponent("finkplot", isDirectory: true)
    }

    /// Why `XDG_CACHE_HOME` is not used, when it is set but relative; nil otherwise.
    public static func defaultDirectoryWarning(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty, !xdg.hasPrefix("/") else { return nil }
        return "XDG_CACHE_HOME '\(xdg)' is not an absolute path, so it is ignored (as the XDG base-directory "
            + "specification says): the cache is \(defaultDirectory(environment: environment).path)"
    }

    /// Readies one source's folder for a run: removes the temporary files a killed run left in
    /// `objects/` and `stamps/` (only our own `.NAME.PID.RAND.tmp` names, only stale ones), and,
    /// when `writing`, creates the folder and checks it can be written. Returns why entries
    /// cannot be kept, or nil: an unwritable cache costs re-fetches later, never this run.
    public func open(survey: Survey, location: String, writing: Bool) -> String? {
        let folder = folder(survey: survey, location: location)
        for name in ["objects", "stamps"] {
            AtomicFile.removeStaleTemporaries(in: folder.appendingPathComponent(name, isDirectory: true))
        }
        guard writing else { return nil }
        do { try AtomicFile.ensureDirectory(folder) } catch let OutputError.unwritable(_, reason) {
            return Self.unwritable(directory, because: reason)
        } catch { return Self.unwritable(directory, because: "\(error)") }
        // access(2): a read-only mount or a folder of another user (root passes the mode bits).
        if access(folder.path, W_OK) != 0 { return Self.unwritable(directory, because: String(cString: strerror(errno))) }
        return nil
    }

    static func unwritable(_ directory: URL, because reason: String) -> String {
        "the cache \(directory.path) cannot be written (\(reason)); fetched data are not kept and will be fetched again next time"
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
            .appendingPathComponent("\(key.id).entry")
    }

    public func stampsURL(_ alert: AlertKey, location: String) -> URL {
        folder(survey: alert.survey, location: location).appendingPathComponent("stamps", isDirectory: true)
            .appendingPathComponent("\(alert.id).entry")
    }

    // MARK: Objects

    /// One object's cached data.
    public struct Entry: Sendable {
        public var data: ObjectData
        public var fetchedAt: Date
        public var location: String
    }

    /// The entry for `key` from `location`, or nil when there is none, it is older than `maxAge`
    /// seconds (or, with a `maxAge`, dated more than a minute in the future), lacks what `needs` asks for, or cannot be read (a damaged
    /// entry is a miss: the next fetch replaces it).
    public func entry(_ key: ObjectKey, location: String, maxAge: Double?, needs: DataNeeds, now: Date = Date()) -> Entry? {
        guard let bytes = try? Data(contentsOf: objectURL(key, location: location)),
              let (stored, data) = StoredObject.decode(bytes),
              stored.version == Self.formatVersion, stored.key == key, stored.location == location
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
        let bytes = try StoredObject.encode(data, version: Self.formatVersion, fetchedAt: now.timeIntervalSince1970, location: location)
        let url = objectURL(data.key, location: location)
        try write(bytes, to: url)
        // The format-3 file of the same object, never read again.
        try? FileManager.default.removeItem(at: url.deletingPathExtension().appendingPathExtension("json"))
    }

    // MARK: Stamps

    /// The stamps of `alert`, or nil when not cached (or unreadable).
    public func stamps(_ alert: AlertKey, location: String) -> [StampKind: Stamp]? {
        guard let bytes = try? Data(contentsOf: stampsURL(alert, location: location)),
              let (stored, stamps) = StoredStamps.decode(bytes),
              stored.version == Self.formatVersion, stored.alert == alert.id
        else { return nil }
        return stamps
    }

    public func store(_ stamps: [StampKind: Stamp], alert: AlertKey, object: ObjectKey, location: String) throws {
        let bytes = try StoredStamps.encode(stamps, version: Self.formatVersion, objectId: object.id, alert: alert.id)
        let url = stampsURL(alert, location: location)
        try write(bytes, to: url)
        try? FileManager.default.removeItem(at: url.deletingPathExtension().appendingPathExtension("json"))
    }

    private func write(_ data: Data, to url: URL) throws {
        try AtomicFile.ensureDirectory(url.deletingLastPathComponent())
        // No fsync: a cache entry lost in a power cut is a miss, and syncing every one of
        // 10,000 small files would cost more than drawing them.
        try AtomicFile.write(data, to: url, sync: false)
    }
}

// MARK: - Stored forms

/// An object entry's header; its points are the body (`PointColumns`).
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
    /// The strings the point columns index.
    var strings: [String]

    static func encode(_ data: ObjectData, version: Int, fetchedAt: Double, location: String) throws -> Data {
        let (strings, body) = PointColumns.encode(data.points)
        let header = StoredObject(version: version, fetchedAt: fetchedAt, location: location, key: data.key, timeScale: data.timeScale,
                                  summary: data.summary, hasFullSummary: data.hasFullSummary, notes: data.notes, strings: strings)
        return try CacheEntryFormat.encode(header: header, body: body)
    }

    static func decode(_ bytes: Data) -> (header: StoredObject, data: ObjectData)? {
        guard let (header, body) = CacheEntryFormat.decode(StoredObject.self, from: bytes),
              let points = PointColumns.decode(body, strings: header.strings)
        else { return nil }
        return (header, ObjectData(key: header.key, points: points, timeScale: header.timeScale, summary: header.summary,
                                   hasFullSummary: header.hasFullSummary, notes: header.notes))
    }
}

/// A stamps entry's header; the body is each stamp's pixels as little-endian float32 (exact,
/// NaN included), in the order of `stamps`.
private struct StoredStamps: Codable {
    struct Shape: Codable {
        var kind: String
        var width: Int
        var height: Int
    }

    var version: Int
    var objectId: String
    var alert: Int64
    var stamps: [Shape]

    static func encode(_ stamps: [StampKind: Stamp], version: Int, objectId: String, alert: Int64) throws -> Data {
        let ordered = stamps.sorted { $0.key.rawValue < $1.key.rawValue }
        var body = ByteWriter()
        body.bytes.reserveCapacity(ordered.reduce(0) { $0 + $1.value.pixels.count * 4 })
        for (_, stamp) in ordered { for p in stamp.pixels { body.float(p) } }
        let header = StoredStamps(version: version, objectId: objectId, alert: alert,
                                  stamps: ordered.map { Shape(kind: $0.key.rawValue, width: $0.value.width, height: $0.value.height) })
        return try CacheEntryFormat.encode(header: header, body: body.bytes)
    }

    static func decode(_ bytes: Data) -> (header: StoredStamps, stamps: [StampKind: Stamp])? {
        guard let (header, body) = CacheEntryFormat.decode(StoredStamps.self, from: bytes) else { return nil }
        var reader = ByteReader(body)
        var result: [StampKind: Stamp] = [:]
        for shape in header.stamps {
            guard let kind = StampKind(rawValue: shape.kind), shape.width >= 0, shape.height >= 0,
                  shape.width <= 1 << 14, shape.height <= 1 << 14,
                  let pixels = reader.floats(shape.width * shape.height)
            else { return nil }
            result[kind] = Stamp(width: shape.width, height: shape.height, pixels: pixels)
        }
        return reader.isAtEnd ? (header, result) : nil
    }
}
