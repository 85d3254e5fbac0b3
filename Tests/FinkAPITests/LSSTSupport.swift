import FinkAPI
import Foundation
import Testing

/// `Fixtures/lsst/` (copied from shared/fixtures/lsst).
let lsstFixturesDirectory = fixturesDirectory.appendingPathComponent("lsst")

func lsstFixtureURL(_ name: String) -> URL { lsstFixturesDirectory.appendingPathComponent(name) }

func lsstFixtureData(_ name: String) throws -> Data { try Data(contentsOf: lsstFixtureURL(name)) }

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
