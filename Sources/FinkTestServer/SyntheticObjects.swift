import Foundation

/// Many distinct objects made from a few real ones, for batch tests and benchmarks: each copy gets
/// its own valid ZTF id and its own candids (alert ids are unique in Fink, and caches key stamps
/// by candid).
public enum SyntheticObjects {
    /// A valid, deterministic objectId: `ZTF` + year + seven letters spelling `n` in base 26.
    public static func id(_ n: Int, year: Int = 20) -> String {
        var letters = [Character](repeating: "a", count: 7)
        var value = n
        for i in stride(from: 6, through: 0, by: -1) {
            letters[i] = Character(UnicodeScalar(UInt8(97 + value % 26)))
            value /= 26
        }
        return String(format: "ZTF%02d", year % 100) + String(letters)
    }

    /// `rows` relabelled as object `id`, every real candid shifted by `candidOffset`.
    public static func relabel(_ rows: [FixtureRow], as id: String, candidOffset: Int64) -> [FixtureRow] {
        rows.map { row in
            var row = row
            row["i:objectId"] = .string(id)
            if let text = row["i:candid"].flatMap({ if case let .number(t) = $0 { t } else { nil } }),
               let candid = Int64(text), candid > 0 {
                row["i:candid"] = .int(candid + candidOffset)
            }
            return row
        }
    }

    /// The candid of the newest valid row, as the server picks "the latest alert".
    public static func latestValidCandid(_ rows: [FixtureRow]) -> Int64? {
        rows.filter { ($0["d:tag"]?.stringValue ?? "valid") == "valid" }
            .max { ($0["i:jd"]?.doubleValue ?? 0) < ($1["i:jd"]?.doubleValue ?? 0) }
            .flatMap { row in if case let .number(t)? = row["i:candid"] { Int64(t) } else { nil } }
    }
}

extension FixtureServer {
    /// Serves `count` synthetic objects, `SyntheticObjects.id(first)`, `id(first + 1)`, ..., cycling
    /// through the rows of `files`; object k's candids are shifted by k. When `cutouts` (a
    /// `/api/v1/cutouts` `kind: All` answer) is given, it is served for each object's latest alert.
    /// `maxRows` keeps only each source's newest rows (cheaper answers when a test counts objects,
    /// not points). Returns the ids in order.
    @discardableResult
    public func loadSynthetic(count: Int, first: Int = 0, from files: [URL], cutouts: Data? = nil,
                              maxRows: Int? = nil) async throws -> [String] {
        try await loadSynthetic(count: count, first: first, rows: files.map { try Self.rows(fromFile: $0) },
                                cutouts: cutouts, maxRows: maxRows)
    }

    /// The same from rows already read (fixture files with stamps are slow to parse in debug
    /// builds: tests read them once).
    @discardableResult
    public func loadSynthetic(count: Int, first: Int = 0, rows sourceRows: [[FixtureRow]], cutouts: Data? = nil,
                              maxRows: Int? = nil) async throws -> [String] {
        let sources = sourceRows.map { rows in
            let sorted = rows.sorted { ($0["i:jd"]?.doubleValue ?? 0) > ($1["i:jd"]?.doubleValue ?? 0) }
            return maxRows.map { Array(sorted.prefix($0)) } ?? sorted
        }
        var ids: [String] = []
        guard !sources.isEmpty else { return ids }
        for k in 0..<count {
            let id = SyntheticObjects.id(first + k)
            let rows = SyntheticObjects.relabel(sources[k % sources.count], as: id, candidOffset: Int64(first + k))
            await setRows(rows, for: id)
            if let cutouts, let candid = SyntheticObjects.latestValidCandid(rows) {
                await setCutouts(cutouts, objectId: id, candid: candid)
            }
            ids.append(id)
        }
        return ids
    }
}
