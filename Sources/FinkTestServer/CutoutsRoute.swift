import FlyingFox
import Foundation

/// `/api/v1/cutouts` (ZTF): registered raw answers by objectId and candid.
extension FixtureServer {
    static func cutouts(_ args: [String: String], state: State) async -> Answer {
        guard let id = args["objectId"] else {
            return .pythonError("A value for `objectId` is required. See \(docURL) \n")
        }
        guard let kind = args["kind"] else {
            return .pythonError("A value for `kind` is required. See \(docURL) \n")
        }
        guard ["Science", "Template", "Difference", "All"].contains(kind) else {
            return .pythonError("`kind` must be `Science`, `Template`, `Difference` or `All`, not `\(kind)`. See \(docURL) \n")
        }
        let format = args["output-format"] ?? "PNG"
        guard format == "array" else {
            if kind == "All" { return .pythonError("`kind: All` is only available with `output-format: array`. See \(docURL) \n") }
            return .text(501, "FixtureServer serves output-format array only, not \(format)")
        }
        let registered = await state.cutouts[id] ?? [:]
        let candid: Int64?
        if let text = args["candid"] {
            guard let value = Int64(text) else { return .serverError("ValueError: invalid candid \(text)") }
            candid = value
        } else {
            candid = registered.keys.max()
        }
        guard let candid, let body = registered[candid] else {
            return .serverError("IndexError: no alert \(args["candid"] ?? "") for \(id)")
        }
        if kind == "All" {
            return Answer(status: 200, headers: ["Content-Type": "application/json"], body: body, cutoutsServed: 3)
        }
        let column = "b:cutout\(kind)_stampData"
        guard let all = try? FixtureJSON(parsing: body), let stamp = all[column] else {
            return .serverError("KeyError: '\(column)'")
        }
        return .json([column: stamp], cutouts: 1)
    }

    /// `/api/v1/anomaly`: `n` (default 10) newest alerts with `start_date` ≤ day of `i:jd` ≤
    /// `stop_date` (inclusive, `YYYY-MM-DD`, UTC days), `columns` keeping only those.
}
