import Foundation

/// When and how long to wait before asking again.
///
/// Delays follow "full jitter" exponential back-off: before retry n (1, 2, ...) the wait is a
/// uniform random time in [0, min(cap, base·2^(n−1))], so clients that failed together do not
/// come back together. A 429 or 503 carrying `Retry-After: S` waits S seconds instead (at most
/// `maxRetryAfter`): the server said when it will be ready.
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included (1 = never retry).
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// A longer `Retry-After` is cut to this, so a misconfigured gateway cannot park a batch for hours.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// HTTP statuses worth another try: rate limiting, overloaded gateways, and 500, which Fink's
    /// workers also give when overloaded or past their 180 s timeout. Other 4xx would fail again.
    public static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// The back-off before retry `retry` (1-based), with `random` drawing from [0, 1).
    public func backoff(retry: Int, random: Double) -> Double {
        let exponent = Double(min(max(retry - 1, 0), 62))
        let ceiling = min(maxDelay, baseDelay * pow(2, exponent))
        return ceiling * min(max(random, 0), 1)
    }

    /// Seconds from a `Retry-After` header: delta-seconds, or an HTTP date. Nil when unreadable.
    public static func retryAfterSeconds(_ value: String?, now: Date = Date()) -> Double? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// Counts the HTTP attempts made by the requests of one piece of work (an object, a chunk), so a
/// batch can report "attempts" per object without threading counters through every call.
/// Bound with `RetryingTransport.$attempts.withValue(counter) { ... }`.
public final class AttemptCounter: @unchecked Sendable {
    // Guarded by `lock`: requests of one object may run on several threads.
    private let lock = NSLock()
    private var count = 0

    public init() {}

    public var attempts: Int { lock.withLock { count } }

    func recordAttempt() { lock.withLock { count += 1 } }
}

/// A `Transport` that retries what may succeed later, waits for a shared request budget before
/// every attempt, and gives up with the last error (or answer) after `policy.maxAttempts`.
///
/// Retried: HTTP 429/500/502/503/504, `FinkError.timeout`, `FinkError.transport` (refused or
/// reset connections, and bodies cut short: the server announced a Content-Length it did not
/// send). Not retried: other statuses, cancellation. The final failing answer is returned as it
/// came, so `FinkClient` reports the server's own text.
public struct RetryingTransport: Transport {
    public let base: any Transport
    public let policy: RetryPolicy
    public let limiter: RateLimiter?
    private let sleep: @Sendable (Double) async throws -> Void
    private let random: @Sendable () -> Double

    /// The counter of the work in progress, if any (see `AttemptCounter`).
    @TaskLocal public static var attempts: AttemptCounter?

    /// `sleep` and `random` are injectable so tests neither wait nor depend on chance.
    public init(
        base: any Transport, policy: RetryPolicy = RetryPolicy(), limiter: RateLimiter? = nil,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64(max(0, $0) * 1e9)) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.base = base
        self.policy = policy
        self.limiter = limiter
        self.sleep = sleep
        self.random = random
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            if let limiter { try await limiter.acquire() }
            Self.attempts?.recordAttempt()
            let wait: Double
            do {
                let response = try await base.send(request)
                guard RetryPolicy.retryableStatuses.contains(response.status), attempt < policy.maxAttempts else { return response }
                if let after = RetryPolicy.retryAfterSeconds(response.headers["retry-after"]) {
                    wait = min(after, policy.maxRetryAfter)
                } else {
                    wait = policy.backoff(retry: attempt, random: random())
                }
            } catch let error as FinkError {
                guard Self.isRetryable(error), attempt < policy.maxAttempts else { throw error }
                wait = policy.backoff(retry: attempt, random: random())
            }
            try await sleep(wait)
        }
    }

    /// Whether another try may succeed. Decoding errors are not retried: a body cut short fails
    /// in the transport (Content-Length), so a complete body that cannot be read would fail again.
    public static func isRetryable(_ error: FinkError) -> Bool {
        switch error {
        case .timeout, .transport: true
        case let .http(status, _, _): RetryPolicy.retryableStatuses.contains(status)
        default: false
        }
    }
}

/// A token bucket: at most `rate` requests per second on average, with bursts of `burst`,
/// shared by every task that holds it (one per batch, so the budget is per process).
public actor RateLimiter {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant
    private let clock = ContinuousClock()

    public init(requestsPerSecond rate: Double, burst: Double = 1) {
        precondition(rate > 0, "the request rate must be positive")
        self.rate = rate
        self.burst = max(1, burst)
        tokens = max(1, burst)
        last = ContinuousClock.now
    }

    /// Waits until a request may go. Callers are served in turn: each takes a token ahead of time,
    /// and sleeps until it would have been refilled.
    public func acquire() async throws {
        let now = clock.now
        let elapsed = now - last
        last = now
        tokens = min(burst, tokens + Double(elapsed.components.seconds) * rate + Double(elapsed.components.attoseconds) * 1e-18 * rate)
        tokens -= 1
        if tokens < 0 {
            let wait = -tokens / rate
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
    }
}
