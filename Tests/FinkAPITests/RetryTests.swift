import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// Counts requests and records the waits asked of the injected sleep, across threads.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _waits: [Double] = []
    private var _counter = 0
    var waits: [Double] { lock.withLock { _waits } }
    func wait(_ s: Double) { lock.withLock { _waits.append(s) } }
    /// Returns the number of calls so far, this one included.
    func next() -> Int { lock.withLock { _counter += 1; return _counter } }
}

@Suite struct RetryTests {
    /// A retrying client whose sleeps are recorded, not slept, and whose jitter is always the maximum.
    /// The timeout is generous: a timeout on a loaded machine would be retried and change the counts.
    func retryingClient(_ server: FixtureServer, _ recorder: Recorder, attempts: Int = 4) -> FinkClient {
        let transport = RetryingTransport(
            base: URLSessionTransport(timeout: 30), policy: RetryPolicy(maxAttempts: attempts, baseDelay: 0.25, maxDelay: 1),
            sleep: { recorder.wait($0) }, random: { 0.999999 })
        return FinkClient(baseURL: server.baseURL, transport: transport)
    }

    @Test func serviceUnavailableTwiceThenSuccess() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18aabjigr.json"))
            let calls = Recorder()
            await server.setFaultHook { _ in calls.next() <= 2 ? .respond(status: 503, body: "busy") : nil }
            let recorder = Recorder()
            let counter = AttemptCounter()
            let rows = try await RetryingTransport.$attempts.withValue(counter) {
                try await retryingClient(server, recorder).detections(of: try id("ZTF18aabjigr"), options: FetchOptions())
            }
            #expect(rows.count == 31)
            #expect(counter.attempts == 3)
            #expect(await server.requests.count == 3)
            // Exponential ceilings 0.25, 0.5 with the jitter at its top.
            #expect(recorder.waits.count == 2)
            #expect(abs(recorder.waits[0] - 0.25) < 1e-3 && abs(recorder.waits[1] - 0.5) < 1e-3)
        }
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18aabjigr.json"))
            let calls = Recorder()
            await server.setFaultHook { _ in
                calls.next() == 1 ? Fault(status: 429, body: Data("slow down".utf8), headers: ["Retry-After": "7"]) : nil
            }
            let recorder = Recorder()
            _ = try await retryingClient(server, recorder).detections(of: try id("ZTF18aabjigr"), options: FetchOptions())
            #expect(recorder.waits == [7], "the server's Retry-After, not the back-off")
        }
    }

    @Test func permanentFailureGivesUpWithTheServersText() async throws {
        try await withServer { server in
            await server.setFaultHook { _ in .respond(status: 500, body: "<p>KeyError: boom</p>", contentType: "text/html") }
            let recorder = Recorder()
            let error = await finkError {
                _ = try await retryingClient(server, recorder, attempts: 3).detections(of: try id("ZTF18aabjigr"), options: FetchOptions())
            }
            let (status, body, _) = try #require(error?.asHTTP, "expected HTTP 500, got \(String(describing: error))")
            #expect(status == 500 && body.contains("KeyError: boom"))
            #expect(await server.requests.count == 3)
            #expect(recorder.waits.count == 2)
        }
    }

    @Test func badRequestIsNotRetried() async throws {
        try await withServer { server in
            await server.setFaultHook { _ in .respond(status: 400, body: "{'status': 'error'}") }
            let error = await finkError {
                _ = try await retryingClient(server, Recorder()).detections(of: try id("ZTF18aabjigr"), options: FetchOptions())
            }
            #expect(error?.asHTTP?.status == 400, "expected HTTP 400, got \(String(describing: error))")
            #expect(await server.requests.count == 1)
        }
    }

    @Test func truncatedBodyAndDroppedConnectionAreRetried() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            let calls = Recorder()
            await server.setFaultHook { _ in
                switch calls.next() {
                case 1: .truncated(afterBytes: 500)
                case 2: .dropConnection
                default: nil
                }
            }
            let rows = try await retryingClient(server, Recorder()).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
            #expect(rows.count == 26)
            #expect(await server.requests.count == 3)
        }
    }

    @Test func backoffIsBoundedAndRetryAfterIsRead() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 0.5, maxDelay: 4)
        #expect(policy.backoff(retry: 1, random: 1) == 0.5)
        #expect(policy.backoff(retry: 3, random: 1) == 2)
        #expect(policy.backoff(retry: 9, random: 1) == 4, "capped")
        #expect(policy.backoff(retry: 9, random: 0) == 0, "full jitter reaches 0")
        #expect(RetryPolicy.retryAfterSeconds("12") == 12)
        #expect(RetryPolicy.retryAfterSeconds("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let date = RetryPolicy.retryAfterSeconds("Tue, 14 Nov 2023 22:13:50 GMT", now: now)
        #expect(date.map { abs($0 - 30) < 1 } == true, "\(String(describing: date))")
    }

    @Test func rateLimiterSpacesRequests() async throws {
        let limiter = RateLimiter(requestsPerSecond: 20, burst: 1)
        let start = ContinuousClock.now
        for _ in 0..<11 { try await limiter.acquire() }
        let elapsed = ContinuousClock.now - start
        // Ten intervals of 50 ms at least; only a lower bound (a loaded machine is only slower).
        #expect(elapsed >= .milliseconds(450), "\(elapsed)")
    }
}
