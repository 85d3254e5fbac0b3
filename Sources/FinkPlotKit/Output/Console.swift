import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams, written so that a closed or full stream never stops a run:
/// `finkplot … | head -1`, `2>&-` or `>/dev/full` lose the talk, not the figures (the manifest is
/// the record). FileHandle's `write` raises on EPIPE and EBADF, which Swift cannot catch.
public enum Console {
    /// Ignores SIGPIPE for the whole process: a closed pipe becomes an EPIPE error, handled here,
    /// not a silent death after the third id.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Opens /dev/null on standard input, output and error where they are closed (`<&- >&- 2>&-`):
    /// otherwise the next file opened (a manifest, a figure) would take descriptor 1 or 2, and
    /// messages written "to standard error" would land in it.
    public static func reserveStandardStreams() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            // open() returns the lowest free descriptor: this one.
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened != fd, opened >= 0 { _ = dup2(opened, fd); close(opened) }
        }
    }

    /// Writes `text` to standard error; false when it could not be written (the stream is closed
    /// or full), in which case the caller carries on.
    @discardableResult
    public static func error(_ text: String) -> Bool { write(text, to: 2) }

    /// Writes `text` to standard output; false when it could not be written.
    @discardableResult
    public static func output(_ text: String) -> Bool { write(text, to: 1) }

    /// Writes raw bytes to standard output (a figure streamed with `-o -`); false on failure.
    @discardableResult
    public static func output(_ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in writeAll(buffer, to: 1) }
    }

    static func write(_ text: String, to fd: Int32) -> Bool {
        var text = text
        return text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: fd) }
    }

    static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, base + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}
