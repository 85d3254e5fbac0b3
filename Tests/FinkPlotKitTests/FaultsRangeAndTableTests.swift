import FinkAPI
import FinkTestServer
import Foundation
import Testing
@testable import FinkPlotKit

/// Issue #12 items 11, 15 and 16 as a user meets them: damaged values are named and left out
/// (never a crash, never a silent loss, never a whole figure failed for one cell); tables go
/// where they are told or fail before the figure; CSV exports are safe to open in a spreadsheet.
@Suite struct FaultsRangeAndTableTests {
    static let objectId = "ZTF18aabjigr"

    /// The fixture's rows with `edit` applied, saved as `DIR/ZTF18aabjigr.json` in a new folder.
    /// `edit` gets the rows and the indices of the valid ones, newest first.
    func damagedObject(_ edit: (inout [FixtureRow], [Int]) -> Void) throws -> URL {
        var rows = try FixtureServer.rows(fromFile: fixturesDirectory().appendingPathComponent("\(Self.objectId).json"))
        let valid = rows.indices.filter { rows[$0]["d:tag"]?.stringValue == "valid" }
        edit(&rows, valid)
        let dir = try makeTempDirectory()
        try FixtureJSON.array(rows.map { .object($0) }).data().write(to: dir.appendingPathComponent("\(Self.objectId).json"))
        return dir
    }

    /// The fixture's anomaly rows with `edit` applied, saved as `DIR/anomaly.json`.
    func damagedAnomalies(_ edit: (inout [FixtureRow]) -> Void) throws -> URL {
        var rows = try FixtureServer.rows(fromFile: fixturesDirectory().appendingPathComponent("anomaly.json"))
        edit(&rows)
        let dir = try makeTempDirectory()
        try FixtureJSON.array(rows.map { .object($0) }).data().write(to: dir.appendingPathComponent("anomaly.json"))
        return dir
    }

    func manifest(_ dir: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: dir.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    // MARK: Item 11: values outside physical ranges

    /// -1e300 and -1e308 used to pass for Fink's -999 placeholder and vanish without a word.
    @Test func farOutValuesAreLeftOutAndNamed() async throws {
        let dir = try damagedObject { rows, valid in
            rows[valid[0]]["i:magpsf"] = .number("-1e300")
            rows[valid[1]]["i:jd"] = .number("-1e308")
            rows[valid[2]]["i:magpsf"] = .number("1e300")
            rows[valid[3]]["i:jd"] = .number("1e308")
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try ztfKey(Self.objectId)
        let data = try #require(try await DirectorySource(directory: dir).objects([key], needs: .lightcurve)[key]).get()
        let lightcurve = try LightcurveBuilder.build(data)
        let note = try #require(lightcurve.notes.first { $0.contains("outside physical ranges") }, "\(lightcurve.notes)")
        #expect(note.hasPrefix("4 rows"), "\(note)")
        for value in ["-1e+300", "-1e+308"] { #expect(note.contains(value), "\(note) names \(value)") }
        // Nothing drawn stretches an axis: every point is a real magnitude at a real date.
        #expect(lightcurve.points.allSatisfy { abs($0.y) < 40 && LightcurveBuilder.plausibleMJD.contains($0.mjd) })
        #expect(lightcurve.points.count == data.points.count - 4 - lightcurve.skippedRows)
    }

    /// The latest alert dated 1e308 made `card` trap converting its date (exit 132).
    @Test(arguments: ["1e308", "-1e308"])
    func cardWithAnAlertDatedFarOutIsDrawn(jd: String) async throws {
        let dir = try damagedObject { rows, valid in rows[valid[0]]["i:jd"] = .number(jd) }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await runFinkplot(["card", Self.objectId, "--from", dir.path, "-o", "card.png"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(exists(dir.appendingPathComponent("card.png")))
        #expect(result.err.contains("outside physical ranges"), "\(result.err)")
    }

    /// A stamp's label printed a damaged magnitude in full (300 digits), and `--alert peak` took
    /// a −1e300 for the brightest alert.
    @Test func stampLabelsAndPeakIgnoreDamagedMagnitudes() throws {
        let key = try ztfKey(Self.objectId)
        var damaged = PhotometryPoint(mjd: 58788.5, band: "r", kind: .detection, alertId: 1)
        damaged.magnitude = PhotometricValue(-1e300, unit: .abMagnitude)
        var real = PhotometryPoint(mjd: 58787.5, band: "g", kind: .detection, alertId: 2)
        real.magnitude = PhotometricValue(17.25, error: 0.05, unit: .abMagnitude)
        let labels = CutoutFigure.labels(for: CutoutRow(object: key, timeScale: .utc, alert: damaged, stamps: [:]))
        #expect(labels.allSatisfy { $0.count < 60 } && labels.last == "r: magnitude out of range", "\(labels)")
        let data = ObjectData(key: key, points: [damaged, real], timeScale: .utc)
        #expect(try CutoutFigure.choose(.peak, from: data).map(\.alertId) == [2])
    }

    // MARK: Item 11: alert ids

    /// Valid alerts whose candid is no alert id: the card has no alert to show, and says why.
    @Test func unusableCandidsAreNamedInTheManifest() async throws {
        let dir = try damagedObject { rows, valid in
            for (n, i) in valid.enumerated() { rows[i]["i:candid"] = n == 0 ? .number("18446744073709551616") : .number("-5") }
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await runFinkplot(["card", Self.objectId, "--from", dir.path, "--output-dir", "cards"], in: dir)
        #expect(result.status == 1, "no alert to show is an empty id")
        let entry = try #require(try manifest(dir.appendingPathComponent("cards")).first)
        #expect(entry["status"] as? String == "empty")
        let notes = entry["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("row 0") && $0.contains("i:candid 1.8446744073709552e+19") && $0.contains("beyond") },
                "\(notes)")
        #expect(notes.contains { $0.contains("i:candid -5 is negative") }, "\(notes)")
        #expect(result.err.contains("i:candid -5 is negative"), "the console says it too: \(result.err)")
    }

    // MARK: Item 11: one bad cell

    @Test func lightcurveIgnoresAStampCellItNeverDraws() async throws {
        let dir = try damagedObject { rows, _ in
            let row = rows.indices.first { rows[$0]["b:cutoutScience_stampData"]?.arrayValue != nil }!
            rows[row]["b:cutoutScience_stampData"] = "garbage"
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await runFinkplot(["lightcurve", Self.objectId, "--from", dir.path, "-o", "lc.png"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(exists(dir.appendingPathComponent("lc.png")))
        #expect(!result.err.contains("stampData"), "a lightcurve hears nothing of stamps: \(result.err)")
    }

    @Test func anomalyChartSurvivesBadCells() async throws {
        let dir = try damagedAnomalies { rows in
            rows[0]["i:jd"] = "soon"
            rows[1]["i:jd"] = .number("1e308")
            rows[2]["d:anomaly_score"] = "lots"
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await runFinkplot(["anomaly", "--from", "anomaly.json", "-o", "anomaly.png", "--table", "anomaly.csv"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(exists(dir.appendingPathComponent("anomaly.png")))
        #expect(result.err.contains("anomaly row 0") && result.err.contains("\"soon\""), "\(result.err)")
        #expect(result.err.contains("anomaly row 1") && result.err.contains("1e+308"), "\(result.err)")
        #expect(result.err.contains("d:anomaly_score: cannot read \"lots\""), "\(result.err)")
        let table = try String(contentsOf: dir.appendingPathComponent("anomaly.csv"), encoding: .utf8)
        #expect(table.split(separator: "\r\n").count == 1 + 8, "8 alerts kept")
    }

    // MARK: Item 15: tables

    @Test func tableIntoAMissingFolderIsMade() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = fixturesDirectory().path
        let lc = try await runFinkplot(["lightcurve", Self.objectId, "--from", fixtures, "-o", "lc.png", "--table", "new/sub/points.csv"], in: dir)
        #expect(lc.status == 0, "\(lc.err)")
        #expect(exists(dir.appendingPathComponent("lc.png")) && exists(dir.appendingPathComponent("new/sub/points.csv")))
        let stats = try await runFinkplot(["stats", "--from", "\(fixtures)/statistics_2021.json", "--date", "2021",
                                           "-o", "stats.png", "--table", "other/stats.csv"], in: dir)
        #expect(stats.status == 0, "\(stats.err)")
        #expect(exists(dir.appendingPathComponent("other/stats.csv")))
        let anomaly = try await runFinkplot(["anomaly", "--from", "\(fixtures)/anomaly.json", "-o", "anomaly.png",
                                             "--table", "third/anomaly.csv"], in: dir)
        #expect(anomaly.status == 0, "\(anomaly.err)")
        #expect(exists(dir.appendingPathComponent("third/anomaly.csv")))
    }

    /// A table that cannot be written fails the id before its figure exists: a figure on disk
    /// is never an id counted failed.
    @Test func unwritableTableFailsBeforeTheFigure() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("blocker"))
        let result = try await runFinkplot(["lightcurve", Self.objectId, "--from", fixturesDirectory().path,
                                            "--output-dir", "figs", "--table", "blocker/points.csv"], in: dir)
        #expect(result.status == 1)
        #expect(result.err.contains("blocker"), "\(result.err)")
        // The table's folder is checked before anything is drawn: no figure, so no id done.
        #expect(!exists(dir.appendingPathComponent("figs/\(Self.objectId)_lightcurve.png")), "no figure before a failing table")
        #expect(!exists(dir.appendingPathComponent("figs/\(Self.objectId).png")))
        let stats = try await runFinkplot(["stats", "--from", "\(fixturesDirectory().path)/statistics_2021.json", "--date", "2021",
                                           "-o", "stats.png", "--table", "blocker/stats.csv"], in: dir)
        #expect(stats.status == 1 && !exists(dir.appendingPathComponent("stats.png")), "\(stats.err)")
    }

    /// A spec saved with a table, edited as a stranger might.
    func spec(in dir: URL, table: String, queryTime: String? = nil) async throws -> URL {
        let saved = try await runFinkplot(["lightcurve", Self.objectId, "--from", fixturesDirectory().path, "-o", "lc.png",
                                           "--table", "points.csv", "--save-spec", "spec.json"], in: dir)
        try #require(saved.status == 0, "\(saved.err)")
        let url = dir.appendingPathComponent("spec.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var output = json["output"] as? [String: Any] ?? [:]
        output["table"] = table
        json["output"] = output
        if let queryTime { json["queryTime"] = queryTime }
        let edited = dir.appendingPathComponent("edited.json")
        try JSONSerialization.data(withJSONObject: json).write(to: edited)
        return edited
    }

    @Test func renderConfinesTheTableToTheOutputDirectory() async throws {
        let root = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let escaping = try await spec(in: dir, table: "../../evil.csv")
        let result = try await runFinkplot(["render", escaping.path, "--output-dir", "out"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(exists(dir.appendingPathComponent("out/evil.csv")))
        #expect(!exists(root.appendingPathComponent("evil.csv")) && !exists(dir.appendingPathComponent("evil.csv")))

        for table in ["sub/..", "..", "x/"] {
            let noFile = try await spec(in: dir, table: table)
            let refused = try await runFinkplot(["render", noFile.path, "--output-dir", "out2"], in: dir)
            #expect(refused.status == 64 && refused.err.contains("names no file"), "\(table): \(refused.err)")
        }
        let figure = try await spec(in: dir, table: "\(Self.objectId).png")
        let clash = try await runFinkplot(["render", figure.path, "--output-dir", "out3"], in: dir)
        #expect(clash.status == 64, "a table over the figure: \(clash.err)")
    }

    @Test(arguments: ["yesterday", "", "2024-13-01T00:00:00Z"])
    func renderRefusesAQueryTimeThatIsNoDate(queryTime: String) async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let edited = try await spec(in: dir, table: "points.csv", queryTime: queryTime)
        let result = try await runFinkplot(["render", edited.path, "-o", "again.png"], in: dir)
        #expect(result.status != 0 && result.err.contains("queryTime"), "\(result.err)")
        #expect(!exists(dir.appendingPathComponent("again.png")))
    }

    @Test func renderAcceptsTheQueryTimeItWrites() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let edited = try await spec(in: dir, table: "points.csv", queryTime: "2024-03-01T12:00:00.250Z")
        let result = try await runFinkplot(["render", edited.path, "-o", "again.png"], in: dir)
        #expect(result.status == 0, "\(result.err)")
    }

    @Test func anomalyFromAStatisticsFileIsRefused() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await runFinkplot(["anomaly", "--from", "\(fixturesDirectory().path)/statistics_2021.json", "-o", "a.png"], in: dir)
        #expect(result.status == 1)
        #expect(result.err.contains("not an /anomaly answer") && result.err.contains("/statistics"), "\(result.err)")
        #expect(!exists(dir.appendingPathComponent("a.png")))
    }

    @Test func statsCountsANightSentTwiceOnce() async throws {
        var rows = try FixtureServer.rows(fromFile: fixturesDirectory().appendingPathComponent("statistics_2021.json"))
        let nights = rows.count
        rows.append(rows[0])
        // (key:time is when a night was stored, often the next day: alone it cannot date the row here.)
        rows[3]["key:key"] = "ztf_2021xx99"
        rows[3]["key:time"] = nil
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FixtureJSON.array(rows.map { .object($0) }).data().write(to: dir.appendingPathComponent("stats.json"))
        let result = try await runFinkplot(["stats", "--from", "stats.json", "--date", "2021", "-o", "s.png", "--table", "s.csv"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.contains("is sent 2 times") && result.err.contains("counted once"), "\(result.err)")
        #expect(result.err.contains("row 3 (key:key \"ztf_2021xx99\"") && result.err.contains("left out"), "\(result.err)")
        let table = try String(contentsOf: dir.appendingPathComponent("s.csv"), encoding: .utf8)
        #expect(table.split(separator: "\r\n").count == 1 + nights - 1, "one row per night, none for the undated row")
    }

    // MARK: Item 16: CSV exports

    @Test func anomalyTableDefusesFormulasAndKeepsNumbers() async throws {
        let dir = try damagedAnomalies { rows in
            rows[0]["d:cdsxmatch"] = #"=HYPERLINK("http://evil.example","x")"#
            rows[1]["d:cdsxmatch"] = "@SUM(A1)"
            rows[2]["d:cdsxmatch"] = "-2+3+cmd|' /C calc'!A0"
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await runFinkplot(["anomaly", "--from", "anomaly.json", "-o", "a.png", "--table", "a.csv"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let table = try String(contentsOf: dir.appendingPathComponent("a.csv"), encoding: .utf8)
        #expect(table.contains(#""'=HYPERLINK(""http://evil.example"",""x"")""#), "\(table.prefix(400))")
        #expect(table.contains(",'@SUM(A1),") && table.contains(",'-2+3+cmd|' /C calc'!A0,"))
        // Numbers stay numbers: the (negative) scores are written as they are.
        #expect(table.contains(",-0.0167414416,") && !table.contains("'-0.0"))
    }

    @Test func negativeFluxesInALightcurveTableStayNumeric() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await runFinkplot(["lightcurve", Self.objectId, "--from", fixturesDirectory().path, "--y", "flux",
                                            "-o", "lc.png", "--table", "points.csv"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let rows = try String(contentsOf: dir.appendingPathComponent("points.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let fluxes = rows.map { String($0[6]) }
        #expect(fluxes.contains { $0.hasPrefix("-") && Double($0) != nil }, "fainter than the template: negative flux")
        #expect(!fluxes.contains { $0.hasPrefix("'") }, "no number is turned into text")
    }
}
