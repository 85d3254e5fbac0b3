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
    /// When the entry was recorded (seconds since 1970): which job wrote a file last, across
    /// the manifests of shards and runs sharing a directory.
    public var at: Double?

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
        fd = open(url.path, O_RDWR | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else {
            throw OutputError.unwritable(path: url.path, reason: String(cString: strerror(errno)))
        }
        Self.dropTornTail(fd)
    }

    /// A line cut short by a full disk or a kill (`{"attempts":0,"id":"ZT`) is removed, so the
    /// next line does not land on it.
    static func dropTornTail(_ fd: Int32) {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") else { return }
        // Find the end of the last whole line, reading back in blocks.
        var end = size - 1
        var buffer = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - off_t(buffer.count))
            let n = pread(fd, &buffer, Int(end - start), start)
            guard n > 0 else { return }
            if let i = buffer[0..<n].lastIndex(of: UInt8(ascii: "\n")) {
                _ = ftruncate(fd, start + off_t(i) + 1)
                return
            }
            end = start
        }
        _ = ftruncate(fd, 0)
    }

    deinit { close(fd) }

    public func append(_ entry: ManifestEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(UInt8(ascii: "\n"))
        try lock.withLock {
            // Whole or not at all: a short write (a full disk, a file-size limit) is cut back off.
            let before = lseek(fd, 0, SEEK_END)
            guard AtomicFile.writeAll(line, to: fd) else {
                let reason = String(cString: strerror(errno))
                if before >= 0 { _ = ftruncate(fd, before) }
                throw OutputError.unwritable(path: url.path, reason: reason)
            }
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

    /// The job that last wrote each output (paths as the manifests record them) across every
    /// manifest in `directory`: an id is only done for a job whose files were not rewritten since
    /// by another job (`lightcurve --style dark` into the same directory).
    public static func lastWriters(in directory: URL) -> [String: String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0 == "manifest.jsonl" || ($0.hasPrefix("manifest-") && $0.hasSuffix(".jsonl")) }
            .sorted()
        var writers: [String: (job: String, at: Double)] = [:]
        let decoder = JSONDecoder()
        for name in names {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)) else { continue }
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                guard let entry = try? decoder.decode(ManifestEntry.self, from: line), entry.status == .rendered else { continue }
                // The latest by time, whichever manifest holds it (file order within one file).
                let at = entry.at ?? -.infinity
                for output in entry.outputs where writers[output].map({ at >= $0.at }) ?? true {
                    writers[output] = (entry.job ?? "", at)
                }
            }
        }
        return writers.mapValues(\.job)
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
