import FinkAPI
import Foundation
import Testing

/// `Fixtures/lsst/` (copied from shared/fixtures/lsst).
let lsstFixturesDirectory = fixturesDirectory.appendingPathComponent("lsst")

func lsstFixtureURL(_ name: String) -> URL { lsstFixturesDirectory.appendingPathComponent(name) }

func lsstFixtureData(_ name: String) throws -> Data { try Data(contentsOf: lsstFixtureURL(name)) }

func lsstKey(_ raw: String) throws -> ObjectKey { try LSSTProfile().key(validating: raw) }

func lsstAlert(_ id: Int64) -> AlertKey { AlertKey(survey: .lsst, id: id) }

/// The table of shared/fixtures/lsst/README.md for the three objects.
struct LSSTFixtureCounts: Sendable, CustomTestStringConvertible {
    var id: String
    var sources: Int
    var sourcesPerBand: [String: Int]
    var negativeSources: [String: Int]
    var forced: Int
    var forcedPerBand: [String: Int]
    var negativeForced: [String: Int]
    var latestSource: Int64
    var mjdRange: ClosedRange<Double>
    var testDescription: String { id }
}

let lsstFixtureTable: [LSSTFixtureCounts] = [
    .init(id: "170028485706776685", sources: 200, sourcesPerBand: ["g": 41, "r": 45, "i": 68, "z": 46],
          negativeSources: ["g": 25, "r": 31, "i": 54, "z": 25],
          forced: 219, forcedPerBand: ["g": 39, "r": 55, "i": 74, "z": 51], negativeForced: ["g": 22, "r": 37, "i": 60, "z": 26],
          latestSource: 170094456272322680, mjdRange: 61090.048...61105.094),
    .init(id: "170028513894596704", sources: 152, sourcesPerBand: ["g": 53, "r": 34, "i": 35, "z": 30],
          negativeSources: ["g": 11, "z": 9],
          forced: 142, forcedPerBand: ["g": 29, "r": 30, "i": 44, "z": 33, "y": 6],
          negativeForced: ["g": 28, "r": 30, "i": 43, "z": 33, "y": 6],
          latestSource: 170094456523456557, mjdRange: 61032.328...61105.096),
    .init(id: "314002971860926640", sources: 220, sourcesPerBand: ["g": 51, "r": 47, "i": 74, "z": 48],
          negativeSources: ["r": 1],
          forced: 198, forcedPerBand: ["g": 31, "r": 56, "i": 69, "z": 42], negativeForced: ["i": 2, "z": 1],
          latestSource: 170094456277565473, mjdRange: 61053.233...61105.094),
]

func perBand(_ points: [PhotometryPoint]) -> [String: Int] {
    points.reduce(into: [:]) { $0[$1.band, default: 0] += 1 }
}

/// The value of a Result, or the test fails with its error.
func success(_ result: Result<ObjectData, any Error>?, sourceLocation: SourceLocation = #_sourceLocation) throws -> ObjectData {
    switch try #require(result, sourceLocation: sourceLocation) {
    case .success(let data): return data
    case .failure(let error):
        Issue.record("expected data, got \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The error of a Result as a FinkError; records an issue otherwise.
func failure(_ result: Result<ObjectData, any Error>?, sourceLocation: SourceLocation = #_sourceLocation) -> FinkError? {
    switch result {
    case .failure(let error as FinkError): return error
    case .failure(let error): Issue.record("expected a FinkError, got \(error)", sourceLocation: sourceLocation)
    case .success: Issue.record("expected a failure, got data", sourceLocation: sourceLocation)
    case nil: Issue.record("no result for the key", sourceLocation: sourceLocation)
    }
    return nil
}

extension FinkError {
    /// The message of a `.decoding` error, nil for any other case.
    var decodingMessage: String? {
        if case .decoding(_, let message) = self { return message }
        return nil
    }

    var decodingSource: String? {
        if case .decoding(let source, _) = self { return source }
        return nil
    }
}

/// `rows` as a JSON answer, each row's members written as given (raw JSON text per cell), so a
/// test can write what a server would: `NaN` tokens, numeric strings, 19-digit integers.
func answer(_ rows: [[String: String]]) -> Data {
    let text = rows.map { row in
        "{" + row.keys.sorted().map { "\"\($0)\":\(row[$0]!)" }.joined(separator: ",") + "}"
    }.joined(separator: ",")
    return Data("[\(text)]".utf8)
}
