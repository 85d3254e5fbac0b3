import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// URLSessionTransport against a real server on 127.0.0.1 that misbehaves on purpose
/// (HostileModes.swift): endless or inflated bodies, trickles, credentials in the URL.
@Suite struct HostileServerTests {
    let ztf = "ZTF18acefvuh"

    func objectsRequest(_ server: FixtureServer, base: URL? = nil) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: (base ?? server.baseURL).appendingPathComponent("api/v1/objects"),
            headers: ["Content-Type": "application/json"], body: Data(#"{"objectId": "ZTF18acefvuh"}"#.utf8))
    }

    // MARK: Size

    @Test func defaultLimitIs256MiB() {
        #expect(URLSessionTransport().maxBodyBytes == 256 << 20)
        #expect(URLSessionTransport(timeout: 5).maxBodyBytes == URLSessionTransport.defaultMaxBodyBytes)
    }

    /// Chunked, never ending: no Content-Length to refuse, so the stream itself must be cut.
    @Test func endlessBodyStopsAtTheLimit() async throws {
        try await withServer { server in
            await server.setFaultHook { _ in .endlessBody() }
            let transport = URLSessionTransport(timeout: 60, maxBodyBytes: 1 << 20)
            let clock = ContinuousClock()
            let start = clock.now
            let error = await finkError { _ = try await transport.send(objectsRequest(server)) }
            let url = "\(server.baseURL.absoluteString)/api/v1/objects"
            #expect(error == .tooLarge(url: url, limit: 1 << 20))
            #expect(error?.description == "the answer from \(url) is larger than 1 MiB (--max-answer-mb to raise it)")
            // 1 MiB over loopback takes milliseconds; the bound only tells "cut" from "timed out".
            #expect(clock.now - start < .seconds(30))
        }
    }

    /// "2 GB" announced, one byte a second sent: refused on the headers, not after the timeout.
    @Test func announcedLengthOverTheLimitIsRefusedAtOnce() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("\(ztf).json"))
            await server.setFaultHook { _ in .inflatedLength(2_000_000_000, bytes: 1, every: 1) }
            let transport = URLSessionTransport(timeout: 60)
            let clock = ContinuousClock()
            let start = clock.now
            let error = await finkError { _ = try await transport.send(objectsRequest(server)) }
            #expect(error == .tooLarge(url: "\(server.baseURL.absoluteString)/api/v1/objects", limit: 256 << 20))
            #expect(error?.description.hasSuffix("is larger than 256 MiB (--max-answer-mb to raise it)") == true)
            #expect(clock.now - start < .seconds(20), "waited \(clock.now - start)")
        }
    }

    @Test func answerAtTheLimitArrivesAndOneByteMoreDoesNot() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("\(ztf).json"))
            let size = try await URLSessionTransport(timeout: 30).send(objectsRequest(server)).body.count
            #expect(size > 1000)
            let exact = try await URLSessionTransport(timeout: 30, maxBodyBytes: size).send(objectsRequest(server))
            #expect(exact.status == 200 && exact.body.count == size)
            let error = await finkError { _ = try await URLSessionTransport(timeout: 30, maxBodyBytes: size - 1).send(objectsRequest(server)) }
            #expect(error == .tooLarge(url: "\(server.baseURL.absoluteString)/api/v1/objects", limit: size - 1))
        }
    }

    /// A body over the limit would be as large next time: one request, no retries.
    @Test func tooLargeIsNotRetried() async throws {
        try await withServer { server in
            await server.setFaultHook { _ in .endlessBody() }
            let transport = RetryingTransport(
                base: URLSessionTransport(timeout: 30, maxBodyBytes: 64 << 10), policy: RetryPolicy(maxAttempts: 4, baseDelay: 0.01),
                sleep: { _ in })
            let error = await finkError { _ = try await transport.send(objectsRequest(server)) }
            guard case .tooLarge? = error else { Issue.record("expected tooLarge, got \(String(describing: error))"); return }
            #expect(await server.requests.count == 1)
        }
    }

    /// `timeout` bounds the whole answer: a body trickled 50 bytes every 0.1 s (minutes in all)
    /// ends at the timeout, not at the last byte.
    @Test func trickledBodyEndsAtTheTimeout() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("\(ztf).json"))
            await server.setFaultHook { _ in .trickle(bytes: 50, every: 0.1) }
            let clock = ContinuousClock()
            let start = clock.now
            let error = await finkError { _ = try await URLSessionTransport(timeout: 1).send(objectsRequest(server)) }
            #expect(error == .timeout(url: "\(server.baseURL.absoluteString)/api/v1/objects", seconds: 1))
            let elapsed = clock.now - start
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(20), "\(elapsed)")
        }
    }

    /// A trickle that ends in time is a normal answer.
    @Test func shortTrickleArrivesWhole() async throws {
        try await withServer { server in
            let rows = try fixtureRows(ztf).prefix(2)
            await server.setRows(Array(rows), for: ztf)
            let full = try await URLSessionTransport(timeout: 30).send(objectsRequest(server)).body
            await server.setFaultHook { _ in .trickle(bytes: full.count / 4 + 1, every: 0.05) }
            let trickled = try await URLSessionTransport(timeout: 30).send(objectsRequest(server))
            #expect(trickled.status == 200 && trickled.body == full)
        }
    }

    // MARK: Credentials

    func withCredentials(_ url: URL, user: String = "alice", password: String = "s3cr3t") -> URL {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.user = user
        components.password = password
        return components.url!
    }

    @Test func credentialsAreSentButNeverShown() async throws {
        try await withServer { server in
            let base = withCredentials(server.baseURL)
            #expect(base.absoluteString.contains("alice:s3cr3t@"))
            let shown = "\(server.baseURL.absoluteString)/api/v1/objects"

            await server.setFaultHook { _ in .respond(status: 503, body: "busy") }
            let client = FinkClient(baseURL: base, transport: URLSessionTransport(timeout: 30))
            let http = await finkError { _ = try await client.detections(of: try id(ztf), options: FetchOptions()) }
            #expect(http?.description == "HTTP 503 from \(shown): busy")
            let sent = await server.requests.first?.headers["authorization"]
            #expect(sent == "Basic " + Data("alice:s3cr3t".utf8).base64EncodedString())

            await server.setFaultHook { _ in .delay(30) }
            let timeout = await finkError { _ = try await URLSessionTransport(timeout: 0.3).send(objectsRequest(server, base: base)) }
            #expect(timeout == .timeout(url: shown, seconds: 0.3), "the transport's own URL is redacted")

            await server.setFaultHook { _ in .endlessBody() }
            let large = await finkError { _ = try await URLSessionTransport(timeout: 30, maxBodyBytes: 1000).send(objectsRequest(server, base: base)) }
            #expect(large == .tooLarge(url: shown, limit: 1000))

            await server.setFaultHook { _ in .dropConnection }
            let dropped = await finkError { _ = try await URLSessionTransport(timeout: 30).send(objectsRequest(server, base: base)) }
            for error in [http, timeout, large, dropped] {
                let text = error?.description ?? ""
                #expect(!text.contains("s3cr3t") && !text.contains("alice"), "\(text)")
            }
        }
    }

    @Test func closedPortMessageHasNoCredentials() async throws {
        let server = try await FixtureServer()
        let base = withCredentials(server.baseURL, user: "bob", password: "hunter2")
        await server.stop()
        let error = await finkError { _ = try await URLSessionTransport(timeout: 30).send(objectsRequest(server, base: base)) }
        guard case let .transport(url, message)? = error else { Issue.record("expected transport, got \(String(describing: error))"); return }
        #expect(url == "\(server.baseURL.absoluteString)/api/v1/objects")
        #expect(!message.contains("hunter2") && error?.description.contains("hunter2") == false)
    }

    /// An explicit Authorization header wins over the URL's userinfo.
    @Test func explicitAuthorizationIsKept() async throws {
        try await withServer { server in
            var request = objectsRequest(server, base: withCredentials(server.baseURL))
            request.headers["Authorization"] = "Bearer token"
            _ = try await URLSessionTransport(timeout: 30).send(request)
            #expect(await server.requests.first?.headers["authorization"] == "Bearer token")
        }
    }

    /// Credentials are for their host: a redirect to another origin goes without them.
    @Test func redirectToAnotherOriginDropsCredentials() async throws {
        try await withServer { other in
            try await withServer { server in
                let target = "\(other.baseURL.absoluteString)/api/v1/objects?objectId=\(ztf)"
                await server.setFaultHook { _ in Fault(status: 307, headers: ["Location": target]) }
                let url = withCredentials(server.baseURL).appendingPathComponent("api/v1/objects")
                let response = try await URLSessionTransport(timeout: 30).send(HTTPRequest(url: url))
                #expect(response.status == 200)
                #expect(await server.requests.first?.headers["authorization"] != nil)
                let followed = try #require(await other.requests.first)
                #expect(followed.headers["authorization"] == nil)
            }
        }
    }
}
