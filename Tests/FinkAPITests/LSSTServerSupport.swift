import FinkAPI
import FinkTestServer
import Foundation

/// Fixtures/lsst parsed once for all tests (parsing 2.7 MB of JSON in a debug build is what costs).
private let parsedLSSTFixtures = Result { try LSSTFixtures.read(lsstFixturesDirectory) }

/// Serves every file of Fixtures/lsst.
func loadLSSTFixtures(into server: LSSTFixtureServer) async throws {
    try await server.load(try parsedLSSTFixtures.get())
}

/// Runs `body` against a fresh LSST server and always stops it.
func withLSSTServer<T>(_ body: (LSSTFixtureServer) async throws -> T) async throws -> T {
    let server = try await LSSTFixtureServer()
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

func lsstClient(for server: LSSTFixtureServer, timeout: Double = 30) -> LSSTClient {
    LSSTClient(baseURL: server.baseURL, transport: URLSessionTransport(timeout: timeout))
}
