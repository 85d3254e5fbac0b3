import FlyingFox
import Foundation

/// `/api/v1/anomaly`: registered rows, newest first, with `n` and inclusive dates.
extension FixtureServer {
    static func anomaly(_ args: [String: String], state: State) async -> Answer {
        if let format = args["output-format"], format != "json" {
            return .text(501, "FixtureServer serves output-format json only, not \(format)")
        }
        let nText = args["n"] ?? "10"
        guard let n = Int(nText) else { return .serverError("ValueError: invalid literal for int() with base 10: '\(nText)'") }
        // Julian dates of the window's edges: start_date at 00:00, the day after stop_date at 00:00.
        var lower = -Double.infinity, upper = Double.infinity
        for (name, isStart) in [("start_date", true), ("stop_date", false)] {
            guard let text = args[name] else { continue }
            guard let days = daysSinceEpoch(iso: text) else {
                return .serverError("ValueError: Input values did not match the format class iso: \(text)")
            }
            if isStart { lower = days + 2_440_587.5 } else { upper = days + 1 + 2_440_587.5 }
        }
        var rows = await state.anomaly.filter { row in
            guard let jd = row["i:jd"]?.doubleValue else { return false }
            return jd >= lower && jd < upper
        }
        rows.sort { ($0["i:jd"]?.doubleValue ?? -.infinity) > ($1["i:jd"]?.doubleValue ?? -.infinity) }
        rows = Array(rows.prefix(max(0, n)))
        if let columns = columnList(args).map(Set.init) {
            rows = rows.map { $0.filter { columns.contains($0.key) } }
        }
        return .json(.array(rows.map { .object($0) }))
    }

    /// `/api/v1/statistics`: nights whose key starts with `ztf_` + `date` (so `""` is every night),
    /// ascending; `columns` keeps those plus `key:key` and `key:time`.
}
