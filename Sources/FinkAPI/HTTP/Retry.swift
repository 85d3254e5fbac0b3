import Foundation

/// When and how long to wait before asking again.
///
/// Delays follow "full jitter" exponential back-off: before retry n (1, 2, ...) the wait is a
/// uniform random time in [0, min(cap, base·2^(n−1))], so clients that failed together do not
/// come back together. A 429 or 503 carrying `Retry-After: S` waits S seconds instead (at most
/// `maxRetryAfter`): the server said when it will be ready.
///
/// A 429 with `Retry-After` is not a failed attempt: the server is busy with others, not broken,
/// and counting it would fail objects of a long batch that merely came too fast. Those waits
/// have their own, larger bound: `maxRateLimitWait` seconds and `maxRateLimitRetries` in all per
/// request; past either, the 429 counts as an attempt again.
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included (1 = never retry).
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// A longer `Retry-After` is cut to this, so a misconfigured gateway cannot park a batch for hours.
    public var maxRetryAfter: Double
    /// Seconds a request may spend in all waiting out 429s that said `Retry-After`.
    public var maxRateLimitWait: Double
    /// 429s with `Retry-After` a request may wait out without counting attempts (so a server
    /// answering `Retry-After: 0` forever cannot keep a request looping).
    public var maxRateLimitRetries: Int

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 120,
                maxRateLimitWait: Double = 600, maxRateLimitRetries: Int = 100) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.maxRetryAfter = max(0, maxRetryAfter)
        self.maxRateLimitWait = max(0, maxRateLimitWait)
        self.maxRateLimitRetries = max(0, maxRateLimitRetries)
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
/// send). Not retried: other statuses, cancellation, answers over the size limit. The final
/// failing answer is returned as it came, so `FinkClient` reports the server's own text.
///
/// A 429 with `Retry-After` does not use up an attempt (see `RetryPolicy`) and tells the
/// limiter, which slows every request sharing it. A 2xx tells the limiter too, so it recovers.
/// Every wait ends as soon as the task is cancelled, and nothing is sent after that.
public struct RetryingTransport: Transport {
    public let base: any Transport
    public let policy: RetryPolicy
    public let limiter: RateLimiter?
    private let sleep: @Sendable (Double) async throws -> Void
    private let random: @Sendable () -> Double

    /// The counter of the work in progress, if any (see `AttemptCounter`).
    @TaskLocal public static var attempts: AttemptCounter?

    /// `sleep` and `random` are injectable so tests neither wait nor depend on chance; `sleep`
    /// must throw `CancellationError` when the task is cancelled (`Task.sleep` does).
    public init(
        base: any Transport, policy: RetryPolicy = RetryPolicy(), limiter: RateLimiter? = nil,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(nanoseconds: RateLimiter.nanoseconds($0)) },
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
        var rateLimited = 0
        var rateLimitWaited = 0.0
        while true {
            try Task.checkCancellation()
            if let limiter { try await limiter.acquire() }
            // A wait may have ended by cancellation without throwing (an injected sleep).
            try Task.checkCancellation()
            Self.attempts?.recordAttempt()
            let wait: Double
            do {
                let response = try await base.send(request)
                if response.isSuccess { await limiter?.recordSuccess() }
                let retryAfter = RetryPolicy.retryAfterSeconds(response.headers["retry-after"]).map { min($0, policy.maxRetryAfter) }
                if response.status == 429 {
                    await limiter?.recordRateLimited(retryAfter: retryAfter)
                    if let retryAfter, rateLimited < policy.maxRateLimitRetries {
                        // Never less than the back-off: `Retry-After: 0` storms must not spin.
                        let pause = max(retryAfter, policy.backoff(retry: rateLimited + 1, random: random()))
                        if rateLimitWaited + pause <= policy.maxRateLimitWait {
                            rateLimited += 1
                            rateLimitWaited += pause
                            try await sleep(pause)
                            continue
                        }
                    }
                }
                attempt += 1
                guard RetryPolicy.retryableStatuses.contains(response.status), attempt < policy.maxAttempts else { return response }
                wait = retryAfter ?? policy.backoff(retry: attempt, random: random())
            } catch let error as FinkError {
                attempt += 1
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
        // A broken answer (a cut chunk, a proxy's garbage) may be a passing fault, as a reset is.
        case .timeout, .transport, .badAnswer: true
        case let .http(status, _, _): RetryPolicy.retryableStatuses.contains(status)
        default: false
        }
    }
}

/// The request budget shared by every task that holds it (one per batch, so the budget is per
/// process): at most `rate` requests per second, adapting to the server's 429s.
///
/// Two windows bound the requests sent: at most `max(1, ⌊rate⌋)` in any second (the configured
/// rate), and at most n = `max(1, min(⌊burst⌋, ⌊r⌋))` in any n/r seconds, r being the current
/// rate. So `--rps 2` sends 2 requests in the first second, never 4 (a token bucket that starts
/// full and refills allows its burst *plus* a second's refill), and `burst: 1` spaces requests
/// 1/r apart.
///
/// The current rate follows AIMD: a 429 halves it (down to `minimumRate`) and, when it says
/// `Retry-After: S`, holds *every* request for S seconds; each success adds `increase`, up to
/// the configured `rate`, so a run slows to what the server gives and speeds up again slowly.
public actor RateLimiter {
    /// The configured rate: the upper bound the current rate recovers to.
    public nonisolated let rate: Double
    public nonisolated let burst: Double
    /// The floor a run of 429s cannot push the rate below.
    public nonisolated let minimumRate: Double
    /// Added to the current rate per successful answer.
    public nonisolated let increase: Double
    /// The rate in force now (requests per second).
    public private(set) var currentRate: Double

    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    /// When recent requests were let go (seconds from `origin`), ascending.
    private var sent: [Double] = []
    /// When waiting callers plan to go, ascending: newcomers queue behind them.
    private var planned: [Double] = []
    private var pausedUntil = 0.0
    /// The windows look back at most this many requests (beyond it precision does not matter).
    private let history: Int

    public init(requestsPerSecond rate: Double, burst: Double = 1) {
        precondition(rate > 0 && rate.isFinite, "the request rate must be positive")
        self.rate = rate
        self.burst = max(1, burst)
        minimumRate = min(rate, max(rate / 64, 0.05))
        increase = max(0.05, rate / 100)
        currentRate = rate
        origin = ContinuousClock.now
        history = min(4096, max(1, Int(rate.rounded(.down))))
    }

    /// Waits until a request may go, and counts it. Callers queue: each plans the earliest
    /// place behind those already waiting and sleeps until then; waking, it goes only if the
    /// windows (over requests actually sent) and any pause allow it now, else it plans again, so
    /// a caller that woke late or a 429 meanwhile (a pause, a cut rate) never lets too many
    /// through. Throws `CancellationError` at once when the task is cancelled.
    public func acquire() async throws {
        while true {
            try Task.checkCancellation()
            let now = seconds(clock.now)
            if planned.isEmpty || planned[0] > now, earliest(now: now, after: sent) <= now {
                send(at: now)
                return
            }
            let slot = earliest(now: max(now, planned.last ?? now), after: merged())
            insert(slot, into: &planned)
            do {
                try await clock.sleep(until: origin + .nanoseconds(Int64(RateLimiter.nanoseconds(slot))), tolerance: nil)
            } catch {
                remove(slot, from: &planned)
                throw error
            }
            remove(slot, from: &planned)
            try Task.checkCancellation()
            let woke = seconds(clock.now)
            if earliest(now: woke, after: sent) <= woke {
                send(at: woke)
                return
            }
        }
    }

    /// The server refused a request for its rate: slow down, and hold everyone for
    /// `retryAfter` seconds when it said so.
    /// Every 429 cuts. (Skipping cuts within a second of the last one was tried: against a
    /// 2 requests/s server the run took as long, 45 s, with 13 refusals instead of 7.)
    public func recordRateLimited(retryAfter: Double?) {
        currentRate = max(minimumRate, currentRate / 2)
        if let retryAfter, retryAfter > 0 {
            pausedUntil = max(pausedUntil, seconds(clock.now) + min(retryAfter, 1e6))
        }
    }

    /// An answer came without a 429: recover by a small step.
    public func recordSuccess() {
        currentRate = min(rate, currentRate + increase)
    }

    // MARK: Plan

    /// The earliest time from `now` at which one more request fits after `times` (ascending).
    private func earliest(now: Double, after times: [Double]) -> Double {
        let perSecond = history
        let burstCount = max(1, min(perSecond, Int(burst.rounded(.down)), Int(currentRate.rounded(.down))))
        var t = max(now, pausedUntil)
        if times.count >= perSecond { t = max(t, times[times.count - perSecond] + 1) }
        if times.count >= burstCount { t = max(t, times[times.count - burstCount] + Double(burstCount) / currentRate) }
        return t
    }

    private func send(at time: Double) {
        sent.append(time)
        if sent.count > history { sent.removeFirst(sent.count - history) }
    }

    /// Sent and planned times, ascending: where the next caller queues.
    private func merged() -> [Double] {
        var all = sent + planned
        all.sort()
        return all
    }

    private func insert(_ value: Double, into list: inout [Double]) {
        let index = list.firstIndex { $0 > value } ?? list.endIndex
        list.insert(value, at: index)
    }

    /// Removes one occurrence (times are counted, not owned: any equal one will do).
    private func remove(_ value: Double, from list: inout [Double]) {
        if let index = list.firstIndex(of: value) { list.remove(at: index) }
    }

    private func seconds(_ instant: ContinuousClock.Instant) -> Double {
        let d = instant - origin
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Nanoseconds for a sleep of `seconds`: never negative, never past what UInt64 holds.
    public static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds.isFinite else { return seconds > 0 ? UInt64(1e18) : 0 }
        return UInt64(min(max(0, seconds), 1e9) * 1e9)
    }
}
