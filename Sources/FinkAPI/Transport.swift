import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange, kept free of URLSession types so a transport can be swapped (tests, retries).
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?

    public init(method: String = "GET", url: URL, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// Any answer the server gave, whatever its status: a 400 or 500 is a response, not an error.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names are lower-cased (HTTP names are case-insensitive).
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends requests. Throws `FinkError.timeout` or `FinkError.transport` when no answer arrives;
/// any HTTP status is returned as a response.
public protocol Transport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// The production transport: Foundation's URLSession (libcurl on Linux).
///
/// `timeout` bounds the *whole* request, from sending to the last byte. URLSession's own
/// timeouts are set too, but a watchdog of ours enforces the bound, since an idle-timeout alone
/// lets a server that trickles bytes hold a request forever.
public struct URLSessionTransport: Transport {
    public let timeout: Double
    private let box: SessionBox

    /// URLSession's own timeouts are only a backstop, in whole seconds past ours: on Linux a
    /// sub-second value (0.5) makes every request time out at once (measured), so the exact
    /// bound is the watchdog's.
    private let backstop: Double

    public init(timeout: Double = 60) {
        self.timeout = timeout
        backstop = max(timeout, 0).rounded(.up) + 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = backstop
        configuration.timeoutIntervalForResource = backstop
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        box = SessionBox(URLSession(configuration: configuration))
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: backstop)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body

        let url = request.url.absoluteString
        let timeout = self.timeout
        let exchange = Exchange()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                exchange.start(continuation)
                let task = box.session.dataTask(with: urlRequest) { data, response, error in
                    exchange.finish(Self.result(data: data, response: response, error: error, url: url, timeout: timeout))
                }
                let watchdog = Task {
                    try? await Task.sleep(nanoseconds: UInt64(max(timeout, 0) * 1e9))
                    if !Task.isCancelled { exchange.finish(.failure(FinkError.timeout(url: url, seconds: timeout))) }
                }
                if exchange.attach(task: task, watchdog: watchdog) { task.resume() }
            }
        } onCancel: {
            exchange.finish(.failure(CancellationError()))
        }
    }

    private static func result(data: Data?, response: URLResponse?, error: (any Error)?, url: String, timeout: Double)
        -> Result<HTTPResponse, any Error>
    {
        if let error {
            let code = (error as? URLError)?.code ?? URLError.Code(rawValue: (error as NSError).code) ?? .unknown
            if code == .timedOut { return .failure(FinkError.timeout(url: url, seconds: timeout)) }
            if code == .cancelled { return .failure(CancellationError()) }
            return .failure(FinkError.transport(url: url, message: describe(code, error)))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(FinkError.transport(url: url, message: "the answer was not an HTTP response"))
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        return .success(HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
    }

    /// A sentence a user can act on, rather than "The operation could not be completed".
    static func describe(_ code: URLError.Code, _ error: any Error) -> String {
        switch code {
        case .cannotConnectToHost: return "connection refused (is the server running, is the port right?)"
        case .cannotFindHost, .dnsLookupFailed: return "the host name could not be resolved"
        case .notConnectedToInternet: return "no network connection"
        case .networkConnectionLost: return "the connection was closed before the answer was complete"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return "the TLS connection failed (\(error.localizedDescription))"
        case .badServerResponse: return "the server closed the connection without a valid HTTP answer"
        case .unsupportedURL: return "unsupported URL"
        default: return "\(error.localizedDescription) (URLError \(code.rawValue))"
        }
    }
}

/// Owns the session so it is invalidated (and its curl handles freed) when the transport goes away.
private final class SessionBox: @unchecked Sendable {
    // URLSession is thread-safe; the reference is never reassigned.
    let session: URLSession
    init(_ session: URLSession) { self.session = session }
    deinit { session.invalidateAndCancel() }
}

/// Resumes the continuation exactly once, whichever comes first: the answer, the watchdog, or
/// cancellation. The losers are cancelled so nothing keeps running after the call returns.
private final class Exchange: @unchecked Sendable {
    // All mutable state is guarded by `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var task: URLSessionDataTask?
    private var watchdog: Task<Void, Never>?
    private var pending: Result<HTTPResponse, any Error>?
    private var done = false

    func start(_ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        lock.lock()
        if let pending {
            // Cancelled before the continuation existed.
            lock.unlock()
            continuation.resume(with: pending)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    /// False when the exchange already ended (cancelled): the task must not be started.
    func attach(task: URLSessionDataTask, watchdog: Task<Void, Never>) -> Bool {
        lock.lock()
        let finished = done
        if !finished {
            self.task = task
            self.watchdog = watchdog
        }
        lock.unlock()
        if finished {
            task.cancel()
            watchdog.cancel()
        }
        return !finished
    }

    func finish(_ result: Result<HTTPResponse, any Error>) {
        lock.lock()
        guard !done else { lock.unlock(); return }
        done = true
        let continuation = self.continuation
        let task = self.task
        let watchdog = self.watchdog
        self.continuation = nil
        self.task = nil
        self.watchdog = nil
        if continuation == nil { pending = result }
        lock.unlock()
        watchdog?.cancel()
        task?.cancel()
        continuation?.resume(with: result)
    }
}
