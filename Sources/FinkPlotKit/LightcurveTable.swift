import Foundation

/// The points of a lightcurve exactly as drawn, as CSV: the same `PlottedPoint`s the chart's
/// series were made from, so the table and the figure cannot disagree.
///
/// Columns: `objectId, band, tag, candid, mjd, <x>, <y>, y_err`, where `<x>` names the time
/// axis (`x_mjd`, `x_utc`, `x_days_since_first`, `x_days_since_t0`) and `<y>` the quantity
/// (`y_diffmag`, `y_dcmag`, `y_flux_mjy`). An upper limit's `<y>` is the limit (a magnitude, or a flux in mJy) and
/// has no error; `candid` is empty for upper limits and bad-quality rows (the API sends −1).
public enum LightcurveTable {
    public static func csv(_ lightcurve: Lightcurve, objectId: String) -> String {
        let xName: String = switch lightcurve.options.time {
        case .mjd: "x_mjd"
        case .date: "x_utc"
        case .sinceFirst: "x_days_since_first"
        case .sinceT0: "x_days_since_t0"
        }
        let yName = switch lightcurve.options.y {
        case .differenceMagnitude: "y_diffmag"
        case .apparentMagnitude: "y_dcmag"
        case .differenceFlux: "y_flux_mjy"
        }
        var out = "objectId,band,tag,candid,mjd,\(xName),\(yName),y_err\n"
        for p in lightcurve.points {
            let x = lightcurve.options.time == .date ? TimeParsing.utcString(mjd: p.mjd, seconds: true) : number(p.x)
            let fields = [objectId, p.band, p.tag.rawValue, p.candid.map(String.init) ?? "", number(p.mjd), x,
                          number(p.y), p.yError.map(number) ?? ""]
            out += fields.map(CSVWriter.field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Shortest text that reads back as the same Double (Swift's description), never exponent
    /// notation for the values a lightcurve has.
    static func number(_ v: Double) -> String {
        if abs(v) >= 1e-4 || v == 0 { return "\(v)" }
        return String(format: "%.10g", v)
    }
}
