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
        let path = url.path
        let dir = url.deletingLastPathComponent().path
        let tmp = "\(dir)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        func failure(_ what: String) -> OutputError {
            .unwritable(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw OutputError.unwritable(path: path, reason: "it is a directory")
        }
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

    /// Creates `url` and its parents when missing, with a clear error when that is impossible.
    public static func ensureDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw OutputError.unwritable(path: url.path, reason: "cannot create the directory")
        }
    }
}
