import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// LSSTDecoder: the fixture answers with the shared README's counts, and the cell rules on
/// answers written by hand (numeric strings, "nan", nulls, missing keys, NaN tokens, big ids).
@Suite struct LSSTDecodingTests {
    // MARK: Fixtures

    @Test(arguments: lsstFixtureTable)
    func sourcesFixture(expected: LSSTFixtureCounts) throws {
        let name = "sources_\(expected.id).json"
        let decoded = try LSSTDecoder.photometryRows(try lsstFixtureData(name), source: name)
        #expect(decoded.skippedRows.isEmpty)
        #expect(decoded.rows.count == expected.sources)
        #expect(decoded.rows.allSatisfy { $0.diaObjectId == Int64(expected.id)! })

        let points = LSSTDecoder.points(decoded.rows, kind: .detection)
        #expect(points.count == expected.sources)
        #expect(perBand(points) == expected.sourcesPerBand)
        #expect(perBand(points.filter { $0.isNegative == true }) == expected.negativeSources)
        #expect(perBand(points.filter { ($0.differenceFlux?.value ?? 0) < 0 }) == expected.negativeSources)
        #expect(points.allSatisfy { $0.kind == .detection && $0.alertId != nil })
        #expect(points.allSatisfy { $0.differenceFlux?.unit == .nanojansky && $0.totalFlux?.unit == .nanojansky })
        #expect(points.allSatisfy { ($0.totalFlux?.value ?? 0) > 0 }, "no science flux ≤ 0 in the fixtures")
        #expect(points.allSatisfy { $0.differenceFlux?.error != nil && $0.totalFlux?.error != nil })
        #expect(points.first?.alertId == expected.latestSource, "newest first")
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.mjd >= $1.mjd })
        let first = try #require(points.last?.mjd), last = try #require(points.first?.mjd)
        #expect(abs(first - expected.mjdRange.lowerBound) < 0.001 && abs(last - expected.mjdRange.upperBound) < 0.001)
    }

    @Test(arguments: lsstFixtureTable)
    func forcedPhotometryFixture(expected: LSSTFixtureCounts) throws {
        let name = "fp_\(expected.id).json"
        let decoded = try LSSTDecoder.photometryRows(try lsstFixtureData(name), source: name)
        #expect(decoded.skippedRows.isEmpty)
        let points = LSSTDecoder.points(decoded.rows, kind: .forced)
        #expect(points.count == expected.forced)
        #expect(perBand(points) == expected.forcedPerBand)
        #expect(perBand(points.filter { $0.isNegative == true }) == expected.negativeForced)
        #expect(points.allSatisfy { $0.kind == .forced && $0.alertId == nil })
        #expect(decoded.rows.allSatisfy { $0.visit != nil && $0.diaSourceId == nil })
    }

    @Test func firstRowValuesAreExact() throws {
        let decoded = try LSSTDecoder.photometryRows(try lsstFixtureData("sources_170028485706776685.json"), source: "f")
        let row = try #require(decoded.rows.first)
        #expect(row.diaSourceId == 170_094_456_272_322_680)
        #expect(row.diaObjectId == 170_028_485_706_776_685)
        #expect(row.visit == 2_026_030_500_055)
        #expect(row.midpointMjdTai == 61105.0936434868)
        #expect(row.band == "i")
        // float32 shortest text, read as the decimal it is (not the float32 widened, -19549.39453125).
        #expect(row.psfFlux == -19549.395)
        #expect(row.psfFlux != Double(Float(-19549.395)))
        #expect(row.psfFluxErr == 555.80396)
        #expect(row.scienceFlux == 191474.06 && row.scienceFluxErr == 564.87836)
        #expect(row.ra == 63.3496284994 && row.dec == -47.1807580165)
    }

    @Test func emptyAnswersOfObjectZero() throws {
        for name in ["sources_0.json", "fp_0.json"] {
            #expect(try LSSTDecoder.photometryRows(try lsstFixtureData(name), source: name).rows.isEmpty)
        }
        #expect(try LSSTDecoder.objectRows(try lsstFixtureData("object_0.json"), source: "o").isEmpty)
    }

    // MARK: Ids

    @Test func idsAreExactFromIntegersAndStrings() throws {
        // Through Double these would change: the test would not see a Double-based decoder otherwise.
        #expect(Int64(Double(170_094_456_272_322_681)) != 170_094_456_272_322_681)
        let data = answer([
            ["r:diaObjectId": "170028485706776685", "r:diaSourceId": "170094456272322681", "r:visit": "2026030500055",
             "r:midpointMjdTai": "61105.1", "r:band": "\"g\""],
            ["r:diaObjectId": "\"170028485706776685\"", "r:diaSourceId": "\" 9223372036854775807\"", "r:visit": "\"2026030500057\"",
             "r:midpointMjdTai": "61105.2", "r:band": "\"r\""],
            ["r:diaObjectId": "\"nan\"", "r:diaSourceId": "null", "r:midpointMjdTai": "61105.3", "r:band": "\"r\""],
        ])
        let rows = try LSSTDecoder.photometryRows(data, source: "ids").rows
        #expect(rows.map(\.diaSourceId) == [170_094_456_272_322_681, .max, nil])
        #expect(rows.map(\.diaObjectId) == [170_028_485_706_776_685, 170_028_485_706_776_685, nil])
        #expect(rows.map(\.visit) == [2_026_030_500_055, 2_026_030_500_057, nil])
        let points = LSSTDecoder.points(rows, kind: .detection)
        #expect(points.map(\.alertId) == [nil, .max, 170_094_456_272_322_681])
    }

    @Test(arguments: ["1.5", "\"17009445627232268x\"", "true", "\"9223372036854775808\""])
    func unreadableIdsAreErrors(cell: String) throws {
        let data = answer([["r:diaSourceId": cell, "r:midpointMjdTai": "1", "r:band": "\"g\""]])
        let error = try #require(throws: FinkError.self) { try LSSTDecoder.photometryRows(data, source: "s") }
        let message = try #require(error.decodingMessage)
        #expect(message.hasPrefix("row 0, r:diaSourceId: expected an integer id"), "\(message)")
    }

    // MARK: Cell rules

    @Test func missingValuesInEveryShape() throws {
        let data = answer([
            ["r:midpointMjdTai": "61105.1", "r:band": "\"g\"", "r:psfFlux": "null", "r:psfFluxErr": "\"nan\"",
             "r:scienceFlux": "\"NaN\"", "r:scienceFluxErr": "\"None\"", "r:ra": "\"\"", "r:dec": "NaN"],
            // Missing keys, as in a `columns` answer where the column was null in every row of one object.
            ["r:midpointMjdTai": "61105.2", "r:band": "\"g\""],
        ])
        let rows = try LSSTDecoder.photometryRows(data, source: "s").rows
        #expect(rows.count == 2)
        for row in rows {
            #expect(row.psfFlux == nil && row.psfFluxErr == nil && row.scienceFlux == nil && row.scienceFluxErr == nil)
            #expect(row.ra == nil && row.dec == nil)
        }
        let points = LSSTDecoder.points(rows, kind: .detection)
        #expect(points.allSatisfy { $0.differenceFlux == nil && $0.totalFlux == nil && $0.isNegative == nil })
    }

    @Test func numericStringsAndNegativeValuesAreValues() throws {
        let data = answer([
            ["r:midpointMjdTai": "\"61105.0936434868\"", "r:band": "\"z\"", "r:psfFlux": "\"-999.0\"", "r:psfFluxErr": "\" 12.5 \"",
             "r:scienceFlux": "-999", "r:scienceFluxErr": "-1.0", "r:ra": "\"359.99\"", "r:dec": "-89.5"],
        ])
        let row = try #require(try LSSTDecoder.photometryRows(data, source: "s").rows.first)
        #expect(row.midpointMjdTai == 61105.0936434868)
        #expect(row.psfFlux == -999 && row.psfFluxErr == 12.5, "no −999 placeholder rule: fluxes are signed")
        #expect(row.scienceFlux == -999 && row.scienceFluxErr == -1)
        #expect(row.ra == 359.99 && row.dec == -89.5)
        let point = try #require(LSSTDecoder.points([row], kind: .detection).first)
        #expect(point.isNegative == true)
        #expect(point.differenceFlux == PhotometricValue(-999, error: 12.5, unit: .nanojansky))
        #expect(point.totalFlux?.value == -999 && point.totalFlux?.error == nil, "a negative error is no error")
    }

    @Test(arguments: [("r:psfFlux", "\"abc\"", "expected a number, found \"abc\""),
                      ("r:psfFlux", "true", "expected a number, found true"),
                      ("r:band", "3", "expected a string, found 3.0"),
                      ("r:midpointMjdTai", "[1]", "expected a number, found an array or object")])
    func unreadableCellsNameRowAndColumn(column: String, cell: String, problem: String) throws {
        var row = ["r:midpointMjdTai": "1", "r:band": "\"g\""]
        let good = row
        row[column] = cell
        let error = try #require(throws: FinkError.self) {
            try LSSTDecoder.photometryRows(answer([good, row]), source: "https://api/v1/sources")
        }
        #expect(error == .decoding(source: "https://api/v1/sources", message: "row 1, \(column): \(problem)"))
    }

    @Test func rowsWithoutTimeOrBandAreSkippedAndCounted() throws {
        let data = answer([
            ["r:diaObjectId": "1", "r:midpointMjdTai": "61105.1", "r:band": "\"g\""],
            ["r:diaObjectId": "1", "r:midpointMjdTai": "null", "r:band": "\"g\""],
            ["r:diaObjectId": "2", "r:midpointMjdTai": "61105.3", "r:band": "\"nan\""],
            ["r:diaObjectId": "1", "r:band": "\"r\""],
            ["r:midpointMjdTai": "61105.5"],
        ])
        let decoded = try LSSTDecoder.photometryRows(data, source: "s")
        #expect(decoded.rows.count == 1)
        #expect(decoded.skippedRows.map(\.index) == [1, 2, 3, 4])
        #expect(decoded.skippedRows.map(\.diaObjectId) == [1, 2, 1, nil])

        // Counted per object: in a two-id answer the id-less row belongs to neither.
        let both = LSSTDecoder.routeRows(decoded, ids: [1, 2], route: "/sources")
        let one = try #require(both[1])
        #expect(one.rows.count == 1 && one.skipped == 2 && one.answerCount == 3)
        #expect(both[2]?.rows.count == 0 && both[2]?.skipped == 1)
        let alone = try #require(LSSTDecoder.routeRows(decoded, ids: [1], route: "/sources")[1])
        #expect(alone.skipped == 3 && alone.answerCount == 4)
        #expect(LSSTDecoder.routeRows(decoded, ids: [1, 3], route: "/sources")[3]?.answerCount == 0)
        let key = try lsstKey("1")
        let data1 = LSSTDecoder.objectData(key: key, sources: one, forced: nil, object: nil, summaryFetched: false)
        #expect(data1.notes == ["2 /sources rows without a time or band skipped"])
        #expect(data1.points.count == 1)
    }

    @Test func errorBodiesAndEmptyBodiesNameTheSource() throws {
        let url = "https://api.lsst.fink-portal.org/api/v1/sources"
        let object = Data("{\"status\": \"error\", \"text\": \"boom\"}".utf8)
        let error = try #require(throws: FinkError.self) { try LSSTDecoder.photometryRows(object, source: url) }
        #expect(error.decodingSource == url)
        #expect(error.decodingMessage?.hasPrefix("expected a JSON array of rows, found an object: {\"status\"") == true)
        #expect(throws: FinkError.decoding(source: url, message: "the answer is empty (expected a JSON array of rows)")) {
            try LSSTDecoder.photometryRows(Data(), source: url)
        }
        let objects = try #require(throws: FinkError.self) { try LSSTDecoder.objectRows(object, source: "o.json") }
        #expect(objects.decodingSource == "o.json")
        let broken = try #require(throws: FinkError.self) { try LSSTDecoder.photometryRows(Data("[{\"r:band\": ".utf8), source: url) }
        #expect(broken.decodingMessage?.hasPrefix("not valid JSON") == true, "\(broken)")
    }

    // MARK: Splitting and sorting

    @Test func commaListAnswersSplitById() throws {
        let rows = [
            LSSTPhotometryRow(diaObjectId: 10, diaSourceId: 1, midpointMjdTai: 3, band: "g"),
            LSSTPhotometryRow(diaObjectId: 20, diaSourceId: 2, midpointMjdTai: 2, band: "g"),
            LSSTPhotometryRow(diaObjectId: 10, diaSourceId: 3, midpointMjdTai: 1, band: "r"),
            // A longer id under the same scan prefix: not asked, dropped.
            LSSTPhotometryRow(diaObjectId: 100, diaSourceId: 4, midpointMjdTai: 1, band: "r"),
            LSSTPhotometryRow(diaObjectId: nil, diaSourceId: 5, midpointMjdTai: 1, band: "r"),
        ]
        let split = LSSTDecoder.split(rows, ids: [10, 20, 30])
        #expect(split[10]?.map(\.diaSourceId) == [1, 3])
        #expect(split[20]?.map(\.diaSourceId) == [2])
        #expect(split[30] == nil && split[100] == nil)
        #expect(LSSTDecoder.split(rows, ids: [10])[10]?.map(\.diaSourceId) == [1, 3, 5], "one id: id-less rows are its")
    }

    @Test func pointsAreSortedNewestFirstWhateverTheOrder() throws {
        let rows: [LSSTPhotometryRow] = (0..<50).map { (i: Int) -> LSSTPhotometryRow in
            let k = (i * 37) % 50
            return LSSTPhotometryRow(diaObjectId: 1, diaSourceId: Int64(1000 + k), midpointMjdTai: 61000 + Double(k) / 10, band: "g")
        }
        let points = LSSTDecoder.points(rows, kind: .detection)
        let expected: [Int64?] = (0..<50).reversed().map { Int64(1000 + $0) }
        #expect(points.map(\.alertId) == expected)
        // Detection and forced point at one time: the detection first, whatever the input order.
        let same = [LSSTPhotometryRow(midpointMjdTai: 5, band: "g"), LSSTPhotometryRow(diaSourceId: 9, midpointMjdTai: 5, band: "g")]
        let data = LSSTDecoder.objectData(
            key: try lsstKey("1"), sources: .init(rows: [same[1]], answerCount: 1, skipped: 0, route: "/sources"),
            forced: .init(rows: [same[0]], answerCount: 1, skipped: 0, route: "/fp"), object: nil, summaryFetched: false)
        #expect(data.points.map(\.kind) == [.detection, .forced])
    }

    @Test func rowLimitNotePerRoute() throws {
        let key = try lsstKey("170028485706776685")
        let rows = (0..<10_000).map { LSSTPhotometryRow(diaObjectId: 1, diaSourceId: Int64($0), midpointMjdTai: Double($0), band: "g") }
        let full = LSSTDecoder.RouteRows(rows: rows, answerCount: 10_000, skipped: 0, route: "/sources")
        let fp = LSSTDecoder.RouteRows(rows: Array(rows.prefix(9_999)), answerCount: 9_999, skipped: 0, route: "/fp")
        let data = LSSTDecoder.objectData(key: key, sources: full, forced: fp, object: nil, summaryFetched: false)
        #expect(data.notes == ["the API returned 10,000 /sources rows, its limit: the newest alerts may be missing"])
        let fpFull = LSSTDecoder.RouteRows(rows: rows, answerCount: 10_000, skipped: 0, route: "/fp")
        let other = LSSTDecoder.objectData(key: key, sources: fp, forced: fpFull, object: nil, summaryFetched: false)
        #expect(other.notes == ["the API returned 10,000 /fp rows, its limit: the newest forced points may be missing"])
    }

    // MARK: Summary

    @Test func summaryOfTheFixtureObject() throws {
        let row = try #require(try LSSTDecoder.objectRows(try lsstFixtureData("object_170028485706776685.json"), source: "o").first)
        #expect(row.diaObjectId == 170_028_485_706_776_685)
        #expect(row.nDiaSources == 346)
        #expect(row.mainLabelClassifier == 11)
        #expect(row.mainLabelCrossmatch == nil, "absent from the answer")
        #expect(row.psfFluxNdata == ["u": 0, "g": 0, "r": 0, "i": 100, "z": 0, "y": 0])
        let summary = LSSTDecoder.summary(object: row, sources: [])
        #expect(summary.ra == 63.3495409347 && summary.dec == -47.180794484)
        #expect(summary.classification == "SN-like")
        #expect(summary.crossmatch == nil)
        #expect(summary.facts == [
            ObjectFact("diaSources", "346"),
            // The reason is the target's prefix: said once.
            ObjectFact("Target", "ddf_edfs_b, lowdust"),
        ])
    }

    @Test func summaryNeverShowsNan() throws {
        let data = answer([[
            "r:diaObjectId": "5", "r:ra": "10.5", "r:dec": "\"-3.25\"", "r:nDiaSources": "\"12\"",
            "r:observation_reason": "\"nan\"", "r:target_name": "null", "f:main_label_crossmatch": "\"NaN\"",
            "f:main_label_classifier": "99", "f:firstDiaSourceMjdTaiFink": "\"nan\"", "r:g_psfFluxNdata": "3.0",
            "r:r_psfFluxNdata": "\"nan\"", "r:y_psfFluxNdata": "\"7\"",
        ]])
        let row = try #require(try LSSTDecoder.objectRows(data, source: "o").first)
        let summary = LSSTDecoder.summary(object: row, sources: [])
        #expect(summary.ra == 10.5 && summary.dec == -3.25)
        #expect(summary.classification == "CATS class 99")
        #expect(summary.crossmatch == nil)
        #expect(summary.facts == [ObjectFact("diaSources", "12")])
        #expect(!summary.facts.contains { $0.value.lowercased().contains("nan") })
    }

    @Test func catsClasses() {
        #expect(LSSTDecoder.catsClassName(11) == "SN-like")
        #expect(LSSTDecoder.catsClassName(12) == "Fast")
        #expect(LSSTDecoder.catsClassName(13) == "Long")
        #expect(LSSTDecoder.catsClassName(21) == "Periodic")
        #expect(LSSTDecoder.catsClassName(22) == "Non-periodic")
        #expect(LSSTDecoder.catsClassName(-1) == "Unknown")
        #expect(LSSTDecoder.catsClassName(31) == "CATS class 31")
    }

    @Test func withoutObjectsRowThePositionIsTheSourcesMedian() throws {
        let rows = [
            LSSTPhotometryRow(ra: 359.9, dec: 1), LSSTPhotometryRow(ra: 0.2, dec: 2), LSSTPhotometryRow(ra: 0.1, dec: 30),
            LSSTPhotometryRow(ra: nil, dec: 4),
        ]
        let summary = LSSTDecoder.summary(object: nil, sources: rows)
        let ra = try #require(summary.ra)
        #expect(abs(ra - 0.1) < 1e-9, "the median across RA 0, not 120")
        #expect(summary.dec == 2)
        #expect(summary.classification == nil && summary.facts.isEmpty)

        let decoded = try LSSTDecoder.photometryRows(try lsstFixtureData("sources_170028513894596704.json"), source: "s")
        let fixture = LSSTDecoder.summary(object: nil, sources: decoded.rows)
        #expect(abs(try #require(fixture.ra) - 151.0996490452) < 1e-4)
        #expect(abs(try #require(fixture.dec) - 2.3013222) < 1e-4)
    }

    // MARK: Cutout arrays

    @Test func arrayAnswers() throws {
        #expect(try LSSTDecoder.stamps(fromArrayAnswer: Data(), source: "c").isEmpty, "empty body: no cutout")
        #expect(try LSSTDecoder.stamps(fromArrayAnswer: Data("\n".utf8), source: "c").isEmpty)
        let one = Data("{\"b:cutoutScience\":[[1.5,NaN],[-2.0,null],[3.0]]}\n".utf8)
        let stamps = try LSSTDecoder.stamps(fromArrayAnswer: one, source: "c")
        #expect(stamps.keys.sorted() == [.science])
        let science = try #require(stamps[.science])
        #expect(science.width == 2 && science.height == 3)
        #expect(science[0, 0] == 1.5 && science[0, 1].isNaN && science[1, 0] == -2 && science[2, 1].isNaN)
        let error = try #require(throws: FinkError.self) { try LSSTDecoder.stamps(fromArrayAnswer: Data("[1]".utf8), source: "c") }
        #expect(error.decodingMessage?.hasPrefix("expected a JSON object of stamps") == true)
    }

    // MARK: Speed

    /// 10,000 rows as the client asks for them decode in well under a second (about 0.05 s in
    /// release; this bound is for a debug build on a busy machine).
    @Test func tenThousandRowsDecodeFast() throws {
        let row = "{\"r:band\":\"i\",\"r:dec\":-47.1807580165,\"r:diaObjectId\":170028485706776685,\"r:diaSourceId\":1700944562723226%02d,"
            + "\"r:midpointMjdTai\":61105.09364%05d,\"r:psfFlux\":-19549.395,\"r:psfFluxErr\":555.80396,\"r:ra\":63.3496284994,"
            + "\"r:scienceFlux\":191474.06,\"r:scienceFluxErr\":564.87836}"
        let text = "[" + (0..<10_000).map { String(format: row, $0 % 100, $0) }.joined(separator: ",") + "]"
        let data = Data(text.utf8)
        let start = Date()
        let decoded = try LSSTDecoder.photometryRows(data, source: "big")
        let points = LSSTDecoder.points(decoded.rows, kind: .detection)
        let seconds = Date().timeIntervalSince(start)
        #expect(points.count == 10_000)
        #expect(seconds < 3, "\(seconds) s")
    }
}
