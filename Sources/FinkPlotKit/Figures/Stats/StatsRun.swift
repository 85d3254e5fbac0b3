import FinkAPI
import Foundation

/// `finkplot stats`: fetch the nights, write the figure and (when asked) the table.
public struct StatsRun: Sendable {
    public var source: any ServiceAnswers
    public var date: StatisticsDate

    public init(source: any ServiceAnswers, date: StatisticsDate) {
        self.source = source; self.date = date
    }

    /// The nights, with notes on missing values. No nights is an error: there is nothing to draw.
    public func fetch() async throws -> (nights: [NightStatistics], notes: [String]) {
        let (nights, answerNotes) = try await source.statisticsAnswer(date: date)
        guard !nights.isEmpty else {
            throw FinkError.noData(objectId: "statistics for \(date)", source: source.location)
        }
        var notes = answerNotes
        for column in [StatsFigure.rawColumn, StatsFigure.sciColumn] {
            let missing = nights.filter { $0[column] == nil }.map { "\($0.night)" }
            if !missing.isEmpty {
                let list = missing.count > 5 ? missing.prefix(5).joined(separator: ", ") + " …" : missing.joined(separator: ", ")
                notes.append("\(missing.count) night\(missing.count == 1 ? "" : "s") without \(column) (\(list)): nothing drawn or added to the totals for them")
            }
        }
        return (nights, notes)
    }
}
