import FinkAPI
import PlotCore

/// How `finkplot stats` groups nights into bars. Over several years a night is under a pixel:
/// summing nights into weeks or months keeps the bar panels readable.
public enum StatsBin: String, Sendable, CaseIterable {
    case night
    /// Weeks starting on Monday (ISO 8601 weeks), so a week never straddles two weekends.
    case week
    /// Calendar months, from the 1st to the last day.
    case month

    /// The smallest bin whose bars stay at least `minimumPixels` wide in a plot `plotPixels` wide
    /// spanning `days`: nights while they are wide enough to see, else weeks, else months.
    public static func auto(days: Double, plotPixels: Double, minimumPixels: Double = 3) -> StatsBin {
        guard days > 0 else { return .night }
        let pixelsPerDay = plotPixels / days
        if pixelsPerDay >= minimumPixels { return .night }
        if 7 * pixelsPerDay >= minimumPixels { return .week }
        return .month
    }

    /// The first and last day (days since 1970-01-01) of the bin holding `day`.
    public func span(containing day: Int) -> ClosedRange<Int> {
        switch self {
        case .night:
            return day...day
        case .week:
            // 1970-01-01 was a Thursday: (day + 3) mod 7 counts days since Monday.
            let monday = day - ((day + 3) % 7 + 7) % 7
            return monday...(monday + 6)
        case .month:
            let date = CivilDate(daysSinceUnixEpoch: Double(day))
            let first = CivilDate(year: date.year, month: date.month, day: 1)!.daysSinceUnixEpoch
            let next = date.month == 12 ? CivilDate(year: date.year + 1, month: 1, day: 1)!
                : CivilDate(year: date.year, month: date.month + 1, day: 1)!
            return first...(next.daysSinceUnixEpoch - 1)
        }
    }
}

/// The nights of one bin, their counters summed. A counter is summed over the nights that have
/// it; nil when none of them does (a gap, as a night without it), never a made-up 0.
public struct StatsBinTotals: Sendable, Equatable {
    /// First and last day of the bin (days since 1970-01-01), whether or not nights fall there.
    public var days: ClosedRange<Int>
    /// How many nights of the answer fall in the bin.
    public var nights: Int
    public var counters: [String: Double?]

    public subscript(column: String) -> Double? { counters[column] ?? nil }

    /// Nights grouped by `bin`, in time order; bins without nights are left out.
    public static func group(_ nights: [NightStatistics], by bin: StatsBin) -> [StatsBinTotals] {
        var bins: [StatsBinTotals] = []
        for night in nights.sorted(by: { $0.night < $1.night }) {
            let span = bin.span(containing: night.night.daysSinceUnixEpoch)
            if bins.last?.days != span { bins.append(StatsBinTotals(days: span, nights: 0, counters: [:])) }
            let i = bins.count - 1
            bins[i].nights += 1
            for (column, value) in night.counters {
                // A night without the value keeps the sum so far (nil when there is none yet).
                let sum = bins[i].counters[column] ?? nil
                bins[i].counters[column] = .some(value.map { (sum ?? 0) + $0 } ?? sum)
            }
        }
        return bins
    }
}
