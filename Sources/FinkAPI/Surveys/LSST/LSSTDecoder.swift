import Foundation

/// Turns Fink/LSST answers (`/sources`, `/fp`, `/objects`, `/cutouts`) into survey-neutral
/// `ObjectData`, for the API client and saved answers alike.
public enum LSSTDecoder {
    /// The server's row limit per id and route (`NLIMIT`): it keeps the *oldest* rows.
    public static let rowLimit = 10_000

    /// The rows of a JSON answer, and those skipped for lack of `r:midpointMjdTai` or `r:band`
    /// (a point without a time or band cannot be drawn).
    public struct Decoded<Row: Sendable & Equatable>: Sendable, Equatable {
        public var rows: [Row]
        public var skippedRows: [SkippedRow]
    }

    public struct SkippedRow: Sendable, Equatable {
        /// The row's index in the answer.
        public var index: Int
        public var diaObjectId: Int64?
    }

    /// An `/api/v1/sources` or `/api/v1/fp` answer. Throws `.decoding` naming `source` for an
    /// empty body, an error object instead of rows, invalid JSON or an unreadable cell.
    public static func photometryRows(_ data: Data, source: String) throws(FinkError) -> Decoded<LSSTPhotometryRow> {
        let data = try JSONText.rowsAnswer(data, source: source)
        let all = try JSONText.decode([PhotometryRowDTO].self, from: data, source: source)
        // An id written as a float past 2^53 decodes as a neighbour of the real id: the literal
        // shows it, and the alert is drawn without an id rather than asked for by a wrong one.
        let floatIds = JSONText.floatLiteralRows(of: LSSTColumn.diaSourceId, in: data)
        var decoded = Decoded<LSSTPhotometryRow>(rows: [], skippedRows: [])
        decoded.rows.reserveCapacity(all.count)
        for (index, dto) in all.enumerated() {
            if dto.row.midpointMjdTai == nil || dto.row.band == nil {
                decoded.skippedRows.append(SkippedRow(index: index, diaObjectId: dto.row.diaObjectId))
            } else {
                var row = dto.row
                if floatIds.contains(index), row.diaSourceId != nil {
                    row.diaSourceId = nil
                    row.problems.append("\(LSSTColumn.diaSourceId) was sent as a floating-point number, whose digits past 2^53 cannot be trusted")
                }
                // Each problem names its row: index and time, to find it again.
                let mjd = row.midpointMjdTai.map { abs($0) < 1e7 ? String(format: "%.5f", $0) : "\($0)" } ?? "?"
                let place = "row \(index) at MJD \(mjd) TAI (\(row.band ?? "?"))"
                row.problems = row.problems.map { "\(place): \($0), so this alert is drawn without an id and has no stamps" }
                // A position no sky has would move the card's median position: left out, and named.
                if let problem = SkyPosition.problem(ra: row.ra, dec: row.dec, raName: LSSTColumn.ra, decName: LSSTColumn.dec) {
                    row.ra = nil
                    row.dec = nil
                    row.problems.append("\(place): \(problem); its position is left out")
                }
                decoded.rows.append(row)
            }
        }
        return decoded
    }

    /// An `/api/v1/objects` answer: one row per diaObject.
    public static func objectRows(_ data: Data, source: String) throws(FinkError) -> [LSSTObjectRow] {
        let data = try JSONText.rowsAnswer(data, source: source)
        return try JSONText.decode([ObjectRowDTO].self, from: data, source: source).map(\.row)
    }

    /// A `/api/v1/cutouts` answer with `output-format: array`: `{"b:cutoutScience": [[...]], ...}`,
    /// rows in FITS order, bare `NaN` tokens allowed. An empty body (the server's answer for an
    /// unknown diaSourceId) is no stamps; a kind absent, `null` or `[]` is left out.
    public static func stamps(fromArrayAnswer data: Data, source: String) throws(FinkError) -> [StampKind: Stamp] {
        if JSONText.firstSignificantByte(of: data) == nil { return [:] }
        let data = JSONText.replacingNonStandardNumbers(in: data)
        guard JSONText.firstSignificantByte(of: data) == UInt8(ascii: "{") else {
            throw .decoding(source: source, message: "expected a JSON object of stamps, found: \(JSONText.excerpt(data))")
        }
        let answer = try JSONText.decode(ArrayStamps.self, from: data, source: source)
        return answer.stamps
    }

    // MARK: Rows to points

    /// Detections of `/sources` rows (`alertId` = diaSourceId) or forced points of `/fp` rows,
    /// newest first. Fluxes in nJy: difference = psfFlux, total = scienceFlux.
    public static func points(_ rows: [LSSTPhotometryRow], kind: PointKind) -> [PhotometryPoint] {
        var points: [PhotometryPoint] = []
        points.reserveCapacity(rows.count)
        for row in rows {
            guard let mjd = row.midpointMjdTai, let band = row.band else { continue }
            points.append(PhotometryPoint(
                mjd: mjd, band: band, kind: kind,
                alertId: kind == .detection ? row.diaSourceId : nil,
                differenceFlux: row.psfFlux.map { PhotometricValue($0, error: row.psfFluxErr, unit: .nanojansky) },
                totalFlux: row.scienceFlux.map { PhotometricValue($0, error: row.scienceFluxErr, unit: .nanojansky) },
                isNegative: row.psfFlux.map { $0 < 0 }))
        }
        return sortedNewestFirst(points)
    }

    /// Newest first; at one time detections before forced points, then by alert id, so the order
    /// never depends on the server's (which is random without `r:midpointMjdTai`).
    static func sortedNewestFirst(_ points: [PhotometryPoint]) -> [PhotometryPoint] {
        points.sorted { a, b in
            if a.mjd != b.mjd { return a.mjd > b.mjd }
            if a.kind != b.kind { return a.kind < b.kind }
            return (a.alertId ?? .min) > (b.alertId ?? .min)
        }
    }

    /// The rows of each id: a comma-list answer mixes objects. Rows of ids not asked for are
    /// dropped (the server's prefix scan can return a longer id sharing the prefix); a row
    /// without `r:diaObjectId` is kept only when a single id was asked.
    public static func split(_ rows: [LSSTPhotometryRow], ids: [Int64]) -> [Int64: [LSSTPhotometryRow]] {
        let wanted = Set(ids)
        var byId: [Int64: [LSSTPhotometryRow]] = [:]
        for row in rows {
            guard let id = row.diaObjectId ?? (ids.count == 1 ? ids[0] : nil), wanted.contains(id) else { continue }
            byId[id, default: []].append(row)
        }
        return byId
    }

    // MARK: Object data

    /// What one route said about one object, for `objectData`.
    public struct RouteRows: Sendable {
        public var rows: [LSSTPhotometryRow]
        /// Rows of this object the answer held, skipped ones included.
        public var answerCount: Int
        public var skipped: Int
        /// `/sources` or `/fp`, as notes name the route.
        public var route: String

        public init(rows: [LSSTPhotometryRow], answerCount: Int, skipped: Int, route: String) {
            self.rows = rows; self.answerCount = answerCount; self.skipped = skipped; self.route = route
        }

    }

    /// Each asked id's rows of one route's answer, split as `split` does, with its skipped rows.
    /// An id the answer does not mention gets empty `RouteRows` (`answerCount` 0).
    public static func routeRows(_ decoded: Decoded<LSSTPhotometryRow>, ids: [Int64], route: String) -> [Int64: RouteRows] {
        let rows = split(decoded.rows, ids: ids)
        var skipped: [Int64: Int] = [:]
        for row in decoded.skippedRows {
            if let id = row.diaObjectId ?? (ids.count == 1 ? ids[0] : nil) { skipped[id, default: 0] += 1 }
        }
        var result: [Int64: RouteRows] = [:]
        for id in ids {
            let kept = rows[id] ?? [], dropped = skipped[id] ?? 0
            result[id] = RouteRows(rows: kept, answerCount: kept.count + dropped, skipped: dropped, route: route)
        }
        return result
    }

    /// One object's data from its `/sources` and `/fp` rows and, when fetched, its `/objects` row.
    /// `summaryFetched` says `/objects` was asked (the card's needs), even if it had no row.
    public static func objectData(key: ObjectKey, sources: RouteRows, forced: RouteRows?, object: LSSTObjectRow?,
                                  summaryFetched: Bool) -> ObjectData {
        var notes: [String] = []
        for route in [sources, forced].compactMap({ $0 }) {
            // The server keeps the oldest rows of a longer history and says nothing.
            if route.answerCount == rowLimit {
                let what = route.route == "/sources" ? "alerts" : "forced points"
                notes.append("the API returned \(grouped(rowLimit)) \(route.route) rows, its limit: the newest \(what) may be missing")
            }
            if route.skipped > 0 {
                notes.append("\(route.skipped) \(route.route) row\(route.skipped == 1 ? "" : "s") without a time or band skipped")
            }
            let problems = route.rows.flatMap(\.problems)
            notes += problems.prefix(3).map { "\(route.route) \($0)" }
            if problems.count > 3 { notes.append("\(problems.count - 3) more \(route.route) rows like these") }
        }
        if summaryFetched && object == nil {
            notes.append("no /objects summary for this object")
        }
        var object = object
        if let row = object, let problem = SkyPosition.problem(ra: row.ra, dec: row.dec, raName: LSSTColumn.ra, decName: LSSTColumn.dec) {
            // The card falls back to the diaSources' median position, as without a summary.
            object?.ra = nil
            object?.dec = nil
            notes.append("/objects: \(problem); the position shown is the diaSources' median")
        }
        let points = sortedNewestFirst(points(sources.rows, kind: .detection) + points(forced?.rows ?? [], kind: .forced))
        return ObjectData(key: key, points: points, timeScale: .tai,
                          summary: summary(object: object, sources: sources.rows),
                          hasFullSummary: summaryFetched, notes: notes)
    }

    /// Position, CATS class and cross-match from the `/objects` row; without it, the median
    /// position of the diaSources.
    public static func summary(object: LSSTObjectRow?, sources: [LSSTPhotometryRow]) -> ObjectSummary {
        var summary = ObjectSummary()
        if let ra = object?.ra, let dec = object?.dec {
            summary.ra = ra
            summary.dec = dec
        } else if let (ra, dec) = medianPosition(sources) {
            summary.ra = ra
            summary.dec = dec
        }
        guard let object else { return summary }
        summary.classification = object.mainLabelClassifier.map(catsClassName)
        summary.crossmatch = object.mainLabelCrossmatch.flatMap(meaningful)
        // Rubin's count of the object's diaSources, which can exceed the alerts Fink served.
        if let n = object.nDiaSources { summary.facts.append(ObjectFact("diaSources", String(n))) }
        let reason = object.observationReason.flatMap(meaningful)
        let target = object.targetName.flatMap(meaningful)
        // The target usually repeats the reason ("ddf_edfs_b" and "ddf_edfs_b, lowdust"): say it once.
        if let target, let reason, target.hasPrefix(reason) {
            summary.facts.append(ObjectFact("Target", target))
        } else {
            if let reason { summary.facts.append(ObjectFact("Observation reason", reason)) }
            if let target { summary.facts.append(ObjectFact("Target", target)) }
        }
        return summary
    }

    /// Fink's CATS classes (lsst.fink-portal.org apps/utils.py `cats_type_converter`, v1.7;
    /// fink-broker sets `main_label_classifier` to `cats_class`).
    public static let catsClasses: [Int64: String] = [
        -1: "Unknown",
        11: "SN-like",
        12: "Fast",
        13: "Long",
        21: "Periodic",
        22: "Non-periodic",
    ]

    public static func catsClassName(_ code: Int64) -> String {
        catsClasses[code] ?? "CATS class \(code)"
    }

    /// 10000 → "10,000".
    static func grouped(_ n: Int) -> String {
        var digits = String(n.magnitude), out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return (n < 0 ? "-" : "") + digits + out
    }

    /// nil for labels that say nothing (`"nan"` is already gone by the cell rules).
    static func meaningful(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return Cell.isPlaceholder(t) ? nil : t
    }

    /// The median RA and Dec of the rows with both. RA offsets are taken from the smallest RA
    /// (any RA of the object would do), so an object at RA ≈ 0° does not come out at 180°, and
    /// the result does not depend on the rows' order.
    static func medianPosition(_ rows: [LSSTPhotometryRow]) -> (Double, Double)? {
        let positions = rows.compactMap { r -> (Double, Double)? in
            guard let ra = r.ra, let dec = r.dec else { return nil }
            return (ra, dec)
        }
        guard let reference = positions.map(\.0).min() else { return nil }
        func median(_ values: [Double]) -> Double {
            let s = values.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let offsets = positions.map { ($0.0 - reference + 540).truncatingRemainder(dividingBy: 360) - 180 }
        var ra = (reference + median(offsets)).truncatingRemainder(dividingBy: 360)
        if ra < 0 { ra += 360 }
        return (ra, median(positions.map(\.1)))
    }
}

extension StampKind {
    /// The key of this stamp in a Fink/LSST `/cutouts` array answer (ZTF's has `_stampData`).
    var lsstColumn: String { "b:cutout\(rawValue)" }
}

/// `{"b:cutoutDifference": [[...]], "b:cutoutScience": [[...]], "b:cutoutTemplate": [[...]]}`.
private struct ArrayStamps: Decodable {
    var stamps: [StampKind: Stamp] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for kind in StampKind.allCases {
            let key = AnyKey(kind.lsstColumn)
            guard container.contains(key), try !container.decodeNil(forKey: key) else { continue }
            let stamp = Stamp(rows: try container.decode([[Double?]].self, forKey: key))
            if stamp.width > 0 && stamp.height > 0 { stamps[kind] = stamp }
        }
    }
}
