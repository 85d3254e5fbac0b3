import Foundation

/// How an axis turns its values into ticks and labels.
public enum AxisLabeling: Sendable, Equatable {
    /// Nice 1, 2, 2.5, 5 × 10^k steps (`Ticks.linear`).
    case numeric
    /// Values are days; the value `unixEpochAt` is 1970-01-01T00:00 UTC (40587 for MJD, 0 for Unix days).
    /// Ticks fall on calendar boundaries (hours, days, months, years) and read as UTC dates.
    case calendar(unixEpochAt: Double)
}

extension Ticks {
    /// The ticks `labeling` asks for over `lower...upper`, at most `maxCount` intervals.
    /// `wholeNumberSteps` applies to numeric ticks only (calendar steps are whole already).
    public static func make(_ labeling: AxisLabeling, lower: Double, upper: Double, maxCount: Int,
                            wholeNumberSteps: Bool = false) -> TickSet {
        switch labeling {
        case .numeric: linear(lower: lower, upper: upper, maxCount: maxCount, wholeNumberSteps: wholeNumberSteps)
        case let .calendar(epoch): calendar(lower: lower, upper: upper, maxCount: maxCount, unixEpochAt: epoch)
        }
    }

    /// Calendar ticks over a span of days, in UTC on the proleptic Gregorian calendar.
    ///
    /// The step is the smallest of 1, 2, 3, 6, 12 hours; 1, 2, 5, 10, 15 days; 1, 2, 3, 4, 6 months;
    /// 1, 2, 5, 10, 20, 50 … years that gives at most `maxCount` intervals. Ticks sit on boundaries
    /// (day 1, 6, 11 … of a month for 5 days; January, April … for 3 months), so they are irregular
    /// in days but read naturally. Labels carry only what the step resolves:
    /// `2021` (years), `2021-03` (months), `2021-03-14` (days), `03-14 12:00` (hours).
    /// `step` is the nominal step in days (a month counts 30.44), for spacing estimates.
    public static func calendar(lower: Double, upper: Double, maxCount: Int, unixEpochAt epoch: Double) -> TickSet {
        let lo = min(lower, upper) - epoch, hi = max(lower, upper) - epoch
        guard hi > lo, lo.isFinite, hi.isFinite, maxCount >= 1 else {
            let day = lo.isFinite ? lo.rounded(.down) : 0
            return TickSet(major: [day + epoch], minor: [], labels: [CivilDate(days: Int(day)).dayLabel], step: 1)
        }
        let span = hi - lo
        let step = CalendarStep.choose(lo: lo, hi: hi, maxCount: maxCount)
        let major = step.ticks(from: lo, to: hi)
        let minor = step.minorStep.ticks(from: lo, to: hi).filter { m in !major.contains { abs($0 - m) < 1e-9 } }
        return TickSet(major: major.map { $0 + epoch }, minor: minor.map { $0 + epoch },
                       labels: major.map { step.label(for: $0) }, step: step.nominalDays)
    }
}

extension Ticks {
    /// For calendar ticks of month or year steps, the middle of the month or year each label
    /// names: (its first day + its last day) / 2, as a night's bar is centred on its date. Nil
    /// for finer steps, whose labels name the instant of their tick.
    static func centredCalendarLabelPositions(_ ticks: TickSet, unixEpochAt epoch: Double) -> [Double]? {
        guard ticks.step >= 28 else { return nil }
        let years = ticks.step >= 365
        return ticks.major.map { tick in
            let date = CivilDate(days: Int((tick - epoch + 1e-9).rounded(.down)))
            let next = years ? CivilDate(year: date.year + 1, month: 1, day: 1)
                : date.month == 12 ? CivilDate(year: date.year + 1, month: 1, day: 1) : CivilDate(year: date.year, month: date.month + 1, day: 1)
            return (Double(date.days) + Double(next.days - 1)) / 2 + epoch
        }
    }
}

/// A date in UTC from days since 1970-01-01 (Howard Hinnant's civil-from-days, exact for any Int).
struct CivilDate: Equatable {
    var year: Int
    var month: Int   // 1...12
    var day: Int     // 1...31

    init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    init(days z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 (days-from-civil).
    var days: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    var monthLength: Int {
        let next = month == 12 ? CivilDate(year: year + 1, month: 1, day: 1) : CivilDate(year: year, month: month + 1, day: 1)
        return next.days - CivilDate(year: year, month: month, day: 1).days
    }

    var yearLabel: String { String(format: "%04d", year) }
    var monthLabel: String { String(format: "%04d-%02d", year, month) }
    var dayLabel: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

enum CalendarStep: Equatable {
    case hours(Int)
    case days(Int)
    case months(Int)
    case years(Int)

    static let candidates: [CalendarStep] =
        [1, 2, 3, 6, 12].map { .hours($0) } + [1, 2, 5, 10, 15].map { .days($0) } + [1, 2, 3, 4, 6].map { .months($0) }

    var nominalDays: Double {
        switch self {
        case let .hours(n): Double(n) / 24
        case let .days(n): Double(n)
        case let .months(n): Double(n) * 30.436875
        case let .years(n): Double(n) * 365.2425
        }
    }

    static func choose(span: Double, maxCount: Int) -> CalendarStep {
        for c in candidates where span / c.nominalDays <= Double(maxCount) { return c }
        return choosePastCandidates(span: span, maxCount: maxCount)
    }

    /// As `choose`, counting the intervals between the ticks that fall inside `lo...hi`: a year
    /// padded by a few days holds two 6-month intervals, though it spans a little more than two.
    static func choose(lo: Double, hi: Double, maxCount: Int) -> CalendarStep {
        let span = hi - lo
        for c in candidates + [.years(1)] where span / c.nominalDays <= 2 * Double(maxCount) + 2 {
            if c.ticks(from: lo, to: hi).count - 1 <= maxCount { return c }
        }
        return choose(span: span, maxCount: maxCount)
    }

    static func choosePastCandidates(span: Double, maxCount: Int) -> CalendarStep {
        // Years: 1, 2, 5 × 10^k.
        var k = 1
        while true {
            for m in [1, 2, 5] where span / (Double(m * k) * 365.2425) <= Double(maxCount) { return .years(m * k) }
            k *= 10
        }
    }

    /// A finer step for minor ticks (the step itself subdivided along calendar lines).
    var minorStep: CalendarStep {
        switch self {
        case let .hours(n): .hours(n == 12 ? 3 : 1)
        case let .days(n): n == 1 ? .hours(6) : (n >= 10 ? .days(5) : .days(1))
        case let .months(n): n == 1 ? .days(10) : .months(1)
        case let .years(n): n == 1 ? .months(3) : .years(n % 5 == 0 ? n / 5 : n / 2)
        }
    }

    /// Tick positions in days since the Unix epoch inside `lo...hi`.
    func ticks(from lo: Double, to hi: Double) -> [Double] {
        let eps = 1e-9
        var out: [Double] = []
        switch self {
        case let .hours(n):
            let step = Double(n) / 24
            var i = (lo / step - eps).rounded(.up)
            while i * step <= hi + eps { out.append(i * step); i += 1 }
        case let .days(n):
            var d = Int((lo - eps).rounded(.up))
            while Double(d) <= hi + eps {
                if n <= 2 {
                    // Uniform: month boundaries would give an odd 1-day gap after the 31st.
                    if d.isMultiple(of: n) { out.append(Double(d)) }
                } else {
                    let date = CivilDate(days: d)
                    // Day 1, 1 + n, 1 + 2n … but not so late in the month that the next 1st crowds it
                    // (a wider gap reads better than a 3-day one at the end of February).
                    let remaining = date.monthLength - date.day + 1
                    if (date.day - 1) % n == 0 && Double(remaining) >= 0.7 * Double(n) { out.append(Double(d)) }
                }
                d += 1
            }
        case let .months(n):
            let start = CivilDate(days: Int(lo.rounded(.down)))
            var y = start.year, m = start.month
            while true {
                let d = Double(CivilDate(year: y, month: m, day: 1).days)
                if d > hi + eps { break }
                if d >= lo - eps && (m - 1) % n == 0 { out.append(d) }
                m += 1
                if m > 12 { m = 1; y += 1 }
            }
        case let .years(n):
            let first = CivilDate(days: Int(lo.rounded(.down))).year
            var y = Int((Double(first) / Double(n)).rounded(.down)) * n
            while true {
                let d = Double(CivilDate(year: y, month: 1, day: 1).days)
                if d > hi + eps { break }
                if d >= lo - eps { out.append(d) }
                y += n
            }
        }
        return out
    }

    func label(for value: Double) -> String {
        let dayIndex = Int((value + 1e-9).rounded(.down))
        let date = CivilDate(days: dayIndex)
        switch self {
        case .years: return date.yearLabel
        case .months: return date.monthLabel
        case .days: return date.dayLabel
        case .hours:
            let minutes = Int(((value - Double(dayIndex)) * 1440).rounded())
            return String(format: "%02d-%02d %02d:%02d", date.month, date.day, minutes / 60, minutes % 60)
        }
    }
}
