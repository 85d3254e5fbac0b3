import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unwritable(path, reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Writes files so that a reader (or a crash) never sees half of one: the bytes go to a temporary
/// name beside the target, are flushed, then renamed over it in one step.
public enum AtomicFile {
    /// `sync: false` skips the fsync: still atomic for readers, but a power cut may leave an empty
    /// file. Fine for the cache, where an unreadable entry is a miss.
    public static func write(_ data: Data, to url: URL, sync: Bool = true) throws {
        try write(data, to: url, sync: sync, linksFollowed: 0)
    }

    static func write(_ data: Data, to url: URL, sync: Bool, linksFollowed: Int) throws {
        var path = url.path
        func failure(_ what: String) -> OutputError {
            .unwritable(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }
        // `-o -`: standard output is written as it is, whatever it is (a pipe, a terminal, a file
        // the shell opened); /dev/stdout is a link to /proc/self/fd/1, never to be followed here.
        if path == "/dev/stdout" {
            try stream(data, to: path)
            return
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw OutputError.unwritable(path: path, reason: "it is a directory")
            case S_IFLNK:
                // A link is followed: its target is replaced, atomically, and the link stays.
                guard linksFollowed < 40 else { throw OutputError.unwritable(path: path, reason: "too many levels of symbolic links") }
                guard let target = linkTarget(path) else { throw failure("cannot follow the link") }
                try write(data, to: target, sync: sync, linksFollowed: linksFollowed + 1)
                return
            case S_IFCHR, S_IFIFO, S_IFSOCK:
                // `-o -`, /dev/stdout, a FIFO: written as a stream, never renamed over.
                try stream(data, to: path)
                return
            default:
                // Root may write anything: refuse what its owner marked read-only, as cp -i would ask.
                if info.st_mode & 0o222 == 0 { throw OutputError.unwritable(path: path, reason: "it is read-only") }
            }
        }
        path = url.path
        let dir = url.deletingLastPathComponent().path
        // The temporary name must fit the 255-byte limit even for a long legal file name.
        let stem = String(decoding: Array(url.lastPathComponent.utf8.prefix(200)), as: UTF8.self)
        let tmp = "\(dir)/.\(stem).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure("cannot create a file in \(dir)") }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        guard writeAll(data, to: fd), !sync || fsync(fd) == 0 else { let e = failure("write failed"); close(fd); throw e }
        guard close(fd) == 0 else { throw failure("close failed") }
        guard rename(tmp, path) == 0 else { throw failure("rename failed") }
        ok = true
    }

    /// Writes `data` to a device or FIFO as it is (no temporary file, no rename).
    static func stream(_ data: Data, to path: String) throws {
        let fd = path == "/dev/stdout" ? dup(1) : open(path, O_WRONLY)
        guard fd >= 0 else { throw OutputError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard writeAll(data, to: fd) else { throw OutputError.unwritable(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Where a symbolic link points (relative targets from the link's folder), existing or not.
    static func linkTarget(_ path: String) -> URL? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target.hasPrefix("/") { return URL(fileURLWithPath: target) }
        return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL
    }

    /// Removes temporary files a killed run left in `dir` (`.NAME.PID.RAND.tmp` whose process is
    /// gone and untouched for ten minutes). Files of a live process, ours included, are left alone.
    public static func removeStaleTemporaries(in dir: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let pid = Int32(parts[parts.count - 3]), UInt32(parts[parts.count - 2]) != nil else { continue }
            if pid == getpid() { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            // The pid may be another machine's (shards on a shared file system): a temporary is
            // written in one go and renamed at once, so one no one has touched for ten minutes
            // is a leftover. lstat: a link of that name is not followed, only removed.
            let path = dir.appendingPathComponent(name).path
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG || info.st_mode & S_IFMT == S_IFLNK,
                  Double(time(nil) - info.st_mtim.tv_sec) > 600 else { continue }
            unlink(path)
        }
    }

    /// Writes every byte of `data` to `fd`, resuming after short writes and EINTR; false on an
    /// error, with `errno` set.
    static func writeAll(_ data: Data, to fd: Int32) -> Bool {
        data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
    }

    /// Creates `url` and its parents when missing, with the real reason when that is impossible:
    /// which component is a file, or what mkdir(2) said (permission denied, read-only file system).
    public static func ensureDirectory(_ url: URL) throws {
        let path = url.standardizedFileURL.path
        if let reason = makeDirectory(path) {
            throw OutputError.unwritable(path: url.path, reason: "cannot create the directory (\(reason))")
        }
    }

    /// mkdir -p, one component at a time; nil on success, else why (naming the component at fault).
    private static func makeDirectory(_ path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { return nil }
            return "\(path) is a file, not a directory"
        }
        let parent = (path as NSString).deletingLastPathComponent
        if errno == ENOTDIR || errno == ENOENT, !parent.isEmpty, parent != path {
            if let reason = makeDirectory(parent) { return reason }
        }
        if mkdir(path, 0o777) == 0 { return nil }
        let code = errno
        // Another process made it meanwhile (shards creating one output folder).
        if code == EEXIST, stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return nil }
        let what = code == EACCES ? "no permission to create \(path)" : "\(path): \(String(cString: strerror(code)))"
        return what
    }
}
