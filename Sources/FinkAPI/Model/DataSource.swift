import Foundation

/// What a figure needs of an object beyond its photometry.
public struct DataNeeds: Sendable, Hashable, Codable {
    /// The full summary (Fink's classification, cross-matches): ZTF computes its classification
    /// only when every column is asked for; Rubin keeps it in `/api/v1/objects`.
    public var summary: Bool

    public init(summary: Bool = false) { self.summary = summary }

    public static let lightcurve = DataNeeds(summary: false)
    public static let card = DataNeeds(summary: true)
}

/// Where objects and stamps come from: one survey's REST API, saved answers in a directory,
/// later alert files. The cache and `--offline` are wrappers around any source.
///
/// One source serves one survey; `SourceSet` routes keys of several surveys.
public protocol ObjectDataSource: Sendable {
    /// The survey this source serves.
    var survey: Survey { get }
    /// Where the data come from, for messages and cache keys: the API base URL, or a directory.
    /// Never holds credentials (they are stripped when the source is made).
    var location: String { get }
    /// True when it reads the network (the cache is worth using in front of it).
    var isRemote: Bool { get }

    /// The data of each key, in as few requests as the source allows (a chunk of ids is one
    /// request per route). Every key gets a result: `.failure(FinkError.noData)` for an id the
    /// source does not know. Throws only when the whole request failed (then each key failed).
    func objects(_ keys: [ObjectKey], needs: DataNeeds) async throws -> [ObjectKey: Result<ObjectData, any Error>]

    /// The stamps of one alert of `object`; a kind the source does not have is absent.
    func stamps(of alert: AlertKey, object: ObjectKey) async throws -> [StampKind: Stamp]
}
