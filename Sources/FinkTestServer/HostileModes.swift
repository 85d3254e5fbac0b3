import FlyingFox
import FlyingSocks
import Foundation

/// Bodies written as they are sent, for servers that never finish, lie about their length or
/// trickle: what a client must survive without growing memory or waiting past its timeout.
public enum BodyStream: Sendable {
    /// Filler bytes forever, with chunked encoding (no Content-Length to refuse up front).
    case endless(chunkBytes: Int = 65_536)
    /// The answer's body, `bytes` at a time with `seconds` between writes, under its true
    /// Content-Length: a client waits for all of it.
    case trickle(bytes: Int, every: Double)
    /// Announces `contentLength`, sends the answer's body, then filler `bytes` every `seconds`
    /// until the announced length or the connection's end: a "2 GB" answer that is short and slow.
    case inflated(contentLength: Int, bytes: Int = 1, every: Double = 1)

    func sequence(for body: Data) -> HTTPBodySequence {
        switch self {
        case .endless(let size):
            return HTTPBodySequence(from: PacedBytes(prefix: [], fillerChunk: max(1, size), interval: 0, total: nil), suggestedBufferSize: max(1, size))
        case let .trickle(bytes, seconds):
            let paced = PacedBytes(prefix: Array(body), fillerChunk: 0, interval: seconds, total: body.count, step: max(1, bytes))
            return HTTPBodySequence(from: paced, count: body.count)
        case let .inflated(length, bytes, seconds):
            let paced = PacedBytes(prefix: Array(body), fillerChunk: max(1, bytes), interval: seconds, total: max(length, body.count))
            return HTTPBodySequence(from: paced, count: max(length, body.count))
        }
    }
}

extension Fault {
    /// A 200 whose body never ends.
    public static func endlessBody(chunkBytes: Int = 65_536) -> Fault {
        Fault(status: 200, headers: ["Content-Type": "application/json"], delivery: .streamed(.endless(chunkBytes: chunkBytes)))
    }

    /// The normal answer under a Content-Length of `contentLength` (say 2 GB), then a slow drip.
    public static func inflatedLength(_ contentLength: Int, bytes: Int = 1, every seconds: Double = 1) -> Fault {
        Fault(delivery: .streamed(.inflated(contentLength: contentLength, bytes: bytes, every: seconds)))
    }

    /// The normal answer, `bytes` every `seconds`.
    public static func trickle(bytes: Int, every seconds: Double) -> Fault {
        Fault(delivery: .streamed(.trickle(bytes: bytes, every: seconds)))
    }

    /// "Too many requests, come back in `seconds`": hook `{ _ in .tooManyRequests(retryAfter: 100) }`
    /// for a storm where every request is refused.
    public static func tooManyRequests(retryAfter seconds: Int) -> Fault {
        Fault(status: 429, body: Data("Too Many Requests".utf8),
              headers: ["Retry-After": String(seconds), "Content-Type": "text/plain; charset=utf-8"])
    }

    /// A multi-line HTML error page as proxies and Werkzeug send them.
    public static func htmlErrorPage(status: Int, title: String, heading: String? = nil, paragraph: String = "Please try again later.") -> Fault {
        let page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>\(title)</title>
              <style>body { font-family: sans-serif; }</style>
            </head>
            <body>
              <h1>\(heading ?? title)</h1>
              <p>\(paragraph)</p>
              <hr><address>nginx</address>
            </body>
            </html>

            """
        return .respond(status: status, body: page, contentType: "text/html; charset=utf-8")
    }
}

/// A server-side request budget: at most `requestsPerSecond` accepted in any sliding second;
/// beyond that a 429 with `Retry-After: retryAfter`. Use as the fault hook
/// (`server.setFaultHook(limit.hook)`); it counts what it accepted and refused.
public final class ServerRateLimit: @unchecked Sendable {
    // Guarded by `lock`: the hook runs on the server's connection tasks.
    private let lock = NSLock()
    private var accepted: [ContinuousClock.Instant] = []
    private var acceptedCount = 0
    private var refusedCount = 0
    public let requestsPerSecond: Int
    public let retryAfter: Int

    public init(requestsPerSecond: Int, retryAfter: Int = 1) {
        self.requestsPerSecond = max(1, requestsPerSecond)
        self.retryAfter = retryAfter
    }

    public var counts: (accepted: Int, refused: Int) { lock.withLock { (acceptedCount, refusedCount) } }

    public var hook: FaultHook {
        { [self] _ in decide() }
    }

    private func decide() -> Fault? {
        let now = ContinuousClock.now
        return lock.withLock {
            accepted.removeAll { now - $0 >= .seconds(1) }
            guard accepted.count < requestsPerSecond else {
                refusedCount += 1
                return Fault.tooManyRequests(retryAfter: retryAfter)
            }
            accepted.append(now)
            acceptedCount += 1
            return nil
        }
    }
}

/// `prefix`, then (unless `total` is reached) filler chunks of `fillerChunk` bytes, forever when
/// `total` is nil; `interval` seconds before each write after the first. Sleeping ends with the
/// connection (the server cancels its task), so an endless body never outlives the test.
struct PacedBytes: AsyncBufferedSequence {
    typealias Element = UInt8
    let prefix: [UInt8]
    let fillerChunk: Int
    let interval: Double
    let total: Int?
    var step: Int = .max

    func makeAsyncIterator() -> Iterator { Iterator(source: self) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        let source: PacedBytes
        var sent = 0
        var started = false

        mutating func next() async throws -> UInt8? {
            try await nextBuffer(suggested: 1)?.first
        }

        mutating func nextBuffer(suggested count: Int) async throws -> ArraySlice<UInt8>? {
            if let total = source.total, sent >= total { return nil }
            if started, source.interval > 0 { try await Task.sleep(nanoseconds: UInt64(source.interval * 1e9)) }
            started = true
            try Task.checkCancellation()
            var size = Swift.max(1, Swift.min(count, source.step))
            if let total = source.total { size = Swift.min(size, total - sent) }
            let chunk: ArraySlice<UInt8>
            if sent < source.prefix.count {
                chunk = source.prefix[sent..<Swift.min(source.prefix.count, sent + size)]
            } else {
                guard source.fillerChunk > 0 else { return nil }
                // Spaces: valid inside JSON, so only the size can make a client give up.
                chunk = ArraySlice(repeating: UInt8(ascii: " "), count: Swift.min(size, source.fillerChunk))
            }
            sent += chunk.count
            return chunk
        }
    }
}
