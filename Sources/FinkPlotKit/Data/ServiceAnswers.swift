import FinkAPI
import Foundation

/// Where `/anomaly` and `/statistics` answers come from: the API, or one saved JSON answer
/// (`--from FILE`). A saved answer is filtered as the server would (dates, `n`, date prefix), so
/// options mean the same thing offline.
public protocol ServiceAnswers: Sendable {
    /// The API base URL or the file, as figures name it.
    var location: String { get }

    /// The alerts, and the rows of the answer that could not be read as alerts.
    func anomalousAlerts(n: Int, since: CivilDate?, until: CivilDate?) async throws
        -> (alerts: [AnomalyAlert], skippedRows: [AnomalyAlert.SkippedRow])

    /// The nights, with notes on rows not counted as sent (a night sent twice, no night key).
    func statisticsAnswer(date: StatisticsDate) async throws -> (nights: [NightStatistics], notes: [String])
}

extension FinkClient: ServiceAnswers {
    public func anomalousAlerts(n: Int, since: CivilDate?, until: CivilDate?) async throws
        -> (alerts: [AnomalyAlert], skippedRows: [AnomalyAlert.SkippedRow]) {
        try await anomalyAnswer(n: n, since: since, until: until)
    }

    public func statisticsAnswer(date: StatisticsDate) async throws -> (nights: [NightStatistics], notes: [String]) {
        try await statisticsAnswer(date: date, columns: nil)
    }
}

/// One saved service answer (`--from FILE`).
public struct SavedAnswerFile: ServiceAnswers {
    public let url: URL
    /// As the user gave it: figures never record an absolute path of this machine.
    public let shownAs: String

    public init(_ url: URL, shownAs: String? = nil) {
        self.url = url
        self.shownAs = shownAs.map(Provenance.shown(path:)) ?? url.lastPathComponent
    }

    public var location: String { "file \(shownAs)" }

    /// A saved answer's skipped rows are all reported: without a date they cannot be filtered.
    public func anomalousAlerts(n: Int, since: CivilDate?, until: CivilDate?) async throws
        -> (alerts: [AnomalyAlert], skippedRows: [AnomalyAlert.SkippedRow]) {
        guard n >= 1 else { throw FinkError.invalidSetting(name: "--n", value: String(n), reason: "ask for at least one alert") }
        let (alerts, skipped) = try AnomalyAlert.decode(try Self.read(url), source: shownAs)
        let lower = since.map { Double($0.daysSinceUnixEpoch) } ?? -.infinity
        let upper = until.map { Double($0.daysSinceUnixEpoch + 1) } ?? .infinity
        let kept = alerts.filter {
            let day = JulianDate.daysSinceUnixEpoch(jd: $0.jd)
            return day >= lower && day < upper
        }
        return (Array(kept.sorted { $0.jd > $1.jd }.prefix(n)), skipped)
    }

    public func statisticsAnswer(date: StatisticsDate) async throws -> (nights: [NightStatistics], notes: [String]) {
        let (nights, notes) = try NightStatistics.decodeAnswer(try Self.read(url), source: shownAs)
        return (nights.filter { $0.night.compact.hasPrefix(date.rawValue) }, notes)
    }

    static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw FinkError.file(path: url.path, message: FileManager.default.fileExists(atPath: url.path)
                ? "cannot be read" : "no such file")
        }
    }
}
