import FlyingFox
import Foundation

/// `/api/v1/objects`: the ZTF lightcurve route, with the live server's argument handling.
extension FixtureServer {
    static func objects(_ args: [String: String], state: State) async -> Answer {
        guard let idArgument = args["objectId"] else {
            return .pythonError("A value for `objectId` is required. See \(docURL) \n")
        }
        let format = args["output-format"] ?? "json"
        guard format == "json" else {
            if ["csv", "votable", "parquet"].contains(format) {
                return .text(501, "FixtureServer serves output-format json only, not \(format)")
            }
            return .pythonError("Output format `\(format)` is not supported. Choose among json, csv, parquet, or votable. See \(docURL) \n")
        }
        let withUpperLimits = args["withupperlim"] == "True"
        let withCutouts = args["withcutouts"] == "True"
        let kind = args["cutout-kind"]
        if withCutouts, let kind, !["Science", "Template", "Difference"].contains(kind) {
            return .pythonError("`cutout-kind` must be `Science`, `Template`, or `Difference`, not `\(kind)`. See \(docURL) \n")
        }
        let columns = columnList(args)
        if withUpperLimits, let columns, !columns.contains("i:jd") {
            return .serverError("KeyError: 'i:jd'")
        }

        // A prefix scan per id, as the real lookup: "ZTF21" would match every ZTF21 object.
        let parts = idArgument.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let objects = await state.objects
        var matched = Set<String>()
        for part in parts {
            for id in objects.keys where id.hasPrefix(part) { matched.insert(id) }
        }
        var rows = matched.flatMap { objects[$0] ?? [] }
        rows.sort { ($0["i:jd"]?.doubleValue ?? -.infinity) > ($1["i:jd"]?.doubleValue ?? -.infinity) }

        var cutouts = 0
        let stampColumns = ["Science", "Template", "Difference"].map { "b:cutout\($0)_stampData" }
        let keptStamps = withCutouts ? (kind.map { ["b:cutout\($0)_stampData"] } ?? stampColumns) : []
        // `v:` values are computed at query time only for full rows: with a column list the live
        // server sends none of them, even when asked by name.
        let keep = columns.map { Set($0.filter { !$0.hasPrefix("v:") } + (withUpperLimits ? ["d:tag"] : []) + keptStamps) }
        let answer: [FixtureJSON] = rows.compactMap { row in
            let tag = row["d:tag"]?.stringValue ?? "valid"
            if !withUpperLimits && tag != "valid" { return nil }
            var out = row
            if !withUpperLimits { out["d:tag"] = nil }
            if let keep { out = out.filter { keep.contains($0.key) } }
            for column in stampColumns where !keptStamps.contains(column) { out[column] = nil }
            // The live server fetches stamps of every valid alert, one by one.
            if tag == "valid" { cutouts += keptStamps.count }
            return .object(out)
        }
        return .json(.array(answer), cutouts: cutouts)
    }
}
