import FinkAPI
import Foundation

/// A cutout grid's rows as CSV (`cutouts --table`): one row per alert drawn, with what its label
/// says and the size of each stamp drawn (empty: no such stamp).
///
/// Columns: `<objectId>, <alert id>, band, mjd, x_utc, mag, mag_err, fainter_than_reference,
/// science_px, template_px, difference_px`, the ids named as the survey names them; `mag` is the
/// label's magnitude (ZTF `magpsf`, Rubin's science-flux magnitude); `mjd` is in the survey's
/// time scale, `x_utc` in UTC.
public enum CutoutTable {
    public static func header(survey: Survey) -> [String] {
        let profile = Surveys.profile(survey)
        return [profile?.idName ?? "objectId", profile?.alertIdName ?? "alertId", "band", "mjd", "x_utc", "mag", "mag_err",
                "fainter_than_reference"] + StampKind.allCases.map { "\($0.rawValue.lowercased())_px" }
    }

    public static func rows(_ rows: [CutoutRow]) -> [[String]] {
        rows.map { row in
            let a = row.alert
            let m: PhotometricValue? = a.magnitude ?? a.totalFlux?.asMagnitude
            let timed = a.mjd.isFinite
            let mjd: String = timed ? LightcurveTable.number(a.mjd) : ""
            let utc: String = timed ? TimeParsing.utcString(mjd: row.timeScale.utcMJD(a.mjd), seconds: true) : ""
            let mag: String = m.map { LightcurveTable.number($0.value) } ?? ""
            let magError: String = m?.error.map { LightcurveTable.number($0) } ?? ""
            let negative: String = a.isNegative.map { $0 ? "true" : "false" } ?? ""
            var fields: [String] = [row.object.id, a.alertId.map { String($0) } ?? "", a.band, mjd, utc, mag, magError, negative]
            for kind in StampKind.allCases {
                fields.append(row.stamps[kind].map { "\($0.width)x\($0.height)" } ?? "")
            }
            return fields
        }
    }

    /// Adds `rows` (one object's) to `table`.
    static func add(_ rows: [CutoutRow], of key: ObjectKey, to table: PointTable?) {
        table?.add(key, header: header(survey: key.survey), rows: self.rows(rows))
    }
}
