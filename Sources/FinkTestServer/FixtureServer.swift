import FlyingFox
import FlyingSocks
import Foundation

/// One row of an `/api/v1/objects` answer, editable to build quirks.
public typealias FixtureRow = [String: FixtureJSON]

/// A request as it reached the server, for assertions.
public struct RecordedRequest: Sendable {
    /// Arrival order, from 0 (lets a fault hook fail "the first two attempts").
    public let index: Int
    public let method: String
    public let path: String
    public let query: [String: String]
    /// Lower-cased header names.
    public let headers: [String: String]
    public let body: Data
    /// The body parsed as JSON, when it is JSON.
    public let json: FixtureJSON?
    /// The arguments as the real server reads them: the query string for GET, the JSON body's
    /// members for POST, each as Python's `str()` of the parsed value (`true` → `"True"`).
    public let arguments: [String: String]
}

/// What a fault hook asks the server to do with one request instead of (or on top of) answering.
public struct Fault: Sendable {
    public enum Delivery: Sendable {
        /// Send the whole answer.
        case complete
        /// Announce the full Content-Length, send only this many body bytes, then close.
        case truncated(afterBytes: Int)
        /// Close the connection without sending anything.
        case dropConnection
        /// Write the body as it is sent: endless, trickled, or under an inflated Content-Length
        /// (HostileModes.swift).
        case streamed(BodyStream)
    }

    /// Seconds to wait before answering (on top of the server's fixed latency).
    public var delay: Double
    /// Replace the answer: status, body, headers. Nil status: the normal answer.
    public var status: Int?
    public var body: Data
    public var headers: [String: String]
    public var delivery: Delivery

    public init(delay: Double = 0, status: Int? = nil, body: Data = Data(), headers: [String: String] = [:], delivery: Delivery = .complete) {
        self.delay = delay
        self.status = status
        self.body = body
        self.headers = headers
        self.delivery = delivery
    }

    /// The normal answer, late.
    public static func delay(_ seconds: Double) -> Fault { Fault(delay: seconds) }

    /// Another answer, e.g. `.respond(status: 503, body: "<html>...", contentType: "text/html")`.
    public static func respond(status: Int, body: String, contentType: String = "text/plain; charset=utf-8", after delay: Double = 0) -> Fault {
        Fault(delay: delay, status: status, body: Data(body.utf8), headers: ["Content-Type": contentType])
    }

    /// The normal answer cut after `bytes` bytes of body.
    public static func truncated(afterBytes bytes: Int) -> Fault { Fault(delivery: .truncated(afterBytes: bytes)) }

    public static let dropConnection = Fault(delivery: .dropConnection)
}

/// Decides, per request, whether to misbehave. Return nil to answer normally.
public typealias FaultHook = @Sendable (RecordedRequest) -> Fault?

/// An in-process imitation of the Fink ZTF API on 127.0.0.1 (random port), serving fixture rows.
///
/// `/api/v1/objects` (GET query or POST JSON) emulates the real server: comma-separated ids,
/// each trimmed and looked up *by prefix* (as the HBase scan does); rows of all ids merged, sorted
/// by `i:jd` descending; an unknown id gives `[]` with 200; a missing `objectId` gives HTTP 400
/// with a Python-dict-repr body; booleans read as `str(v) == "True"`; `withupperlim` false keeps
/// only valid rows and drops `d:tag`; `withcutouts` false drops the `b:` columns, `cutout-kind`
/// keeps one; `columns` keeps only those, never a `v:` column (a 500 when `withupperlim` lacks
/// `i:jd`, as live).
/// Only `output-format: json` is served.
///
/// `/api/v1/anomaly` and `/api/v1/statistics` serve registered rows (`setAnomalyRows`,
/// `setStatisticsRows`) with the server's argument handling: see their handlers.
///
/// `/api/v1/cutouts` serves registered raw bodies (`output-format: array`), by objectId and
/// candid, the highest candid (latest alert: ZTF candids grow with time) when none is given;
/// unknown → 500.
///
/// Every request is recorded. Call `stop()` when done.
public final class FixtureServer: Sendable {
    public let baseURL: URL
    public let port: UInt16
    private let http: HTTPServer
    private let state: State
    private let runTask: Task<Void, Never>

    /// Starts listening. `latencyPerRequest` is added to every answer, `latencyPerCutout` once per
    /// stamp served (per alert and kind), to emulate the live costs (about 0.05 s and 0.25 s).
    public init(latencyPerRequest: Double = 0, latencyPerCutout: Double = 0) async throws {
        let state = State(latencyPerRequest: latencyPerRequest, latencyPerCutout: latencyPerCutout)
        let http = HTTPServer(
            config: .init(
                address: try .inet(ip4: "127.0.0.1", port: 0),
                // The handler timeout: generous, since emulated cutout costs can add up to minutes.
                timeout: 600,
                logger: .disabled
            ),
            handler: ClosureHTTPHandler { request in try await FixtureServer.handle(request, state: state) }
        )
        let runTask = Task { _ = try? await http.run() }
        do {
            try await http.waitUntilListening(timeout: 5)
        } catch {
            runTask.cancel()
            throw error
        }
        guard case .ip4(_, let port) = await http.listeningAddress else {
            await http.stop()
            runTask.cancel()
            throw SocketError.unsupportedAddress
        }
        self.state = state
        self.http = http
        self.runTask = runTask
        self.port = port
        self.baseURL = URL(string: "http://127.0.0.1:\(port)")!
    }

    deinit {
        // A test that forgot stop() must not leave a listener running.
        runTask.cancel()
    }

    /// Closes the listener and open connections (cancelling delayed answers) and waits for the
    /// server task to end.
    public func stop() async {
        await http.stop(timeout: 0)
        runTask.cancel()
        await runTask.value
    }

    // MARK: Data

    /// Replaces the rows served for `objectId`.
    public func setRows(_ rows: [FixtureRow], for objectId: String) async {
        await state.setRows(rows, for: objectId)
    }

    public func rows(for objectId: String) async -> [FixtureRow] {
        await state.objects[objectId] ?? []
    }

    /// Serves a fixture file: its rows are registered under their `i:objectId`s. Returns the rows.
    @discardableResult
    public func load(objectsFile url: URL) async throws -> [FixtureRow] {
        let rows = try Self.rows(fromFile: url)
        var byId: [String: [FixtureRow]] = [:]
        for row in rows {
            byId[row["i:objectId"]?.stringValue ?? "", default: []].append(row)
        }
        for (id, rows) in byId { await state.setRows(rows, for: id) }
        return rows
    }

    /// Replaces the rows `/api/v1/anomaly` serves (any order: it answers newest first).
    public func setAnomalyRows(_ rows: [FixtureRow]) async {
        await state.setAnomaly(rows)
    }

    /// Serves a saved `/api/v1/anomaly` answer. Returns its rows.
    @discardableResult
    public func load(anomalyFile url: URL) async throws -> [FixtureRow] {
        let rows = try Self.rows(fromFile: url)
        await state.setAnomaly(rows)
        return rows
    }

    /// Replaces the nights `/api/v1/statistics` serves (rows with `key:key` = `ztf_YYYYMMDD`).
    public func setStatisticsRows(_ rows: [FixtureRow]) async {
        await state.setStatistics(rows)
    }

    /// Serves a saved `/api/v1/statistics` answer. Returns its rows.
    @discardableResult
    public func load(statisticsFile url: URL) async throws -> [FixtureRow] {
        let rows = try Self.rows(fromFile: url)
        await state.setStatistics(rows)
        return rows
    }

    /// Registers a raw `/api/v1/cutouts` answer (`kind: All`, `output-format: array`).
    public func setCutouts(_ body: Data, objectId: String, candid: Int64) async {
        await state.setCutouts(body, objectId: objectId, candid: candid)
    }

    /// The rows of a saved `/api/v1/objects` JSON answer.
    public static func rows(fromFile url: URL) throws -> [FixtureRow] {
        let json = try FixtureJSON(parsing: Data(contentsOf: url))
        guard let items = json.arrayValue else { throw FixtureJSON.ParseError(offset: 0, message: "\(url.path) is not a JSON array") }
        return try items.enumerated().map { index, item in
            guard let row = item.objectValue else { throw FixtureJSON.ParseError(offset: 0, message: "\(url.path): item \(index) is not an object") }
            return row
        }
    }

    // MARK: Recording and faults

    public var requests: [RecordedRequest] {
        get async { await state.requests }
    }

    public func clearRequests() async {
        await state.clearRequests()
    }

    public func setFaultHook(_ hook: FaultHook?) async {
        await state.setHook(hook)
    }

    public func setLatency(perRequest: Double, perCutout: Double) async {
        await state.setLatency(perRequest: perRequest, perCutout: perCutout)
    }

    /// Another API's routes (LSSTFixtureServer): asked first, after recording, faults and the
    /// method check; nil from the router falls through to the ZTF routes.
    typealias Router = @Sendable (RecordedRequest) async -> Answer?

    func setRouter(_ router: Router?) async {
        await state.setRouter(router)
    }

    // MARK: Handling

    private static func handle(_ request: FlyingFox.HTTPRequest, state: State) async throws -> FlyingFox.HTTPResponse {
        let body = try await request.bodyData
        let recorded = await state.record(request, body: body)
        let (hook, perRequest, perCutout) = await state.settings
        let fault = hook?(recorded)

        try await sleep(perRequest + (fault?.delay ?? 0))
        if case .dropConnection = fault?.delivery {
            return FlyingFox.HTTPResponse(webSocket: ConnectionDropper())
        }
        var answer: Answer
        if let status = fault?.status {
            answer = Answer(status: status, headers: fault?.headers ?? [:], body: fault?.body ?? Data())
        } else {
            answer = await route(recorded, state: state)
            try await sleep(perCutout * Double(answer.cutoutsServed))
        }

        var headers = HTTPHeaders()
        for (name, value) in answer.headers { headers[HTTPHeader(name)] = value }
        let status = HTTPStatusCode(answer.status, phrase: phrase(answer.status))
        if case .streamed(let stream) = fault?.delivery {
            return FlyingFox.HTTPResponse(statusCode: status, headers: headers, body: stream.sequence(for: answer.body))
        }
        if case .truncated(let count) = fault?.delivery, count < answer.body.count {
            let cut = HTTPBodySequence(from: CutBody(bytes: Array(answer.body.prefix(max(count, 0)))), count: answer.body.count)
            return FlyingFox.HTTPResponse(statusCode: status, headers: headers, body: cut)
        }
        return FlyingFox.HTTPResponse(statusCode: status, headers: headers, body: answer.body)
    }

    private static func sleep(_ seconds: Double) async throws {
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data
        /// Stamps in the answer, each charged `latencyPerCutout`.
        var cutoutsServed = 0

        static func json(_ value: FixtureJSON, cutouts: Int = 0) -> Answer {
            Answer(status: 200, headers: ["Content-Type": "application/json"], body: value.data(), cutoutsServed: cutouts)
        }

        static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Answer {
            Answer(status: status, headers: ["Content-Type": contentType], body: Data(text.utf8))
        }

        /// The live server's 400: `{'status': 'error', 'text': '...'}`, a Python repr, not JSON.
        static func pythonError(_ text: String) -> Answer {
            .text(400, "{'status': 'error', 'text': \(pythonRepr(text))}", contentType: "text/html; charset=utf-8")
        }

        static func serverError(_ text: String) -> Answer {
            .text(500, "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>\(text)</p>\n",
                  contentType: "text/html; charset=utf-8")
        }
    }

    static let docURL = "https://api.ztf.fink-portal.org"

    private static func route(_ request: RecordedRequest, state: State) async -> Answer {
        guard request.method == "GET" || request.method == "POST" else {
            return .text(405, "method \(request.method) not allowed")
        }
        if let router = await state.router, let answer = await router(request) { return answer }
        if request.method == "POST", !request.body.isEmpty, request.json?.objectValue == nil {
            return .text(400, "the POST body must be a JSON object")
        }
        switch request.path {
        case "/api/v1/objects": return await objects(request.arguments, state: state)
        case "/api/v1/cutouts": return await cutouts(request.arguments, state: state)
        case "/api/v1/anomaly": return await anomaly(request.arguments, state: state)
        case "/api/v1/statistics": return await statistics(request.arguments, state: state)
        default: return .text(404, "FixtureServer has no route \(request.path)")
        }
    }

    static func columnList(_ args: [String: String]) -> [String]? {
        args["columns"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// Days from 1970-01-01 of a strict `YYYY-MM-DD`.
    static func daysSinceEpoch(iso text: String) -> Double? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        return Double(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
    }

    /// Python's `repr()` of a string: single quotes unless the text holds one and no double quote.
    static func pythonRepr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case quote: out += "\\" + String(c)
            default: out.append(c)
            }
        }
        out.append(quote)
        return out
    }

    private static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "BAD REQUEST"
        case 404: "NOT FOUND"
        case 405: "METHOD NOT ALLOWED"
        case 429: "TOO MANY REQUESTS"
        case 500: "INTERNAL SERVER ERROR"
        case 501: "NOT IMPLEMENTED"
        case 502: "BAD GATEWAY"
        case 503: "SERVICE UNAVAILABLE"
        case 504: "GATEWAY TIMEOUT"
        default: "STATUS \(status)"
        }
    }
}

// MARK: - State

actor State {
    var objects: [String: [FixtureRow]] = [:]
    var cutouts: [String: [Int64: Data]] = [:]
    var anomaly: [FixtureRow] = []
    var statistics: [FixtureRow] = []
    var requests: [RecordedRequest] = []
    var hook: FaultHook?
    var router: FixtureServer.Router?
    var latencyPerRequest: Double
    var latencyPerCutout: Double

    init(latencyPerRequest: Double, latencyPerCutout: Double) {
        self.latencyPerRequest = latencyPerRequest
        self.latencyPerCutout = latencyPerCutout
    }

    var settings: (FaultHook?, Double, Double) { (hook, latencyPerRequest, latencyPerCutout) }

    func setRows(_ rows: [FixtureRow], for id: String) { objects[id] = rows }
    func setCutouts(_ body: Data, objectId: String, candid: Int64) { cutouts[objectId, default: [:]][candid] = body }
    func setAnomaly(_ rows: [FixtureRow]) { anomaly = rows }
    func setStatistics(_ rows: [FixtureRow]) { statistics = rows }
    func clearRequests() { requests = [] }
    func setHook(_ hook: FaultHook?) { self.hook = hook }
    func setRouter(_ router: FixtureServer.Router?) { self.router = router }
    func setLatency(perRequest: Double, perCutout: Double) {
        latencyPerRequest = perRequest
        latencyPerCutout = perCutout
    }

    func record(_ request: FlyingFox.HTTPRequest, body: Data) -> RecordedRequest {
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
        let json = body.isEmpty ? nil : try? FixtureJSON(parsing: body)
        let method = request.method.rawValue
        var arguments = query
        if method == "POST" {
            arguments = (json?.objectValue ?? [:]).mapValues(\.pythonString)
        }
        let recorded = RecordedRequest(
            index: requests.count, method: method, path: request.path, query: query,
            headers: headers, body: body, json: json, arguments: arguments)
        requests.append(recorded)
        return recorded
    }
}

// MARK: - Faulty deliveries

/// Yields a prefix of the body, then fails: FlyingFox closes the connection mid-body, after a
/// Content-Length promising more.
private struct CutBody: AsyncBufferedSequence {
    typealias Element = UInt8
    let bytes: [UInt8]

    func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes) }

    struct Cut: Error {}

    struct Iterator: AsyncBufferedIteratorProtocol {
        let bytes: [UInt8]
        var index = 0

        mutating func next() async throws -> UInt8? {
            guard index < bytes.count else { throw Cut() }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func nextBuffer(suggested count: Int) async throws -> ArraySlice<UInt8>? {
            guard index < bytes.count else { throw Cut() }
            let end = Swift.min(bytes.count, index + Swift.max(count, 1))
            defer { index = end }
            return bytes[index..<end]
        }
    }
}

/// FlyingFox has no "close without answering"; a WebSocket upgrade whose handler fails does
/// exactly that: the failure comes before any byte is written, and the connection is closed.
private struct ConnectionDropper: WSHandler {
    struct Dropped: Error {}
    func makeFrames(for client: AsyncThrowingStream<WSFrame, any Error>) async throws -> AsyncStream<WSFrame> {
        throw Dropped()
    }
}
