import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// FinkClient against a real HTTP server on 127.0.0.1 (FixtureServer): requests as sent, answers
/// as the live server gives them, failures as the network gives them.
@Suite struct ClientServerTests {
    @Test func requestShape() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            try await server.load(objectsFile: fixtureURL("ZTF18aabjigr.json"))
            let ids = [try id("ZTF18acefvuh"), try id("ZTF18aabjigr")]
            let rows = try await client(for: server).objects(ObjectsQuery(objectIds: ids))

            let requests = await server.requests
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/api/v1/objects")
            #expect(request.headers["content-type"] == "application/json")
            let body = try #require(request.json)
            #expect(body["objectId"] == "ZTF18acefvuh,ZTF18aabjigr")
            #expect(body["withupperlim"] == .bool(true), "a JSON boolean, never the string \"true\"")
            #expect(body["output-format"] == "json")
            #expect(body["withcutouts"] == nil && body["columns"] == nil && body["cutout-kind"] == nil)

            // Both objects, mixed and newest first, as the server sends them.
            #expect(rows.count == 26 + 31)
            #expect(Set(rows.map(\.objectId)) == ["ZTF18acefvuh", "ZTF18aabjigr"])
            #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.jd >= $1.jd })
            #expect(zip(rows, rows.dropFirst()).filter { $0.objectId != $1.objectId }.count > 2)
        }
    }

    @Test func optionsReachTheServer() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            let client = client(for: server)
            let ztf = try id("ZTF18acefvuh")

            // Valid rows only, no stamps: the server's defaults.
            let plain = try await client.detections(of: ztf, options: FetchOptions(withUpperLimits: false))
            #expect(plain.count == 16)
            #expect(plain.allSatisfy { $0.tag == .valid && $0.stamps.isEmpty })

            let difference = try await client.detections(
                of: ztf, options: FetchOptions(withCutouts: true, cutoutKind: .difference))
            #expect(difference.count == 26)
            #expect(difference[0].stamps.keys.sorted() == [.difference])
            #expect(nanCount(difference[0].stamps[.difference]) == 157)

            // A narrowed column list still gets what decoding needs (the server 500s without i:jd).
            let narrow = try await client.detections(of: ztf, options: FetchOptions(columns: ["i:magpsf"]))
            #expect(narrow.count == 26)
            #expect(narrow.allSatisfy { $0.magnr == nil })
            #expect(narrow[0].magpsf == 19.7299747467)

            let bodies = await server.requests.compactMap(\.json)
            #expect(bodies.count == 3)
            #expect(bodies[0]["withupperlim"] == nil)
            #expect(bodies[1]["withcutouts"] == .bool(true) && bodies[1]["cutout-kind"] == "Difference")
            #expect(bodies[2]["columns"] == "i:magpsf,i:objectId,i:jd,i:fid")
        }
    }

    @Test func unknownObjectIsNoData() async throws {
        try await withServer { server in
            let error = await finkError {
                _ = try await client(for: server).detections(of: try id("ZTF99zzzzzzz"), options: FetchOptions())
            }
            #expect(error?.description == "no data for ZTF99zzzzzzz at \(server.baseURL.absoluteString)/api/v1/objects")
            // The server did answer: 200 with [].
            #expect(await server.requests.count == 1)
        }
    }

    /// The server's own 400, reached without the client (which never omits objectId).
    @Test func serverAnswers400AsPythonRepr() async throws {
        try await withServer { server in
            let transport = URLSessionTransport(timeout: 30)
            let url = server.baseURL.appendingPathComponent("api/v1/objects")
            let response = try await transport.send(HTTPRequest(
                method: "POST", url: url, headers: ["Content-Type": "application/json"],
                body: Data(#"{"withupperlim": true}"#.utf8)))
            #expect(response.status == 400)
            #expect(String(decoding: response.body, as: UTF8.self)
                == "{'status': 'error', 'text': 'A value for `objectId` is required. See https://api.ztf.fink-portal.org \\n'}")
        }
    }

    /// The server reads booleans as `str(v) == "True"`: "true" in a query string is false.
    @Test func serverBooleansAsPython() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            let transport = URLSessionTransport(timeout: 30)
            func rowCount(_ query: String) async throws -> Int {
                let url = URL(string: "\(server.baseURL.absoluteString)/api/v1/objects?\(query)")!
                let response = try await transport.send(HTTPRequest(url: url))
                return try RowDecoder.detections(from: response.body, source: "t").count
            }
            #expect(try await rowCount("objectId=ZTF18acefvuh&withupperlim=True") == 26)
            #expect(try await rowCount("objectId=ZTF18acefvuh&withupperlim=true") == 16)
            #expect(try await rowCount("objectId=%20ZTF18acefvuh%20,ZTF99zzzzzzz") == 16)
            #expect(await server.requests.allSatisfy { $0.method == "GET" })
        }
    }

    @Test func http400ShowsTheServersText() async throws {
        try await withServer { server in
            let text = "{'status': 'error', 'text': 'Output format `xml` is not supported. See https://api.ztf.fink-portal.org \\n'}"
            await server.setFaultHook { _ in .respond(status: 400, body: text) }
            let error = await finkError {
                _ = try await client(for: server).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
            }
            let url = "\(server.baseURL.absoluteString)/api/v1/objects"
            #expect(error == .http(status: 400, body: text, url: url), "the body is kept as sent")
            // The dict's text alone, its escaped new line gone: one line for the user.
            #expect(error?.description == "HTTP 400 from \(url): Output format `xml` is not supported. See https://api.ztf.fink-portal.org")
        }
    }

    @Test func http500HTMLShowsStatusAndText() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            let html = "<!doctype html>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>"
            await server.setFaultHook { _ in .respond(status: 500, body: html, contentType: "text/html") }
            let error = await finkError {
                _ = try await client(for: server).objects(ObjectsQuery(objectIds: [try id("ZTF18acefvuh")]))
            }
            let (status, body, _) = try #require(error?.asHTTP, "expected an HTTP error, got \(String(describing: error))")
            #expect(status == 500)
            #expect(body == html)
            #expect(error?.description.contains("HTTP 500") == true)
            #expect(error?.description.contains("Internal Server Error") == true)
        }
    }

    @Test func slowServerTimesOut() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            await server.setFaultHook { _ in .delay(60) }
            let client = client(for: server, timeout: 0.5)
            let clock = ContinuousClock()
            let start = clock.now
            let error = await finkError {
                _ = try await client.detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
            }
            let elapsed = clock.now - start
            // URLSession's own timeout is a whole-second backstop (2 s here): this is the watchdog.
            #expect(error == .timeout(url: "\(server.baseURL.absoluteString)/api/v1/objects", seconds: 0.5))
            #expect(error?.description.contains("within 0.5 s") == true)
            // Bounds far from both outcomes (0.5 s limit, 60 s answer) so a loaded machine cannot flip
            // them (the whole suite once kept the watchdog waiting over 5 s).
            #expect(elapsed >= .milliseconds(450) && elapsed < .seconds(30), "gave up after \(elapsed)")
        }
    }

    /// Content-Length promises more than arrives before the connection closes.
    @Test func truncatedAnswerFails() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            await server.setFaultHook { _ in .truncated(afterBytes: 1000) }
            let error = await finkError {
                // A generous timeout: the error kind is tested, and a loaded machine must not turn it into a timeout.
                _ = try await client(for: server, timeout: 30).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
            }
            let (url, message) = try #require(error?.asTransport, "expected a transport error, got \(String(describing: error))")
            #expect(url.hasSuffix("/api/v1/objects"))
            #expect(!message.isEmpty)
        }
    }

    @Test func droppedConnectionFails() async throws {
        try await withServer { server in
            await server.setFaultHook { _ in .dropConnection }
            let error = await finkError {
                // A generous timeout: the error kind is tested, and a loaded machine must not turn it into a timeout.
                _ = try await client(for: server, timeout: 30).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
            }
            #expect(error?.asTransport != nil, "expected a transport error, got \(String(describing: error))")
        }
    }

    @Test func closedPortIsATransportError() async throws {
        // A port that was just listening and is now closed.
        let server = try await FixtureServer()
        let baseURL = server.baseURL
        await server.stop()
        let client = FinkClient(baseURL: baseURL, transport: URLSessionTransport(timeout: 30))
        let error = await finkError {
            _ = try await client.detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
        }
        let (url, message) = try #require(error?.asTransport, "expected a transport error, got \(String(describing: error))")
        #expect(url == "\(baseURL.absoluteString)/api/v1/objects")
        #expect(message.contains("connection refused"))
        #expect(error?.description.hasPrefix("could not reach \(url): ") == true)
    }

    /// The fault hook sees each request in order: "fail twice, then answer" for later retry tests.
    @Test func faultHookByRequestIndex() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            await server.setFaultHook { request in request.index < 2 ? .respond(status: 503, body: "busy") : nil }
            let client = client(for: server)
            let ztf = try id("ZTF18acefvuh")
            for _ in 0..<2 {
                let error = await finkError { _ = try await client.detections(of: ztf, options: FetchOptions()) }
                #expect(error == .http(status: 503, body: "busy", url: client.objectsURL.absoluteString))
            }
            #expect(try await client.detections(of: ztf, options: FetchOptions()).count == 26)
        }
    }

    @Test func fixedLatencyIsApplied() async throws {
        try await withServer(latencyPerRequest: 0.3) { server in
            let clock = ContinuousClock()
            let start = clock.now
            _ = try? await client(for: server).objects(ObjectsQuery(objectIds: [try id("ZTF99zzzzzzz")]))
            #expect(clock.now - start >= .milliseconds(300))
        }
    }

    @Test func cancellationEndsTheRequestPromptly() async throws {
        try await withServer { server in
            await server.setFaultHook { _ in .delay(60) }
            let client = client(for: server, timeout: 120)
            let clock = ContinuousClock()
            let start = clock.now
            let task = Task { try await client.detections(of: try id("ZTF18acefvuh"), options: FetchOptions()) }
            try await Task.sleep(nanoseconds: 100_000_000)
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            // Waiting for the server would take 60 s; the bound only tells "cancelled" from "waited"
            // (5 s was once exceeded on a loaded machine with a 10 s delay).
            #expect(clock.now - start < .seconds(30))
        }
    }

    @Test func concurrentRequests() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            let client = client(for: server)
            let ztf = try id("ZTF18acefvuh")
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await client.detections(of: ztf, options: FetchOptions()).count } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counts == Array(repeating: 26, count: 20))
            #expect(await server.requests.count == 20)
            #expect(Set(await server.requests.map(\.index)) == Set(0..<20))
        }
    }

    /// Emulated server costs: one charge per stamp served (per valid alert and kind).
    @Test func cutoutLatencyIsCharged() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            await server.setLatency(perRequest: 0, perCutout: 1)
            let clock = ContinuousClock()
            var start = clock.now
            // 120 s timeouts: the answers take 16 s (or 48 s if wrongly charged).
            _ = try await client(for: server, timeout: 120).detections(
                of: try id("ZTF18acefvuh"), options: FetchOptions(withCutouts: true, cutoutKind: .science))
            // 16 valid alerts × 1 kind × 1 s.
            #expect(clock.now - start >= .milliseconds(16_000))
            start = clock.now
            _ = try await client(for: server, timeout: 120).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
            // Charging 16 alerts × 3 kinds here would take 48 s; no charge takes well under a second,
            // and the bound sits far from both even when the whole suite shares two cores.
            #expect(clock.now - start < .seconds(20), "no stamps asked, no charge")
        }
    }

    @Test func serverColumnsWithoutJDIs500() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            let url = server.baseURL.appendingPathComponent("api/v1/objects")
            let body = #"{"objectId": "ZTF18acefvuh", "withupperlim": "True", "columns": "i:magpsf,i:fid"}"#
            let response = try await URLSessionTransport(timeout: 30).send(
                HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data(body.utf8)))
            #expect(response.status == 500)
            #expect(response.headers["content-type"]?.hasPrefix("text/html") == true)
        }
    }

    /// As live: with a column list the server computes no `v:` value, even one asked for by name,
    /// while full rows carry them. A client wanting Fink's class must send no list.
    @Test func serverSendsNoQueryTimeColumnWithAColumnList() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF25ackyyzk.json"))
            let url = server.baseURL.appendingPathComponent("api/v1/objects")
            let body = #"{"objectId": "ZTF25ackyyzk", "columns": "i:objectId,i:jd,i:fid,i:magpsf,d:cdsxmatch,v:classification,v:lapse"}"#
            let response = try await URLSessionTransport(timeout: 30).send(
                HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data(body.utf8)))
            #expect(response.status == 200)
            let rows = try #require(try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { Set($0.keys) == ["i:objectId", "i:jd", "i:fid", "i:magpsf", "d:cdsxmatch"] })

            let client = client(for: server)
            let ztf = try id("ZTF25ackyyzk")
            let narrow = try await client.detections(
                of: ztf, options: FetchOptions(withUpperLimits: false, columns: ["i:magpsf", "v:classification"]))
            #expect(!narrow.isEmpty && narrow.allSatisfy { $0.classification == nil })
            let full = try await client.detections(of: ztf, options: FetchOptions(withUpperLimits: false))
            #expect(full.first?.classification == "SN candidate", "full rows keep v:classification")
        }
    }

    // MARK: /api/v1/cutouts

    @Test func cutoutsOfOneAlert() async throws {
        try await withServer { server in
            let body = try fixtureData("cutouts/ZTF18acefvuh_1034527953215010006.json")
            await server.setCutouts(body, objectId: "ZTF18acefvuh", candid: 1034527953215010006)
            let client = client(for: server)
            let ztf = try id("ZTF18acefvuh")

            let all = try await client.cutouts(objectId: ztf, candid: 1034527953215010006, kinds: [])
            #expect(all.keys.sorted() == StampKind.allCases)
            #expect(all.values.allSatisfy { $0.width == 63 && $0.height == 63 && nanCount($0) == 157 })

            let latest = try await client.cutouts(objectId: ztf, candid: nil, kinds: [.science])
            #expect(latest.keys.sorted() == [.science])
            #expect(latest[.science] == all[.science])

            let requests = await server.requests
            #expect(requests.map(\.path) == ["/api/v1/cutouts", "/api/v1/cutouts"])
            let first = try #require(requests.first?.json)
            #expect(first["kind"] == "All" && first["output-format"] == "array")
            #expect(first["candid"] == .number("1034527953215010006"), "sent exactly, as a JSON integer")
            #expect(requests[1].json?["kind"] == "Science" && requests[1].json?["candid"] == nil)

            let error = await finkError { _ = try await client.cutouts(objectId: ztf, candid: 42, kinds: []) }
            let (status, _, url) = try #require(error?.asHTTP, "expected an HTTP error, got \(String(describing: error))")
            #expect(status == 500 && url.hasSuffix("/api/v1/cutouts"))
        }
    }
}
