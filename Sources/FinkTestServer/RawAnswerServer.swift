import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server on 127.0.0.1 (random port) that answers every request with the same bytes, whatever
/// they are: what no HTTP library would send (no status line, a 300 KB header, a redirect to
/// `ftp://` or to port 99999), for the messages a client gives about servers that are not quite
/// HTTP. Each connection is read up to the end of its request head, answered, and closed.
public final class RawAnswerServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let answer: [UInt8]
    // Set once by `stop`; read by the accept thread.
    private let lock = NSLock()
    private var stopped = false

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    public init(answer: Data) throws {
        self.answer = Array(answer)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// A complete HTTP/1.1 head and body, written as given (`head` without the blank line).
    public convenience init(head: String, body: Data = Data()) throws {
        try self.init(answer: Data((head + "\r\n\r\n").utf8) + body)
    }

    /// Closes the listener, once: a second close could hit a descriptor reused since.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread { [answer] in Self.serve(client, answer: answer) }.start()
        }
    }

    private static func serve(_ client: Int32, answer: [UInt8]) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while !containsEnd(request, end) {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { break }
            request += buffer[0..<n]
        }
        var offset = 0
        while offset < answer.count {
            let n = answer[offset...].withUnsafeBufferPointer { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
        // Closing with the request's body unread would send a reset that can overtake the answer:
        // end our side, then read until the client closes (or a second passes).
        shutdown(client, Int32(SHUT_WR))
        timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while recv(client, &buffer, buffer.count, 0) > 0 {}
    }

    private static func containsEnd(_ bytes: [UInt8], _ end: [UInt8]) -> Bool {
        guard bytes.count >= end.count else { return false }
        for i in 0...(bytes.count - end.count) where bytes[i..<i + end.count].elementsEqual(end) { return true }
        return false
    }
}
