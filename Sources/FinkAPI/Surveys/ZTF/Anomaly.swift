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
    /// Every cell of the row as it came.
    public var raw: FinkRow

    public var mjd: Double { JulianDate.mjd(jd: jd) }

    /// True for `Fail NNN` labels: the cross-match service failed, this is no SIMBAD class.
    public var crossMatchFailed: Bool { cdsxmatch.map(AnomalyAlert.isFailureLabel) ?? false }

    public static func isFailureLabel(_ label: String) -> Bool {
        label.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("fail")
    }

    /// A row of the answer left out: which required column it lacked (`i:objectId` first when
    /// both are), and its candid when it has one, to find it again.
    public struct SkippedRow: Sendable, Equatable {
        public var index: Int
        public var missing: String
        public var candid: Int64?
        public init(index: Int, missing: String, candid: Int64? = nil) {
            self.index = index; self.missing = missing; self.candid = candid
        }
    }

    /// Reads the rows of an `/anomaly` answer. Rows without a usable `i:jd` or `i:objectId` are
    /// skipped and reported (they can be neither dated nor plotted); malformed feature strings
    /// leave empty features and a `problem`, never an error.
    public static func decode(_ data: Data, source: String) throws -> (alerts: [AnomalyAlert], skippedRows: [SkippedRow]) {
        let rows = try TableRows.decode(data, source: source)
        var alerts: [AnomalyAlert] = []
        var skipped: [SkippedRow] = []
        for (index, row) in rows.enumerated() {
            func number(_ column: String) throws -> Double? {
                guard let cell = row[column] else { return nil }
                do { return try cell.number() } catch {
                    throw FinkError.decoding(source: source, message: "row \(index), \(column): cannot read \(error.shown) as a number")
                }
            }
            let candid = row["i:candid"]?.int64.flatMap { $0 > 0 ? $0 : nil }
            guard let objectId = row["i:objectId"]?.text, let jd = try number("i:jd") else {
                let missing = row["i:objectId"]?.text == nil ? "i:objectId" : "i:jd"
                skipped.append(SkippedRow(index: index, missing: missing, candid: candid))
                continue
            }
            alerts.append(AnomalyAlert(
                objectId: objectId, candid: candid, jd: jd, anomalyScore: try number("d:anomaly_score"),
                cdsxmatch: row["d:cdsxmatch"]?.text,
                featuresG: LightcurveFeatures.parse(row["d:lc_features_g"]),
                featuresR: LightcurveFeatures.parse(row["d:lc_features_r"]),
                raw: row))
        }
        return (alerts, skipped)
    }

    /// One note per missing column ("2 anomaly rows without i:objectId were skipped"), so the
    /// count of alerts drawn is never silently short of what the server sent.
    public static func skipNotes(_ skipped: [SkippedRow]) -> [String] {
        var notes: [String] = []
        for column in ["i:objectId", "i:jd"] {
            let rows = skipped.filter { $0.missing == column }
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
        let rows = try TableRows.decode(data, source: source)
        var nights: [NightStatistics] = []
        for (index, row) in rows.enumerated() {
            let key = row["key:key"]?.text ?? ""
            var night = key.hasPrefix("ztf_") ? CivilDate(compact: key.dropFirst(4)) : nil
            if night == nil, let ms = try? row["key:time"]?.number() {
                night = CivilDate(daysSinceUnixEpoch: ms / 86_400_000)
            }
            guard let night else {
                throw FinkError.decoding(source: source, message: "row \(index): no night in key:key (\(row["key:key"]?.shown ?? "absent")) or key:time")
            }
            var counters: [String: Double?] = [:]
            for (column, value) in row where !column.hasPrefix("key:") {
                do { counters[column] = .some(try value.number()) } catch {
                    throw FinkError.decoding(source: source, message: "night \(night), \(column): cannot read \(error.shown) as a count")
                }
            }
            nights.append(NightStatistics(night: night, key: key, counters: counters))
        }
        return nights.sorted { $0.night < $1.night }
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
        let body = StatisticsBody(date: date.rawValue, columns: Self.columnsArgument(columns, required: []))
        let url = statisticsURL
        let response = try await post(url, body: body)
        return try NightStatistics.decode(response.body, source: url.absoluteString)
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
