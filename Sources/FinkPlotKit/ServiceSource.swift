import FinkAPI
import Foundation

/// Where `/anomaly` and `/statistics` answers come from: the API, or one saved JSON answer
/// (`--from FILE`). A saved answer is filtered here as the server would (dates, `n`, date prefix),
/// so options mean the same thing offline.
public enum ServiceSource: Sendable {
    case api(FinkClient)
    case file(URL)

    public var description: String {
        switch self {
        case let .api(client): client.baseURL.absoluteString
        case let .file(url): url.path
        }
    }

    /// The alerts, and the rows of the answer that could not be read as alerts. A saved answer's
    /// skipped rows are all reported: without a date they cannot be filtered.
    public func anomalousAlerts(n: Int, since: CivilDate?, until: CivilDate?) async throws
        -> (alerts: [AnomalyAlert], skippedRows: [AnomalyAlert.SkippedRow]) {
        switch self {
        case let .api(client):
            return try await client.anomalyAnswer(n: n, since: since, until: until)
        case let .file(url):
            guard n >= 1 else { throw FinkError.invalidSetting(name: "--n", value: String(n), reason: "ask for at least one alert") }
            let (alerts, skipped) = try AnomalyAlert.decode(try Self.read(url), source: url.path)
            let lower = since.map { Double($0.daysSinceUnixEpoch) } ?? -.infinity
            let upper = until.map { Double($0.daysSinceUnixEpoch + 1) } ?? .infinity
            let kept = alerts.filter {
                let day = JulianDate.daysSinceUnixEpoch(jd: $0.jd)
                return day >= lower && day < upper
            }
            return (Array(kept.sorted { $0.jd > $1.jd }.prefix(n)), skipped)
        }
    }

    public func statistics(date: StatisticsDate) async throws -> [NightStatistics] {
        switch self {
        case let .api(client):
            return try await client.statistics(date: date)
        case let .file(url):
            let nights = try NightStatistics.decode(try Self.read(url), source: url.path)
            return nights.filter { $0.night.compact.hasPrefix(date.rawValue) }
        }
    }

    static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw FinkError.file(path: url.path, message: FileManager.default.fileExists(atPath: url.path)
                ? "cannot be read" : "no such file")
        }
    }
}
