import FinkAPI
import Foundation

/// The points of a lightcurve exactly as drawn, as CSV: the same `PlottedPoint`s the chart's
/// series were made from, so the table and the figure cannot disagree.
///
/// Columns: `<objectId>, band, tag, <alert id>, mjd, <x>, <y>, y_err`, where the id columns are
/// named as the survey names them (ZTF `objectId`, `candid`; Rubin `diaObjectId`,
/// `diaSourceId`), `<x>` names the time axis (`x_mjd`, `x_utc`, `x_days_since_first`,
/// `x_days_since_t0`) and `<y>` the quantity (`y_diffmag`, `y_dcmag`, `y_mag`, `y_flux_mjy`,
/// `y_flux_ujy`). An upper limit's `<y>` is the limit (a magnitude, or a flux) and has no error;
/// the alert id is empty for limits, forced points and bad-quality rows. `mjd` is in the survey's
/// time scale (TAI for Rubin); `x_utc` is UTC.
public enum LightcurveTable {
    public static func csv(_ lightcurve: Lightcurve, objectId: String) -> String {
        var out = header(lightcurve).joined(separator: ",") + "\n"
        for fields in rows(lightcurve, objectId: objectId) {
            out += fields.map(CSVWriter.field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The column names (plain names: no field needs quoting).
    public static func header(_ lightcurve: Lightcurve) -> [String] {
        let profile = Surveys.profile(lightcurve.survey)
        let xName: String = switch lightcurve.options.time {
        case .mjd: "x_mjd"
        case .date: "x_utc"
        case .sinceFirst: "x_days_since_first"
        case .sinceT0: "x_days_since_t0"
        }
        let yName = switch lightcurve.quantity {
        case .differenceMagnitude: "y_diffmag"
        case .apparentMagnitude: "y_dcmag"
        case .totalMagnitude: "y_mag"
        case .differenceFlux: lightcurve.fluxUnit == .microjansky ? "y_flux_ujy" : "y_flux_\(lightcurve.fluxUnit.rawValue.lowercased())"
        }
        let idName = profile?.idName ?? "objectId", alertName = profile?.alertIdName ?? "alertId"
        return [idName, "band", "tag", alertName, "mjd", xName, yName, "y_err"]
    }

    /// One row of unquoted fields per drawn point, in the order of `header`.
    public static func rows(_ lightcurve: Lightcurve, objectId: String) -> [[String]] {
        lightcurve.points.map { p in
            let x = lightcurve.options.time == .date
                ? TimeParsing.utcString(mjd: lightcurve.timeScale.utcMJD(p.mjd), seconds: true) : number(p.x)
            return [objectId, p.band, p.tagName, p.alertId.map(String.init) ?? "", number(p.mjd), x,
                    number(p.y), p.yError.map(number) ?? ""]
        }
    }

    /// Shortest text that reads back as the same Double (Swift's description), never exponent
    /// notation for the values a lightcurve has.
    static func number(_ v: Double) -> String {
        if abs(v) >= 1e-4 || v == 0 { return "\(v)" }
        return String(format: "%.10g", v)
    }
}
