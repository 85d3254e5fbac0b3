import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How one id of a batch ended.
public enum BatchStatus: String, Sendable, Codable, CaseIterable {
    /// Figures written in this run.
    case rendered
    /// Already rendered by an earlier run (its manifest says so and its files exist).
    case skipped
    /// The id is valid but the source has no rows for it.
    case empty
    /// Not an objectId: never sent.
    case invalid
    /// Fetching or drawing failed, after retries.
    case failed

    /// Whether the id needs no further work.
    public var isDone: Bool { self == .rendered || self == .skipped }
}

/// One line of `manifest.jsonl`.
public struct ManifestEntry: Sendable, Codable, Equatable {
    public var id: String
    public var status: BatchStatus
    /// Files written, relative to the manifest's directory when inside it.
    public var outputs: [String]
    public var reason: String?
    /// HTTP attempts made for this id (its share of chunk requests included); 0 from the cache.
    public var attempts: Int
    public var seconds: Double
    public var notes: [String]?
    /// What the run drew (command and normalised options): a re-run with other options, or
    /// another command writing into the same directory, does not take this entry as its own.
    public var job: String?

    public init(id: String, status: BatchStatus, outputs: [String] = [], reason: String? = nil, attempts: Int = 0,
                seconds: Double = 0, notes: [String]? = nil, job: String? = nil) {
        self.job = job
        self.id = id
        self.status = status
        self.outputs = outputs
        self.reason = reason
        self.attempts = attempts
        self.seconds = seconds
        self.notes = notes
    }
}

/// The run's record, JSON Lines: one line per id as it finishes, appended and flushed at once, so
/// an interrupted run leaves an exact account of what finished. Re-runs append; the last line for
/// an id is its state.
public final class Manifest: @unchecked Sendable {
    public let url: URL
    // Guarded by `lock`: objects finish on several tasks.
    private let lock = NSLock()
    private let fd: Int32

    public init(url: URL) throws {
        self.url = url
        try AtomicFile.ensureDirectory(url.deletingLastPathComponent())
        // O_APPEND: each line goes out in one write() at the end of the file, so the manifests of
        // runs sharing a directory do not overwrite each other.
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else {
            throw OutputError.unwritable(path: url.path, reason: String(cString: strerror(errno)))
        }
    }

    deinit { close(fd) }

    public func append(_ entry: ManifestEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(UInt8(ascii: "\n"))
        try lock.withLock {
            guard AtomicFile.writeAll(line, to: fd) else { throw OutputError.unwritable(path: url.path, reason: String(cString: strerror(errno))) }
        }
    }

    /// The last entry of each id in a manifest; an unreadable line (a crash mid-write on a
    /// file system without atomic appends) is ignored. Nothing when the file does not exist.
    /// With `job`, only that job's entries count.
    public static func load(_ url: URL, job: String? = nil) -> [String: ManifestEntry] {
        guard let data = try? Data(contentsOf: url) else { return [:] }
        var entries: [String: ManifestEntry] = [:]
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let entry = try? decoder.decode(ManifestEntry.self, from: line), job == nil || entry.job == job {
                entries[entry.id] = entry
            }
        }
        return entries
    }

    /// The file name of a run's manifest: `manifest.jsonl`, or `manifest-K-of-N.jsonl` for a shard,
    /// so shards writing to one shared directory never share a file.
    public static func fileName(shard: Shard?) -> String {
        guard let shard else { return "manifest.jsonl" }
        return "manifest-\(shard.index)-of-\(shard.count).jsonl"
    }

    /// Every manifest in `directory` (the plain one and all shards'), merged: an id rendered by
    /// any shard is done for every later run, sharded or not.
    public static func loadAll(in directory: URL, job: String? = nil) -> [String: ManifestEntry] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0 == "manifest.jsonl" || ($0.hasPrefix("manifest-") && $0.hasSuffix(".jsonl")) }
            .sorted()
        var merged: [String: ManifestEntry] = [:]
        for name in names {
            for (id, entry) in load(directory.appendingPathComponent(name), job: job) {
                // A done state wins over a later failure elsewhere only if its files still exist,
                // which the runner checks; here a done entry is simply kept in preference.
                if let existing = merged[id], existing.status.isDone, !entry.status.isDone { continue }
                merged[id] = entry
            }
        }
        return merged
    }
}
