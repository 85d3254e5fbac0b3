import Foundation

/// A calendar day (proleptic Gregorian, UTC), checked before it is sent anywhere.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (what `/anomaly` takes as `start_date`/`stop_date`). `name` is the
    /// setting named in the error (`--since`).
    public init(iso text: String, name: String) throws(FinkError) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { throw FinkError.invalidSetting(name: name, value: text, reason: "expected a date YYYY-MM-DD, such as 2021-03-14") }
        guard let date = CivilDate(year: y, month: m, day: d) else {
            throw FinkError.invalidSetting(name: name, value: text, reason: "there is no such day")
        }
        self = date
    }

    /// Parses `YYYYMMDD` (the night in `/statistics` keys, `ztf_20210314`).
    public init?(compact text: some StringProtocol) {
        guard text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let y = Int(text.prefix(4)), let m = Int(text.dropFirst(4).prefix(2)), let d = Int(text.suffix(2))
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The UTC day holding `daysSinceUnixEpoch` (fractions belong to their day).
    public init(daysSinceUnixEpoch days: Double) {
        // Howard Hinnant's civil_from_days.
        let z = Int(days.rounded(.down)) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// Days from 1970-01-01 (Howard Hinnant's days_from_civil): the unit of calendar axes.
    public var daysSinceUnixEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2021-03-14`.
    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
    /// `20210314`.
    public var compact: String { String(format: "%04d%02d%02d", year, month, day) }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Julian date ↔ Unix time, for alert dates.
public enum JulianDate {
    /// JD of 1970-01-01T00:00 UTC.
    public static let unixEpoch = 2_440_587.5
    /// JD − MJD: the one place this offset is written.
    public static let mjdOffset = 2_400_000.5

    /// The MJD of a Julian date.
    public static func mjd(jd: Double) -> Double { jd - mjdOffset }

    public static func daysSinceUnixEpoch(jd: Double) -> Double { jd - unixEpoch }

    /// `2026-03-12T12:53:42Z`, to the second.
    public static func isoString(jd: Double) -> String {
        let days = jd - unixEpoch
        let date = CivilDate(daysSinceUnixEpoch: days)
        let seconds = Int(((days - days.rounded(.down)) * 86400).rounded())
        // Rounding can reach the next day's midnight: carry it.
        if seconds >= 86400 {
            return isoString(jd: (jd - unixEpoch).rounded(.down) + 1 + unixEpoch)
        }
        return date.description + String(format: "T%02d:%02d:%02dZ", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}

/// The `date` argument of `/statistics`: `YYYY`, `YYYYMM`, `YYYYMMDD`, or empty for every night.
/// The server matches it as a prefix of the night key, so a malformed value would silently select
/// nothing (or everything): it is checked here.
public struct StatisticsDate: Sendable, Equatable, CustomStringConvertible {
    public let rawValue: String

    public init(validating text: String, name: String = "--date") throws(FinkError) {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "")
        func fail(_ reason: String) -> FinkError { .invalidSetting(name: name, value: text, reason: reason) }
        guard t.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw fail("expected YYYY, YYYYMM or YYYYMMDD (digits only), or empty for all nights") }
        switch t.count {
        case 0, 4: break
        case 6:
            guard let m = Int(t.suffix(2)), (1...12).contains(m) else { throw fail("there is no month \(t.suffix(2))") }
        case 8:
            guard CivilDate(compact: t) != nil else { throw fail("there is no such day") }
        default:
            throw fail("expected YYYY, YYYYMM or YYYYMMDD (\(t.count) digits given), or empty for all nights")
        }
        rawValue = t
    }

    public static let allNights = try! StatisticsDate(validating: "")

    public var description: String { rawValue.isEmpty ? "all nights" : rawValue }
}

/// Numbers as people type them, in messages, option lines and tables.
public enum NumberText {
    /// `60`, `150`, not `150.0`; `0.5` and `72.5` as they are (a sub-second timeout must not print as
    /// "0 s"). Non-finite values as Swift writes them.
    public static func plain(_ v: Double) -> String {
        v.isFinite && v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
