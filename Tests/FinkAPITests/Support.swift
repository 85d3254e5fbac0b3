import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// The repository's `Fixtures/` (copied from shared/fixtures), found from this file's location so
/// no resource bundle is needed.
let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

func fixtureURL(_ name: String) -> URL { fixturesDirectory.appendingPathComponent(name) }

func fixtureData(_ name: String) throws -> Data { try Data(contentsOf: fixtureURL(name)) }

func fixtureRows(_ objectId: String) throws -> [FixtureRow] {
    try FixtureServer.rows(fromFile: fixtureURL("\(objectId).json"))
}

/// Rows back to the JSON the server would send.
func jsonData(_ rows: [FixtureRow]) -> Data { FixtureJSON.array(rows.map { .object($0) }).data() }

func id(_ raw: String) throws -> ObjectId { try ObjectId(validating: raw) }

/// The table of Fixtures/README.md: rows, and per band (g, r) the valid / upperlim / badquality counts.
struct FixtureCounts: Sendable, CustomTestStringConvertible {
    var objectId: String
    var rows: Int
    var valid: (g: Int, r: Int)
    var upperLimit: (g: Int, r: Int)
    var badQuality: (g: Int, r: Int)
    /// The first valid row's candid, copied from the file by hand.
    var firstCandid: Int64
    var testDescription: String { objectId }
}

let fixtureTable: [FixtureCounts] = [
    .init(objectId: "ZTF18aabjigr", rows: 31, valid: (11, 11), upperLimit: (3, 4), badQuality: (1, 1), firstCandid: 1034526141515010021),
    .init(objectId: "ZTF18acefvuh", rows: 26, valid: (8, 8), upperLimit: (5, 2), badQuality: (2, 1), firstCandid: 1034527953215010006),
    .init(objectId: "ZTF19acihgng", rows: 35, valid: (15, 18), upperLimit: (1, 1), badQuality: (0, 0), firstCandid: 1060135832015015002),
    .init(objectId: "ZTF25ackyyzk", rows: 26, valid: (0, 13), upperLimit: (0, 6), badQuality: (0, 7), firstCandid: 3367537290415015010),
    .init(objectId: "ZTF17aaacxxf", rows: 29, valid: (7, 12), upperLimit: (2, 4), badQuality: (3, 1), firstCandid: 739203156315010009),
]

func count(_ rows: [Detection], _ tag: DetectionTag, fid: Int) -> Int {
    rows.filter { $0.tag == tag && $0.fid == fid }.count
}

func nanCount(_ stamp: Stamp?) -> Int { stamp?.pixels.filter(\.isNaN).count ?? -1 }

/// Runs `body` against a fresh server and always stops it, so a failing test leaves nothing running.
func withServer<T>(
    latencyPerRequest: Double = 0, _ body: (FixtureServer) async throws -> T
) async throws -> T {
    let server = try await FixtureServer(latencyPerRequest: latencyPerRequest)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// A client with a timeout: a test must fail, not hang, when the server misbehaves. 30 s, not
/// less: with the whole suite running on a shared two-core machine, answers of the in-process
/// server have taken over 5 s, and a timeout must not replace the outcome under test.
func client(for server: FixtureServer, timeout: Double = 30) -> FinkClient {
    FinkClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: timeout))
}

/// The error thrown by `body`, as a FinkError; records an issue when nothing or something else is thrown.
func finkError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> FinkError? {
    do {
        try await body()
        Issue.record("expected a FinkError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FinkError {
        return error
    } catch {
        Issue.record("expected a FinkError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The payload of each kind of FinkError, or nil for another kind: for `try #require(error?.asHTTP)`,
/// which fails the test when the error is of another kind (a guard-case early return would pass).
extension FinkError {
    var asHTTP: (status: Int, body: String, url: String)? {
        if case let .http(status, body, url) = self { (status, body, url) } else { nil }
    }
    var asTransport: (url: String, message: String)? {
        if case let .transport(url, message) = self { (url, message) } else { nil }
    }
    var asFile: (path: String, message: String)? {
        if case let .file(path, message) = self { (path, message) } else { nil }
    }
    var asDecoding: (source: String, message: String)? {
        if case let .decoding(source, message) = self { (source, message) } else { nil }
    }
    var asInvalidObjectId: (id: String, reason: String)? {
        if case let .invalidObjectId(id, reason) = self { (id, reason) } else { nil }
    }
    var asInvalidSetting: (name: String, value: String, reason: String)? {
        if case let .invalidSetting(name, value, reason) = self { (name, value, reason) } else { nil }
    }
}
