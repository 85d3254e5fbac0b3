import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// Issue #12 items 11 and 15 at the decoders: damaged cells are named per row and cost only
/// their row (or their cell), never the whole answer, and never vanish unseen.
@Suite struct FaultsRangeDecodingTests {
    private static let fixture = Result { try fixtureRows("ZTF18aabjigr") }
    let original: [FixtureRow]
    /// Indices of the valid rows, newest first as the fixture holds them.
    let valid: [Int]

    init() throws {
        let rows = try Self.fixture.get()
        original = rows
        valid = rows.indices.filter { rows[$0]["d:tag"]?.stringValue == "valid" }
    }

    private func decode(_ rows: [FixtureRow]) throws -> RowDecoder.Decoded {
        try RowDecoder.decodeJSON(jsonData(rows), source: "damaged")
    }

    // MARK: Item 11: alert ids

    @Test(arguments: [
        (FixtureJSON.number("-5"), "is negative"),
        (.number("0"), "is zero"),
        (.number("18446744073709551616"), "beyond the largest alert id"),
        (.string("18446744073709551616"), "beyond the largest alert id"),
        // A JSON float is read as Int64 by the JSON decoder when whole; as text it is seen for what it is.
        (.string("1.0345261415150100e18"), "lost its exact digits"),
        (.number("12.5"), "not a whole number"),
    ])
    func unusableCandidIsNamedWithItsRow(cell: FixtureJSON, why: String) throws {
        var rows = original
        let row = valid[0]
        rows[row]["i:candid"] = cell
        let decoded = try decode(rows)
        let detection = try #require(decoded.detections.first { $0.jd == original[row]["i:jd"]?.doubleValue })
        #expect(detection.candid == nil, "an unusable id is not guessed")
        #expect(detection.tag == .valid, "the alert stays a valid alert")
        let problem = try #require(detection.problems.first, "the row's problem is recorded")
        #expect(problem.contains("row \(row)") && problem.contains("i:candid") && problem.contains(why), "\(problem)")
        // And it reaches the object's notes, which the manifest and console carry.
        let data = ZTFPhotometry.object(try ObjectId(validating: "ZTF18aabjigr").key, rows: decoded.detections, full: false)
        #expect(data.notes.contains(problem), "\(data.notes)")
    }

    @Test func minusOneAndLimitRowsAreNoProblem() throws {
        var rows = original
        let limit = try #require(rows.indices.first { rows[$0]["d:tag"]?.stringValue == "upperlim" })
        rows[limit]["i:candid"] = .number("-7")
        let decoded = try decode(rows)
        #expect(decoded.detections.allSatisfy { $0.problems.isEmpty }, "-1 means none, and a limit needs no id")
        #expect(decoded.detections.filter { $0.tag == .valid }.allSatisfy { $0.candid != nil })
    }

    /// Rubin: a diaSourceId of zero or below is no alert id either, and is named (it used to be
    /// kept, and its stamps asked for by a negative id).
    @Test(arguments: ["-5", "0"])
    func rubinNonPositiveDiaSourceIdIsNamed(cell: String) throws {
        let data = answer([
            ["r:diaObjectId": "170028485706776685", "r:diaSourceId": cell, "r:midpointMjdTai": "61105.25", "r:band": "\"g\""],
            ["r:diaObjectId": "170028485706776685", "r:diaSourceId": "170094456272322681", "r:midpointMjdTai": "61105.5", "r:band": "\"r\""],
        ])
        let decoded = try LSSTDecoder.photometryRows(data, source: "s")
        #expect(decoded.rows.map(\.diaSourceId) == [nil, 170_094_456_272_322_681])
        let id: Int64 = 170_028_485_706_776_685
        let routes = LSSTDecoder.routeRows(decoded, ids: [id], route: "/sources")
        let object = LSSTDecoder.objectData(key: try lsstKey(String(id)), sources: try #require(routes[id]), forced: nil,
                                            object: nil, summaryFetched: false)
        let note = try #require(object.notes.first { $0.contains("r:diaSourceId") }, "\(object.notes)")
        #expect(note.contains("/sources row 0") && note.contains("\(cell) is") && note.contains("MJD 61105.25000"), "\(note)")
        #expect(object.points.count == 2, "the detection is still drawn")
    }

    // MARK: Item 11: values far out are values, not placeholders

    @Test func hugeNegativeValuesAreKeptForTheRangeChecks() throws {
        var rows = original
        rows[valid[0]]["i:magpsf"] = .number("-1e300")
        rows[valid[1]]["i:jd"] = .number("-1e308")
        rows[valid[2]]["i:magpsf"] = .number("-999")
        let decoded = try decode(rows)
        #expect(decoded.skippedRows.isEmpty, "a JD of -1e308 is damage to name, not padding to drop")
        #expect(decoded.detections.contains { $0.magpsf == -1e300 })
        #expect(decoded.detections.contains { $0.jd == -1e308 })
        #expect(decoded.detections.filter { $0.jd == original[valid[2]]["i:jd"]?.doubleValue }.allSatisfy { $0.magpsf == nil },
                "-999 is still Fink's placeholder")
    }

    // MARK: Item 11: a stamp cell never drawn cannot fail the rows

    @Test func unreadableStampCellDropsOnlyThatStamp() throws {
        var rows = original
        let row = try #require(rows.indices.first { rows[$0]["b:cutoutScience_stampData"]?.arrayValue != nil })
        rows[row]["b:cutoutScience_stampData"] = "garbage"
        let decoded = try decode(rows)
        #expect(decoded.detections.count == original.count)
        let d = try #require(decoded.detections.first { $0.jd == original[row]["i:jd"]?.doubleValue && $0.tag == .valid })
        #expect(d.stamps[.science] == nil && d.stamps[.template] != nil)
        let problem = try #require(d.stampProblems[.science])
        #expect(problem.contains("row \(row)") && problem.contains("b:cutoutScience_stampData"), "\(problem)")
    }

    @Test func unreadableStampCellInCSVDropsOnlyThatStamp() throws {
        let csv = """
            i:objectId,i:jd,i:fid,i:candid,i:magpsf,b:cutoutScience_stampData,b:cutoutTemplate_stampData
            ZTF18acefvuh,2458400.5,1,1000,18.5,"[[1.0, oops]]","[[1.0, 2.0], [3.0, 4.0]]"

            """
        let decoded = try RowDecoder.decodeCSV(Data(csv.utf8), source: "saved.csv")
        let d = try #require(decoded.detections.first)
        #expect(d.magpsf == 18.5 && d.stamps[.science] == nil && d.stamps[.template]?.width == 2)
        #expect(d.stampProblems[.science]?.contains("row 0 (line 2)") == true, "\(d.stampProblems)")
    }

    @Test func savedAnswerWithoutCutoutsHearsNothingOfAStamp() async throws {
        var rows = original
        let row = try #require(rows.indices.first { rows[$0]["b:cutoutScience_stampData"]?.arrayValue != nil })
        rows[row]["b:cutoutScience_stampData"] = "garbage"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faults-range-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try jsonData(rows).write(to: dir.appendingPathComponent("ZTF18aabjigr.json"))
        let key = try ObjectId(validating: "ZTF18aabjigr").key
        let answer = try await DirectorySource(directory: dir).objects([key], needs: .lightcurve)
        let data = try #require(answer[key]).get()
        #expect(data.points.count == original.count && data.notes.isEmpty, "\(data.notes)")
    }

    // MARK: Item 11: anomaly rows

    @Test func oneBadAnomalyCellCostsOnlyItsRowOrCell() throws {
        let body = """
            [{"i:objectId": "ZTF21aaxtctv", "i:candid": 1, "i:jd": "soon", "d:anomaly_score": -0.1},
             {"i:objectId": "ZTF21aaxtctv", "i:candid": 2, "i:jd": 1e308, "d:anomaly_score": -0.1},
             {"i:objectId": "ZTF21aaxtctv", "i:candid": 3, "i:jd": -1e308, "d:anomaly_score": -0.1},
             {"i:objectId": "ZTF21aaxtctv", "i:candid": 4, "i:jd": 2459501.5, "d:anomaly_score": "abc"},
             {"i:objectId": "ZTF21aaxtctv", "i:candid": 5, "i:jd": 2459502.5, "d:anomaly_score": -0.2}]
            """
        let (alerts, skipped) = try AnomalyAlert.decode(Data(body.utf8), source: "here")
        #expect(alerts.map(\.candid) == [4, 5])
        #expect(alerts[0].anomalyScore == nil && alerts[0].problems.first?.contains("d:anomaly_score") == true)
        #expect(skipped.map(\.index) == [0, 1, 2] && skipped.allSatisfy { $0.missing == "i:jd" && $0.problem != nil })
        let notes = AnomalyAlert.skipNotes(skipped)
        #expect(notes.count == 3 && notes[0].contains("row 0 (candid 1)") && notes[0].contains("\"soon\""), "\(notes)")
        #expect(notes[1].contains("1e+308"), "\(notes)")
    }

    @Test func statisticsAnswerIsNoAnomalyAnswer() throws {
        let error = try #require(throws: FinkError.self) {
            try AnomalyAlert.decode(try fixtureData("statistics_2021.json"), source: "statistics_2021.json")
        }
        #expect(error.description.contains("not an /anomaly answer") && error.description.contains("/statistics"), "\(error)")
    }

    // MARK: Item 15: night keys

    @Test func nightsSentTwiceAreCountedOnce() throws {
        let body = """
            [{"key:key": "ztf_20210314", "basic:raw": 10},
             {"key:key": "ztf_20210315", "basic:raw": 20},
             {"key:key": "ztf_20210314", "basic:raw": 10}]
            """
        let (nights, notes) = try NightStatistics.decodeAnswer(Data(body.utf8), source: "s")
        #expect(nights.map(\.night.description) == ["2021-03-14", "2021-03-15"])
        #expect(nights.reduce(0) { $0 + ($1["basic:raw"] ?? 0) } == 30, "not 40")
        #expect(notes == ["night 2021-03-14 is sent 2 times (rows 0, 2): counted once, from row 0"])
    }

    @Test func malformedNightKeysAreReported() throws {
        let body = """
            [{"key:key": "ztf_20210314", "basic:raw": 10},
             {"key:key": "ztf_2021xx15", "key:time": 1615852800000, "basic:raw": 20},
             {"key:key": "oops", "key:time": 1e308, "basic:raw": 30},
             {"key:key": "ztf_20211345", "basic:raw": 40}]
            """
        let (nights, notes) = try NightStatistics.decodeAnswer(Data(body.utf8), source: "s")
        #expect(nights.map(\.night.description) == ["2021-03-14", "2021-03-16"])
        #expect(notes.contains { $0.contains("row 1") && $0.contains("ztf_2021xx15") && $0.contains("key:time") }, "\(notes)")
        #expect(notes.contains { $0.contains("2 rows") && $0.contains("row 2") && $0.contains("row 3") }, "\(notes)")
    }
}
