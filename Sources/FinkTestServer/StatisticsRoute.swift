import FlyingFox
import Foundation

/// `/api/v1/statistics`: registered nights, prefix-matched on `date`.
extension FixtureServer {
    static func statistics(_ args: [String: String], state: State) async -> Answer {
        guard let date = args["date"] else {
            return .pythonError("A value for `date` is required. See \(docURL) \n")
        }
        if let format = args["output-format"], format != "json" {
            return .text(501, "FixtureServer serves output-format json only, not \(format)")
        }
        let prefix = "ztf_" + date
        var rows = await state.statistics.filter { ($0["key:key"]?.stringValue ?? "").hasPrefix(prefix) }
        rows.sort { ($0["key:key"]?.stringValue ?? "") < ($1["key:key"]?.stringValue ?? "") }
        if let columns = columnList(args) {
            let keep = Set(columns).union(["key:key", "key:time"])
            rows = rows.map { $0.filter { keep.contains($0.key) } }
        }
        return .json(.array(rows.map { .object($0) }))
    }

    /// The `columns` argument, split as the server does (comma-separated, trimmed); nil when absent.
}
