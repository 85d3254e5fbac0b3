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
extension HTTPResponse {
    /// A non-2xx answer as an error. A redirect that was not followed (its `Location` is not a
    /// URL) says where it pointed, since its body is usually empty.
    public func failure(url: String) -> FinkError {
        var text = String(decoding: body, as: UTF8.self)
        if (300..<400).contains(status), text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let location = headers["location"].map { URLRedaction.redacted($0) }
            text = location.map { "a redirect to '\($0)', which could not be followed" } ?? "a redirect without a Location"
        }
        return .http(status: status, body: text, url: url)
    }
}

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
///
/// `maxBodyBytes` bounds memory whatever the server does: an announced Content-Length above it
/// is refused before any body byte is read, and a body (chunked, endless, decompressed) is
/// dropped as soon as it passes it. Bodies are streamed through a session delegate: a completion
/// handler would make URLSession buffer the whole answer first.
///
/// Credentials in the URL (`https://user:pass@host/`) are sent as a Basic `Authorization`
/// header (unless the request sets one), and never reach URLSession, its errors or our messages.
public struct URLSessionTransport: Transport {
    public let timeout: Double
    /// The largest answer body accepted, in bytes.
    public let maxBodyBytes: Int
    private let box: SessionBox

    /// Far above the largest real answer (a batch of objects with stamps is tens of MiB).
    public static let defaultMaxBodyBytes = 256 << 20

    /// URLSession's own timeouts are only a backstop, in whole seconds past ours: on Linux a
    /// sub-second value (0.5) makes every request time out at once (measured), so the exact
    /// bound is the watchdog's.
    private let backstop: Double

    public init(timeout: Double = 60, maxBodyBytes: Int = URLSessionTransport.defaultMaxBodyBytes) {
        self.timeout = timeout
        self.maxBodyBytes = max(0, maxBodyBytes)
        // Finite and within Int64 nanoseconds: the watchdog sleeps this long.
        backstop = min(max(timeout, 0), 1e9).rounded(.up) + 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = backstop
        configuration.timeoutIntervalForResource = backstop
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let router = TaskRouter()
        box = SessionBox(URLSession(configuration: configuration, delegate: router, delegateQueue: nil), router: router)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let shownURL = URLRedaction.redacted(request.url)
        var urlRequest = URLRequest(url: shownURL, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: backstop)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if urlRequest.value(forHTTPHeaderField: "Authorization") == nil, let credentials = Self.basicAuthorization(request.url) {
            urlRequest.setValue(credentials, forHTTPHeaderField: "Authorization")
        }
        urlRequest.httpBody = request.body

        let url = shownURL.absoluteString
        let timeout = self.timeout
        let exchange = Exchange(url: url, timeout: timeout, limit: maxBodyBytes, router: box.router)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                exchange.start(continuation)
                let task = box.session.dataTask(with: urlRequest)
                let watchdog = Task {
                    try? await Task.sleep(nanoseconds: UInt64(min(max(timeout, 0), 1e9) * 1e9))
                    if !Task.isCancelled { exchange.finish(.failure(FinkError.timeout(url: url, seconds: timeout))) }
                }
                if exchange.attach(task: task, watchdog: watchdog) { task.resume() }
            }
        } onCancel: {
            exchange.finish(.failure(CancellationError()))
        }
    }

    /// `Basic base64(user:password)` from the URL's userinfo, nil when there is none.
    static func basicAuthorization(_ url: URL) -> String? {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let user = components.user else { return nil }
        return "Basic " + Data("\(user):\(components.password ?? "")".utf8).base64EncodedString()
    }

    fileprivate static func failure(_ error: any Error, url: String, timeout: Double, redirectedTo: String? = nil) -> any Error {
        let code = (error as? URLError)?.code ?? URLError.Code(rawValue: (error as NSError).code) ?? .unknown
        if code == .timedOut { return FinkError.timeout(url: url, seconds: timeout) }
        if code == .cancelled { return CancellationError() }
        if let problem = answerProblem(code, error, redirectedTo: redirectedTo.map { URLRedaction.redacted($0) }) {
            return FinkError.badAnswer(url: url, message: URLRedaction.redacted(problem))
        }
        return FinkError.transport(url: url, message: URLRedaction.redacted(describe(code, error)))
    }

    /// The failures where the server did answer, but with something that cannot be used, in
    /// words (libcurl's own say "unsupported URL", "Out of memory", "NSURLErrorDomain -1000").
    static func answerProblem(_ code: URLError.Code, _ error: any Error, redirectedTo: String?) -> String? {
        switch code {
        case .unsupportedURL:
            if let redirectedTo { return "it redirects to \(redirectedTo), which is not an http or https URL" }
            // libcurl refuses an answer without a status line (HTTP/0.9) as an unsupported protocol.
            return "it is not HTTP (it does not start with a status line such as 'HTTP/1.1 200 OK')"
        case .badURL:
            if let redirectedTo { return "it redirects to '\(redirectedTo)', which is not a usable URL" }
            return "the server gave an address that is not a usable URL"
        case .httpTooManyRedirects, .redirectToNonExistentLocation:
            return "it redirects again and again (a redirect loop, or to a place that does not exist)"
        case .cannotParseResponse, .cannotDecodeContentData, .cannotDecodeRawData:
            return "it is not valid HTTP (\(error.localizedDescription))"
        case .unknown:
            // libcurl's words, passed through by Foundation with no code of their own. A body cut
            // short is the connection's fault (a transport error, retried), not the answer's form.
            let text = error.localizedDescription
            if text.lowercased().contains("transfer closed") { return nil }
            if text.lowercased().contains("out of memory") {
                return "its headers are too large or malformed to be read"
            }
            return "it is not valid HTTP (\(text))"
        default:
            return nil
        }
    }

    fileprivate static func response(_ http: HTTPURLResponse, body: Data) -> HTTPResponse {
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: body)
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
        case .unknown where error.localizedDescription.lowercased().contains("transfer closed"):
            return "the connection was closed before the answer was complete (\(error.localizedDescription))"
        default: return "\(error.localizedDescription) (URLError \(code.rawValue))"
        }
    }
}

/// Owns the session so it is invalidated (and its curl handles freed) when the transport goes
/// away; invalidation also releases the delegate, which the session holds strongly.
private final class SessionBox: @unchecked Sendable {
    // URLSession is thread-safe; neither reference is ever reassigned.
    let session: URLSession
    let router: TaskRouter
    init(_ session: URLSession, router: TaskRouter) {
        self.session = session
        self.router = router
    }
    deinit { session.invalidateAndCancel() }
}

/// The session's delegate: hands each task's events to its exchange.
private final class TaskRouter: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // `exchanges` is guarded by `lock`: tasks are registered from callers' threads, events
    // arrive on the session's delegate queue.
    private let lock = NSLock()
    private var exchanges: [Int: Exchange] = [:]

    func register(_ exchange: Exchange, for task: URLSessionTask) {
        lock.withLock { exchanges[task.taskIdentifier] = exchange }
    }

    func remove(_ identifier: Int) {
        _ = lock.withLock { exchanges.removeValue(forKey: identifier) }
    }

    private func exchange(_ task: URLSessionTask) -> Exchange? {
        lock.withLock { exchanges[task.taskIdentifier] }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        completionHandler(exchange(dataTask)?.receive(response) ?? .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        exchange(dataTask)?.receive(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let exchange = exchange(task)
        remove(task.taskIdentifier)
        exchange?.complete(error: error, response: task.response)
    }

    /// A redirect to another origin must not carry our Authorization header (credentials from
    /// the URL are for its host only, as curl and browsers do).
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        // Kept so that a failure after a redirect (to ftp://, to a bad port) can say where it led.
        // Not refused here: cancelling the task before the handler is called traps in Foundation.
        if let to = request.url { exchange(task)?.redirected(to: to) }
        var request = request
        if let from = task.originalRequest?.url, let to = request.url, !Self.sameOrigin(from, to) {
            request.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(request)
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }
}

/// Resumes the continuation exactly once, whichever comes first: the answer, a failure, the
/// size limit, the watchdog, or cancellation. The losers are cancelled so nothing keeps running
/// after the call returns.
private final class Exchange: @unchecked Sendable {
    let url: String
    let timeout: Double
    let limit: Int
    let router: TaskRouter
    // All mutable state is guarded by `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var task: URLSessionDataTask?
    private var watchdog: Task<Void, Never>?
    private var pending: Result<HTTPResponse, any Error>?
    private var done = false
    private var response: HTTPURLResponse?
    private var body = Data()
    private var redirectTarget: String?

    init(url: String, timeout: Double, limit: Int, router: TaskRouter) {
        self.url = url
        self.timeout = timeout
        self.limit = limit
        self.router = router
    }

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
        router.register(self, for: task)
        lock.lock()
        let finished = done
        if !finished {
            self.task = task
            self.watchdog = watchdog
        }
        lock.unlock()
        if finished {
            router.remove(task.taskIdentifier)
            task.cancel()
            watchdog.cancel()
        }
        return !finished
    }

    /// The head of the answer: refused at once when it announces more than the limit.
    func receive(_ response: URLResponse) -> URLSession.ResponseDisposition {
        guard let http = response as? HTTPURLResponse else {
            finish(.failure(FinkError.transport(url: url, message: "the answer was not an HTTP response")))
            return .cancel
        }
        let announced = http.expectedContentLength
        if announced > Int64(limit) {
            finish(.failure(FinkError.tooLarge(url: url, limit: limit)))
            return .cancel
        }
        lock.withLock {
            self.response = http
            // One allocation for an announced size (within the limit) instead of doublings.
            if announced > 0 { body.reserveCapacity(Int(announced)) }
        }
        return .allow
    }

    func receive(_ data: Data) {
        let overflow: Bool = lock.withLock {
            guard !done else { return false }
            // body.count ≤ limit always holds, so this cannot overflow.
            guard data.count <= limit - body.count else { return true }
            body.append(data)
            return false
        }
        if overflow { finish(.failure(FinkError.tooLarge(url: url, limit: limit))) }
    }

    func redirected(to target: URL) {
        lock.withLock { redirectTarget = target.absoluteString }
    }

    func complete(error: (any Error)?, response fallback: URLResponse?) {
        if let error {
            let target = lock.withLock { redirectTarget }
            finish(.failure(URLSessionTransport.failure(error, url: url, timeout: timeout, redirectedTo: target)))
            return
        }
        let (http, body) = lock.withLock { (response ?? fallback as? HTTPURLResponse, self.body) }
        guard let http else {
            finish(.failure(FinkError.transport(url: url, message: "the answer was not an HTTP response")))
            return
        }
        finish(.success(URLSessionTransport.response(http, body: body)))
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
        // The answer is handed over (or dropped): the buffer must not outlive the call.
        body = Data()
        if continuation == nil { pending = result }
        lock.unlock()
        watchdog?.cancel()
        if let task {
            // Whether or not URLSession reports the cancelled task, the router lets go of us.
            router.remove(task.taskIdentifier)
            task.cancel()
        }
        continuation?.resume(with: result)
    }
}
