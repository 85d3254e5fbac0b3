import FinkAPI
import FinkTestServer
import Foundation
import Testing
@testable import FinkPlotKit

/// The repository's Fixtures directory, found from this file's path.
func fixturesDirectory(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
}

/// The in-process ZTF server answering /api/v1/anomaly and /api/v1/statistics from the fixtures.
func serviceFixtureServer() async throws -> FixtureServer {
    let server = try await FixtureServer()
    try await server.load(anomalyFile: fixturesDirectory().appendingPathComponent("anomaly.json"))
    try await server.load(statisticsFile: fixturesDirectory().appendingPathComponent("statistics_2021.json"))
    return server
}

/// A new empty directory under the system's temporary directory.
func makeTempDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finkplot-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The survey-tagged key of a ZTF objectId (validated).
func ztfKey(_ raw: String) throws -> ObjectKey { try ObjectId(validating: raw).key }

/// A fixture object's data as a card reads it (upper limits and every column; saved answers hold them all).
func fixtureObject(_ raw: String) async throws -> ObjectData {
    let key = try ztfKey(raw)
    let answers = try await DirectorySource(directory: fixturesDirectory()).objects([key], needs: .card)
    return try #require(answers[key], "no answer for \(raw)").get()
}

/// The stamps of one of `object`'s alerts as the batch runner gets them from the fixtures: the saved
/// `/cutouts` answer when there is one, else the stamps of the alert's own row (none for most).
func fixtureStamps(_ object: ObjectData, alert: PhotometryPoint) async throws -> [StampKind: Stamp] {
    let id = try #require(alert.alertId, "the alert has no id")
    return try await DirectorySource(directory: fixturesDirectory())
        .stamps(of: AlertKey(survey: object.key.survey, id: id), object: object.key)
}
