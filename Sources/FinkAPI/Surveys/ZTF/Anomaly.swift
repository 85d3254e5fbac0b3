import Foundation

/// The 26 light-curve features Fink computes per band (`d:lc_features_g`, `d:lc_features_r`),
/// in the order of the arrays it sends.
public enum LightcurveFeatures {
    public static let names = [
        "mean", "weighted_mean", "standard_deviation", "median", "amplitude", "beyond_1_std", "cusum",
        "inter_percentile_range_10", "kurtosis", "linear_trend", "linear_trend_sigma", "linear_trend_noise",
        "linear_fit_slope", "linear_fit_slope_sigma", "linear_fit_reduced_chi2", "magnitude_percentage_ratio_40_5",
        "magnitude_percentage_ratio_20_10", "maximum_slope", "median_absolute_deviation",
        "median_buffer_range_percentage_10", "percent_amplitude", "mean_variance", "anderson_darling_normal",
        "chi2", "skew", "stetson_K",
    ]

    /// The features of one band: 26 values (nil where Fink sent null/NaN), or why the cell could
    /// not be read (then every value is nil). An absent or null cell is no features, not a problem.
    public struct Parsed: Sendable, Equatable {
        public var values: [Double?]
        public var problem: String?

        public static let missing = Parsed(values: Array(repeating: nil, count: LightcurveFeatures.names.count), problem: nil)
    }

    /// Reads a cell: a string holding a JSON array (as the API sends it, with bare `NaN` inside), or
    /// a real array.
    public static func parse(_ cell: FinkValue?) -> Parsed {
        let text: String
        switch cell {
        case nil, .null?: return .missing
        case .text(let s)?:
            if Cell.isPlaceholder(s) { return .missing }
            text = s
        case .json(let s)?: text = s
        case let other?: return failed("expected a JSON array of \(names.count) numbers, found \(other.shown)")
        }
        let data = JSONText.replacingNonStandardNumbers(in: Data(text.utf8))
        guard let items = try? JSONDecoder().decode([FeatureCell].self, from: data) else {
            return failed("not a JSON array of numbers: \(FinkValue.text(text).shown)")
        }
        guard items.count == names.count else {
            return failed("expected \(names.count) values, found \(items.count)")
        }
        return Parsed(values: items.map(\.value), problem: nil)
    }

    private static func failed(_ problem: String) -> Parsed {
        Parsed(values: Parsed.missing.values, problem: problem)
    }

    /// A number, null/NaN, or a numeric string (accepted as the rest of the API's cells are).
    private struct FeatureCell: Decodable {
        var value: Double?
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = nil; return }
            if let d = try? c.decode(Double.self) { value = d.isFinite ? d : nil; return }
            let s = try c.decode(String.self)
            if Cell.isPlaceholder(s) { value = nil; return }
            guard let d = Double(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a number")
            }
            value = d.isFinite ? d : nil
        }
    }
}

/// One alert of `/api/v1/anomaly`: an *alert* flagged by Fink's anomaly detection, not a whole object.
public struct AnomalyAlert: Sendable, Equatable {
    /// As sent; `objectIdIsValid` says whether it can be asked of `/objects`.
    public var objectId: String
    public var candid: Int64?
    public var jd: Double
    /// Fink's anomaly score (negative; lower is more anomalous).
    public var anomalyScore: Double?
    /// SIMBAD class from the cross-match, `Fail 504`-style when that service failed, nil when absent.
    public var cdsxmatch: String?
    public var featuresG: LightcurveFeatures.Parsed
    public var featuresR: LightcurveFeatures.Parsed
    /// Cells of this alert that could not be read and were left empty, said in words
    /// (`d:anomaly_score: cannot read "abc" as a number`).
    public var problems: [String] = []
    /// Every cell of the row as it came.
    public var raw: FinkRow

    public var mjd: Double { JulianDate.mjd(jd: jd) }

    /// True for `Fail NNN` labels: the cross-match service failed, this is no SIMBAD class.
    public var crossMatchFailed: Bool { cdsxmatch.map(AnomalyAlert.isFailureLabel) ?? false }

    public static func isFailureLabel(_ label: String) -> Bool {
        label.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("fail")
    }

    /// A row of the answer left out: which required column it lacked or could not use
    /// (`i:objectId` first when both are), why when the value was there but unusable, and its
    /// candid when it has one, to find it again.
    public struct SkippedRow: Sendable, Equatable {
        public var index: Int
        public var missing: String
        public var candid: Int64?
        /// Set when the column held a value that cannot be used (unreadable, or a date no alert has).
        public var problem: String?
        public init(index: Int, missing: String, candid: Int64? = nil, problem: String? = nil) {
            self.index = index; self.missing = missing; self.candid = candid; self.problem = problem
        }
    }

    /// Julian dates an alert can have: 1941 to 2132, as the lightcurves' range. A JD of ±1e308
    /// is damage, and would overflow every date computed from it.
    public static let plausibleJD = 2_430_000.5...2_500_000.5

    /// Reads the rows of an `/anomaly` answer. Rows without a usable `i:jd` or `i:objectId` are
    /// skipped and reported (they can be neither dated nor plotted), as are rows whose `i:jd` is
    /// unreadable or no alert's date; an unreadable score is left empty with a note in `problems`,
    /// malformed feature strings leave empty features and a `problem`: one bad cell never fails
    /// the whole answer. An answer none of whose rows has an `i:objectId` column is not an
    /// `/anomaly` answer (a saved `/statistics` one, say) and is refused.
    public static func decode(_ data: Data, source: String) throws -> (alerts: [AnomalyAlert], skippedRows: [SkippedRow]) {
        let rows = try TableRows.decode(data, source: source)
        if !rows.isEmpty, !rows.contains(where: { $0["i:objectId"] != nil }) {
            let looksLike = rows.contains { $0["key:key"] != nil } ? " (its rows have key:key: it looks like a /statistics answer)" : ""
            throw FinkError.decoding(source: source, message: "not an /anomaly answer: no row has i:objectId\(looksLike)")
        }
        var alerts: [AnomalyAlert] = []
        var skipped: [SkippedRow] = []
        for (index, row) in rows.enumerated() {
            var problems: [String] = []
            /// The number in `column`; nil, with the reason in `problem`, when it cannot be read.
            func number(_ column: String, problem: inout String?) -> Double? {
                guard let cell = row[column] else { return nil }
                do { return try cell.number() } catch {
                    problem = "cannot read \(error.shown) as a number"
                    return nil
                }
            }
            let candid = row["i:candid"]?.int64.flatMap { $0 > 0 ? $0 : nil }
            guard let objectId = row["i:objectId"]?.text else {
                skipped.append(SkippedRow(index: index, missing: "i:objectId", candid: candid))
                continue
            }
            var jdProblem: String?
            guard let jd = number("i:jd", problem: &jdProblem) else {
                skipped.append(SkippedRow(index: index, missing: "i:jd", candid: candid, problem: jdProblem))
                continue
            }
            guard plausibleJD.contains(jd) else {
                skipped.append(SkippedRow(index: index, missing: "i:jd", candid: candid, problem: "\(jd) is no alert's date"))
                continue
            }
            var scoreProblem: String?
            let score = number("d:anomaly_score", problem: &scoreProblem)
            if let scoreProblem { problems.append("d:anomaly_score: \(scoreProblem), left empty") }
            alerts.append(AnomalyAlert(
                objectId: objectId, candid: candid, jd: jd, anomalyScore: score,
                cdsxmatch: row["d:cdsxmatch"]?.text,
                featuresG: LightcurveFeatures.parse(row["d:lc_features_g"]),
                featuresR: LightcurveFeatures.parse(row["d:lc_features_r"]),
                problems: problems, raw: row))
        }
        return (alerts, skipped)
    }

    /// One note per missing column ("2 anomaly rows without i:objectId were skipped"), so the
    /// count of alerts drawn is never silently short of what the server sent.
    public static func skipNotes(_ skipped: [SkippedRow]) -> [String] {
        var notes: [String] = []
        // Unusable values are named one by one (up to five): each is damage worth finding again.
        let unusable = skipped.filter { $0.problem != nil }
        for row in unusable.prefix(5) {
            let candid = row.candid.map { " (candid \($0))" } ?? ""
            notes.append("anomaly row \(row.index)\(candid) was skipped: \(row.missing): \(row.problem ?? "")")
        }
        if unusable.count > 5 { notes.append("\(unusable.count - 5) more anomaly rows were skipped for unusable values") }
        for column in ["i:objectId", "i:jd"] {
            let rows = skipped.filter { $0.missing == column && $0.problem == nil }
            guard !rows.isEmpty else { continue }
            let candids = rows.compactMap(\.candid).map(String.init)
            let shown = candids.isEmpty ? "" : " (candid " + candids.prefix(5).joined(separator: ", ") + (candids.count > 5 ? " …" : "") + ")"
            notes.append("\(rows.count) anomaly row\(rows.count == 1 ? "" : "s") without \(column) \(rows.count == 1 ? "was" : "were") skipped\(shown)")
        }
        return notes
    }

    /// The distinct, well-formed objectIds of `alerts`, newest alert first: the second step of
    /// Fink's anomaly workflow (alerts first, then the objects they belong to).
    public static func objectIds(of alerts: [AnomalyAlert]) -> (ids: [ObjectId], invalid: [String]) {
        var seen = Set<String>()
        var ids: [ObjectId] = []
        var invalid: [String] = []
        for alert in alerts.sorted(by: { $0.jd > $1.jd }) where seen.insert(alert.objectId).inserted {
            if let id = try? ObjectId(validating: alert.objectId) { ids.append(id) } else { invalid.append(alert.objectId) }
        }
        return (ids, invalid)
    }
}

/// One night of `/api/v1/statistics`.
public struct NightStatistics: Sendable, Equatable {
    /// The night, from `key:key` (`ztf_20210314`), else from `key:time` (Unix milliseconds).
    public var night: CivilDate
    public var key: String
    /// Every counter of the row (`basic:raw`, `class:SN candidate`...) by column name; nil where
    /// the server sent null or a placeholder.
    public var counters: [String: Double?]

    public subscript(column: String) -> Double? { counters[column] ?? nil }

    /// Reads the rows of a `/statistics` answer (values as numbers or numeric strings), sorted by night.
    public static func decode(_ data: Data, source: String) throws -> [NightStatistics] {
        try decodeAnswer(data, source: source).nights
    }

    /// Nights a `key:time` can mean: 1970 to 2132 (the epoch of Unix milliseconds to the end of
    /// the lightcurves' range). A time of 1e308 ms is damage, and would overflow the calendar.
    static let plausibleDays = 0.0...59_000.0

    /// What a night's counter can be: ZTF sends a few hundred thousand alerts a night, so
    /// 10^12 is far past any real night; a negative count, or 1e300, is damage.
    static let plausibleCount = 0.0...1e12

    /// As `decode`, with notes on the rows that were not counted as they came: a `key:key` that
    /// is no night key (`ztf_YYYYMMDD`) is dated by `key:time`, or left out when that cannot date
    /// it either; a night sent twice is counted once, from its first row, as totals would
    /// otherwise double. An answer none of whose rows can be dated is not a statistics answer
    /// and is refused.
    public static func decodeAnswer(_ data: Data, source: String) throws -> (nights: [NightStatistics], notes: [String]) {
        let rows = try TableRows.decode(data, source: source)
        var nights: [NightStatistics] = []
        var notes: [String] = []
        var undated: [String] = []
        var rowsOfNight: [CivilDate: [Int]] = [:]
        var badCells: [String] = []
        for (index, row) in rows.enumerated() {
            let key = row["key:key"]?.text ?? ""
            var night = key.hasPrefix("ztf_") ? CivilDate(compact: key.dropFirst(4)) : nil
            var dating: String?
            if night == nil, let ms = try? row["key:time"]?.number(), plausibleDays.contains(ms / 86_400_000) {
                night = CivilDate(daysSinceUnixEpoch: ms / 86_400_000)
                if !key.isEmpty { dating = "row \(index): key:key \(FinkValue.text(key).shown) is not a night key (ztf_YYYYMMDD): dated \(night!) by key:time" }
            }
            guard let night else {
                undated.append("row \(index) (key:key \(row["key:key"]?.shown ?? "absent"), key:time \(row["key:time"]?.shown ?? "absent"))")
                continue
            }
            if let dating { notes.append(dating) }
            rowsOfNight[night, default: []].append(index)
            guard rowsOfNight[night]!.count == 1 else { continue }
            var counters: [String: Double?] = [:]
            for (column, value) in row where !column.hasPrefix("key:") {
                // One damaged cell costs that cell: the night's other counters and the other
                // nights are still drawn, and the note says which cell and why.
                do {
                    let count = try value.number()
                    if let count, !plausibleCount.contains(count) {
                        badCells.append("night \(night), \(column): \(value.shown) is not a count of alerts")
                        counters[column] = .some(nil)
                    } else {
                        counters[column] = .some(count)
                    }
                } catch {
                    badCells.append("night \(night), \(column): cannot read \(error.shown) as a count")
                    counters[column] = .some(nil)
                }
            }
            nights.append(NightStatistics(night: night, key: key, counters: counters))
        }
        if nights.isEmpty, let first = undated.first {
            throw FinkError.decoding(source: source, message: "\(first): no night in key:key or key:time; not a /statistics answer?")
        }
        if !undated.isEmpty {
            notes.append("\(undated.count) row\(undated.count == 1 ? "" : "s") with no night in key:key or key:time left out: "
                + undated.prefix(3).joined(separator: ", ") + (undated.count > 3 ? ", …" : ""))
        }
        if !badCells.isEmpty {
            notes += badCells.prefix(3).map { "\($0): left out, as a missing value" }
            if badCells.count > 3 { notes.append("\(badCells.count - 3) more cells like these left out") }
        }
        for (night, indices) in rowsOfNight.sorted(by: { $0.key < $1.key }) where indices.count > 1 {
            notes.append("night \(night) is sent \(indices.count) times (rows \(indices.map(String.init).joined(separator: ", "))): counted once, from row \(indices[0])")
        }
        return (nights.sorted { $0.night < $1.night }, notes)
    }
}

extension FinkClient {
    public var anomalyURL: URL { endpoint("anomaly") }
    public var statisticsURL: URL { endpoint("statistics") }

    /// The `n` latest anomalous alerts between `since` and `until` (inclusive days), newest first.
    /// `columns` narrows the answer (`i:objectId`, `i:jd` are added: decoding needs them).
    public func anomaly(n: Int = 10, since: CivilDate? = nil, until: CivilDate? = nil, columns: [String]? = nil) async throws -> [AnomalyAlert] {
        try await anomalyAnswer(n: n, since: since, until: until, columns: columns).alerts
    }

    /// As `anomaly`, with the rows of the answer that could not be read as alerts.
    public func anomalyAnswer(n: Int = 10, since: CivilDate? = nil, until: CivilDate? = nil, columns: [String]? = nil)
        async throws -> (alerts: [AnomalyAlert], skippedRows: [AnomalyAlert.SkippedRow]) {
        guard n >= 1 else { throw FinkError.invalidSetting(name: "n", value: String(n), reason: "ask for at least one alert") }
        if let since, let until, until < since {
            throw FinkError.invalidSetting(name: "until", value: until.description, reason: "it is before the start date \(since)")
        }
        let body = AnomalyBody(n: n, startDate: since?.description, stopDate: until?.description,
                               columns: Self.columnsArgument(columns, required: ["i:objectId", "i:jd"]))
        let url = anomalyURL
        let response = try await post(url, body: body)
        return try AnomalyAlert.decode(response.body, source: url.absoluteString)
    }

    /// The nightly statistics matching `date` (a prefix: a year, a month, a night, or all nights),
    /// oldest first. `columns` narrows the answer; `key:key` and `key:time` always come back.
    public func statistics(date: StatisticsDate, columns: [String]? = nil) async throws -> [NightStatistics] {
        try await statisticsAnswer(date: date, columns: columns).nights
    }

    /// As `statistics`, with notes on nights sent twice and rows with no night key.
    public func statisticsAnswer(date: StatisticsDate, columns: [String]? = nil) async throws
        -> (nights: [NightStatistics], notes: [String]) {
        let body = StatisticsBody(date: date.rawValue, columns: Self.columnsArgument(columns, required: []))
        let url = statisticsURL
        let response = try await post(url, body: body)
        return try NightStatistics.decodeAnswer(response.body, source: url.absoluteString)
    }
}

private struct AnomalyBody: Encodable {
    var n: Int
    var startDate: String?
    var stopDate: String?
    var columns: String?
    var outputFormat = "json"

    enum CodingKeys: String, CodingKey {
        case n, columns
        case startDate = "start_date"
        case stopDate = "stop_date"
        case outputFormat = "output-format"
    }
}

private struct StatisticsBody: Encodable {
    var date: String
    var columns: String?
    var outputFormat = "json"

    enum CodingKeys: String, CodingKey {
        case date, columns
        case outputFormat = "output-format"
    }
}
