import FinkAPI
import Foundation

public enum LightcurveOptionError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(option: String, value: String, expected: String)
    case conflict(String)

    public var description: String {
        switch self {
        case let .invalid(option, value, expected): "\(option) '\(value)': expected \(expected)"
        case let .conflict(message): message
        }
    }
}

/// What the x axis counts. Every mode plots the same instants; only the numbers differ.
public enum TimeAxisMode: Sendable, Equatable {
    /// Modified Julian date.
    case mjd
    /// Calendar date and time, UTC.
    case date
    /// Days since the object's first valid alert.
    case sinceFirst
    /// Days since the given MJD.
    case sinceT0(Double)

    public static let names = "mjd, date, since-first or since-t0"

    /// The name the command line and specs use.
    public var name: String {
        switch self {
        case .mjd: "mjd"
        case .date: "date"
        case .sinceFirst: "since-first"
        case .sinceT0: "since-t0"
        }
    }

    /// `mjd`, `date`, `since-first`, `since-t0` (which needs `t0`).
    public init(parsing name: String, t0: Double?, option: String = "--time") throws(LightcurveOptionError) {
        switch name.lowercased() {
        case "mjd": self = .mjd
        case "date", "utc": self = .date
        case "since-first", "first": self = .sinceFirst
        case "since-t0", "t0":
            guard let t0 else { throw .conflict("\(option) since-t0 needs --t0 MJD") }
            self = .sinceT0(t0)
        default: throw .invalid(option: option, value: name, expected: TimeAxisMode.names)
        }
    }
}

/// What the y axis shows. Each survey offers some of these (`SurveyFigures.quantities`).
public enum YQuantity: String, Sendable, CaseIterable {
    /// Magnitude on the difference image (inverted axis): ZTF `magpsf`; Rubin's `psfFlux` as a
    /// magnitude where S/N ≥ 5, forced photometry below that as 5σ upper limits.
    case differenceMagnitude = "diffmag"
    /// Apparent (DC) magnitude of reference plus difference flux, where a reference source lies
    /// under the alert (ZTF; inverted axis).
    case apparentMagnitude = "dcmag"
    /// Difference flux, negative when fainter than the template (normal axis; mJy for ZTF, µJy
    /// for Rubin). `diffflux` is accepted as another name.
    case differenceFlux = "flux"
    /// Magnitude of the science-image flux (Rubin `scienceFlux`, Fink's LSST Portal default;
    /// inverted axis).
    case totalMagnitude = "mag"

    public init(parsing name: String) throws(LightcurveOptionError) {
        let n = name.lowercased()
        guard let q = YQuantity(rawValue: n == "diffflux" ? "flux" : n) else {
            throw .invalid(option: "--y", value: name, expected: "mag, diffmag, dcmag, flux or diffflux")
        }
        self = q
    }

    public var isMagnitude: Bool { self != .differenceFlux }
}

/// Everything that shapes a lightcurve besides the style.
public struct LightcurveOptions: Sendable, Equatable {
    public var time: TimeAxisMode = .mjd
    /// A secondary x axis along the top, in another time unit; nil for plain mirrored ticks.
    public var topAxis: TimeAxisMode?
    /// nil: the survey's default (ZTF diffmag, Rubin mag).
    public var y: YQuantity?
    public var palette: BandPalette = .fink
    /// Rows before `since` or after `until` (MJD) are not drawn.
    public var since: Double?
    public var until: Double?
    /// Marker size in points, fixed; nil: the style's, shrunk for dense data (`MarkerDensity`).
    public var markerSize: Double?
    /// The plot area in points² the density rule assumes: the job sets it from its page.
    public var plotArea: Double = 8 * 72 * 4 * 72 * 0.55

    public init(time: TimeAxisMode = .mjd, topAxis: TimeAxisMode? = nil, y: YQuantity? = nil,
                palette: BandPalette = .fink, since: Double? = nil, until: Double? = nil, markerSize: Double? = nil) {
        self.time = time; self.topAxis = topAxis; self.y = y; self.palette = palette
        self.since = since; self.until = until; self.markerSize = markerSize
    }
}

public enum TimeParsing {
    /// MJD of 1970-01-01T00:00 UTC.
    public static let unixEpochMJD = 40_587.0

    /// The MJDs of the years 1 to 9999 (0001-01-01 to 10000-01-01): what a time axis can label.
    public static let mjdRange = -678_575.0...2_973_484.0

    /// Refuses an MJD outside `mjdRange` (or not finite), naming the option.
    public static func checkRange(_ mjd: Double, option: String) throws(LightcurveOptionError) {
        guard mjdRange.contains(mjd) else {
            throw .invalid(option: option, value: "\(mjd)",
                           expected: "an MJD between -678575 and 2973484 (the years 1 to 9999), such as 59000.5")
        }
    }

    /// An MJD (`59000.5`) or a UTC date (`2021-03-14`, `2021-03-14T12:30`, `2021-03-14T12:30:15`).
    /// With `endOfDay`, a bare date means the end of that day, so `--until 2021-03-14` keeps it.
    public static func mjd(_ text: String, option: String, endOfDay: Bool = false) throws(LightcurveOptionError) -> Double {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let v = Double(t), v.isFinite { return v }
        let bad = LightcurveOptionError.invalid(option: option, value: text, expected: "an MJD such as 59000.5 or a UTC date YYYY-MM-DD[THH:MM[:SS]]")
        let parts = t.split(separator: "T", maxSplits: 1)
        guard let datePart = parts.first else { throw bad }
        let ymd = datePart.split(separator: "-").map { Int($0) }
        guard ymd.count == 3, let y = ymd[0], let m = ymd[1], let d = ymd[2], (1...12).contains(m), (1...31).contains(d) else {
            throw bad
        }
        var seconds = 0.0
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":").map { Double($0) }
            guard (2...3).contains(hms.count), hms.allSatisfy({ $0 != nil }) else { throw bad }
            let h = hms[0]!, mi = hms[1]!, s = hms.count == 3 ? hms[2]! : 0
            guard (0..<24).contains(h), (0..<60).contains(mi), (0..<61).contains(s) else { throw bad }
            seconds = h * 3600 + mi * 60 + s
        } else if endOfDay {
            seconds = 86_400
        }
        // The calendar arithmetic lives in FinkAPI's CivilDate (it also checks dates sent to the API).
        guard let day = CivilDate(year: y, month: m, day: d) else { throw bad }
        return unixEpochMJD + Double(day.daysSinceUnixEpoch) + seconds / 86_400
    }

    /// `2021-03-14T06:00` (UTC) for an MJD, or `2021-03-14T06:00:07` with `seconds`.
    public static func utcString(mjd: Double, seconds: Bool = false) -> String {
        // Beyond a few million years the calendar means nothing (and Int would overflow): say the MJD.
        guard mjd.isFinite, abs(mjd) < 1e9 else { return "MJD \(mjd)" }
        let unit = seconds ? 86_400.0 : 1440.0
        let total = Int(((mjd - unixEpochMJD) * unit).rounded())
        let days = Int((Double(total) / unit).rounded(.down))
        let rest = total - days * Int(unit)
        let date = CivilDate(daysSinceUnixEpoch: Double(days))
        let (y, m, d) = (date.year, date.month, date.day)
        if seconds {
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, rest / 3600, rest / 60 % 60, rest % 60)
        }
        return String(format: "%04d-%02d-%02dT%02d:%02d", y, m, d, rest / 60, rest % 60)
    }
}
