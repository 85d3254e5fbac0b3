@testable import FinkAPI
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
        (.string("1.0345261415150100e18"), "cannot be trusted"),
        // As a JSON number JSONDecoder hands back the whole Int64 nearest the float, a wrong
        // id: only the literal shows it was a float.
        (.number("1.0345261415150100e18"), "cannot be trusted"),
        (.number("1034526141515010021.0"), "cannot be trusted"),
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

    /// Rubin: a diaSourceId written as a float past 2^53 is a neighbour of the id once decoded:
    /// it is named and left out, never asked of `/cutouts`; an exact id beside it is untouched,
    /// and a float written inside a string value is not mistaken for the cell.
    @Test func rubinFloatDiaSourceIdIsNamed() throws {
        let data = answer([
            ["r:diaObjectId": "170028485706776685", "r:diaSourceId": "1.7009445627232268e17", "r:midpointMjdTai": "61105.25", "r:band": "\"g\""],
            ["r:diaObjectId": "170028485706776685", "r:diaSourceId": "170094456272322681", "r:midpointMjdTai": "61105.5",
             "r:band": "\"r\"", "f:note": "\"r:diaSourceId: 1.5e18\""],
        ])
        let decoded = try LSSTDecoder.photometryRows(data, source: "s")
        #expect(decoded.rows.map(\.diaSourceId) == [nil, 170_094_456_272_322_681])
        let problem = try #require(decoded.rows[0].problems.first, "\(decoded.rows[0])")
        #expect(problem.contains("row 0") && problem.contains("r:diaSourceId") && problem.contains("cannot be trusted"), "\(problem)")
        #expect(decoded.rows[1].problems.isEmpty)
    }

    @Test func floatLiteralRowsAreFoundOnlyWhereTheKeyHoldsOne() throws {
        let text = #"[{"k": 1, "a": "\"k\": 1e300"}, {"a": [{"k": 2.5e18}], "k": 12}, {"k" : -9.1e15}, {"k": 1.5}, {"k": "1e20"}]"#
        #expect(JSONText.floatLiteralRows(of: "k", in: Data(text.utf8)) == [2])
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

    /// A card shows the mean position of the valid alerts: one alert at RA 1e300 or Dec −95
    /// would make it nonsense. Those positions are left out, the row named; the others stay.
    @Test(arguments: [("i:ra", "1e300", "not a right ascension"), ("i:dec", "-95", "not a declination"),
                      ("i:ra", "-1e308", "not a right ascension")])
    func positionsOffTheSkyAreLeftOutAndNamed(column: String, cell: String, why: String) throws {
        var rows = original
        rows[valid[0]][column] = .number(cell)
        let decoded = try decode(rows)
        let damaged = try #require(decoded.detections.first { $0.jd == original[valid[0]]["i:jd"]?.doubleValue && $0.tag == .valid })
        #expect(damaged.ra == nil && damaged.dec == nil)
        let problem = try #require(damaged.problems.first, "\(damaged)")
        #expect(problem.contains("row \(valid[0])") && problem.contains(column) && problem.contains(why), "\(problem)")
        let data = ZTFPhotometry.object(try ObjectId(validating: "ZTF18aabjigr").key, rows: decoded.detections, full: true)
        let ra = try #require(data.summary.ra), dec = try #require(data.summary.dec)
        #expect((0...360).contains(ra) && (-90...90).contains(dec), "the mean of the other alerts: \(ra), \(dec)")
        #expect(data.notes.contains(problem))
    }

    /// Rubin: a diaSource off the sky leaves the median; an `/objects` position off the sky gives
    /// way to the diaSources' median, with a note.
    @Test func rubinPositionsOffTheSkyAreLeftOut() throws {
        let data = answer([
            ["r:diaObjectId": "170028485706776685", "r:diaSourceId": "170094456272322680", "r:midpointMjdTai": "61105.25",
             "r:band": "\"g\"", "r:ra": "1e300", "r:dec": "-30.0"],
            ["r:diaObjectId": "170028485706776685", "r:diaSourceId": "170094456272322681", "r:midpointMjdTai": "61105.5",
             "r:band": "\"r\"", "r:ra": "52.5", "r:dec": "-28.0"],
        ])
        let decoded = try LSSTDecoder.photometryRows(data, source: "s")
        #expect(decoded.rows.map(\.ra) == [nil, 52.5])
        #expect(decoded.rows[0].problems.first?.contains("r:ra") == true, "\(decoded.rows[0].problems)")
        let id: Int64 = 170_028_485_706_776_685
        let routes = LSSTDecoder.routeRows(decoded, ids: [id], route: "/sources")
        var summary = LSSTObjectRow()
        summary.ra = 400
        summary.dec = -28
        let object = LSSTDecoder.objectData(key: try lsstKey(String(id)), sources: try #require(routes[id]), forced: nil,
                                            object: summary, summaryFetched: true)
        #expect(object.summary.ra == 52.5 && object.summary.dec == -28.0)
        #expect(object.notes.contains { $0.hasPrefix("/objects: r:ra 400 is not a right ascension") }, "\(object.notes)")
        #expect(object.notes.contains { $0.contains("/sources row 0") && $0.contains("r:ra") }, "\(object.notes)")
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

    /// A counter of 1e300, a negative count or a word costs that cell, named by night and
    /// column; the night's other counters and the other nights are kept (it used to fail the
    /// whole chart, or draw a 300-digit axis).
    @Test func damagedCountersCostOnlyTheirCell() throws {
        let body = """
            [{"key:key": "ztf_20210314", "basic:raw": 1e300, "basic:sci": 7},
             {"key:key": "ztf_20210315", "basic:raw": 20, "basic:sci": -4, "class:SN candidate": "many"},
             {"key:key": "ztf_20210316", "basic:raw": "30", "basic:sci": 3}]
            """
        let (nights, notes) = try NightStatistics.decodeAnswer(Data(body.utf8), source: "s")
        #expect(nights.count == 3)
        #expect(nights.map { $0["basic:raw"] } == [nil, 20, 30])
        #expect(nights.map { $0["basic:sci"] } == [7, nil, 3])
        #expect(nights[1]["class:SN candidate"] == nil)
        #expect(notes.contains("night 2021-03-14, basic:raw: 1e+300 is not a count of alerts: left out, as a missing value"), "\(notes)")
        #expect(notes.contains { $0.hasPrefix("night 2021-03-15, basic:sci: -4") }, "\(notes)")
        #expect(notes.contains { $0.hasPrefix("night 2021-03-15, class:SN candidate: cannot read \"many\"") }, "\(notes)")
    }
}
