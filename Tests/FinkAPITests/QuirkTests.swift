import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// What the live server sends and the fixtures do not show, built by editing fixture rows.
@Suite struct QuirkTests {
    // Parsed once for the whole suite (Swift Testing makes one suite instance per test).
    private static let fixture = Result { try fixtureRows("ZTF18acefvuh") }
    let original: [FixtureRow]
    let decodedOriginal: [Detection]

    init() throws {
        original = try Self.fixture.get()
        decodedOriginal = try RowDecoder.detections(from: jsonData(original), source: "original")
    }

    private func decode(_ rows: [FixtureRow], source: String = "quirk") throws -> [Detection] {
        try RowDecoder.detections(from: jsonData(rows), source: source)
    }

    private func decodingMessage(_ data: Data, source: String = "quirk") -> String? {
        do {
            _ = try RowDecoder.detections(from: data, source: source)
            Issue.record("decoding should have failed")
        } catch let FinkError.decoding(errorSource, message) {
            #expect(errorSource == source)
            return message
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    /// Every number on upper-limit and bad-quality rows sent as a string, candid included.
    @Test func numericStringsOnNonValidRows() throws {
        var rows = original
        var edited = 0
        for i in rows.indices where rows[i]["d:tag"] != "valid" {
            for (key, value) in rows[i] {
                if case .number(let text) = value { rows[i][key] = .string(text); edited += 1 }
            }
        }
        #expect(edited > 50)
        #expect(rows.contains { $0["i:fid"] == "2" && $0["i:candid"] == "-1" })
        #expect(try decode(rows) == decodedOriginal)
    }

    @Test func numericStringsWithExactCandid() throws {
        var rows = original
        rows[0]["i:candid"] = "1034527953215010006"
        rows[0]["i:fid"] = "2.0"
        rows[0]["i:magpsf"] = " 19.7299747467 "
        let decoded = try decode(rows)
        #expect(decoded[0].candid == 1034527953215010006)
        #expect(decoded == decodedOriginal)
    }

    /// i-band upper limits and bad-quality points exist on the live server.
    @Test func iBandRowsAreKept() throws {
        var rows = original
        let nonValid = rows.indices.filter { rows[$0]["d:tag"] != "valid" }
        rows[nonValid[0]]["i:fid"] = 3
        rows[nonValid[1]]["i:fid"] = "3"
        let decoded = try decode(rows)
        #expect(decoded.count == 26)
        #expect(decoded.filter { $0.fid == 3 }.count == 2)
        #expect(decoded.filter { $0.fid == 3 }.allSatisfy { $0.bandName == "i" && $0.tag != .valid })
    }

    @Test func missingOptionalColumns() throws {
        let removed = ["i:magnr", "i:sigmagnr", "i:distnr", "i:isdiffpos", "d:cdsxmatch", "i:candid", "d:tag"]
        let rows = original.map { row in row.filter { !removed.contains($0.key) } }
        #expect(rows.allSatisfy { $0["i:magnr"] == nil })
        let decoded = try decode(rows)
        #expect(decoded.count == 26)
        #expect(decoded.allSatisfy { $0.magnr == nil && $0.distnr == nil && $0.isdiffpos == nil && $0.candid == nil })
        // No d:tag at all (withupperlim not asked): every row is a valid alert.
        #expect(decoded.allSatisfy { $0.tag == .valid })
        #expect(decoded.map(\.magpsf) == decodedOriginal.map(\.magpsf))
    }

    @Test func placeholdersBecomeNil() throws {
        var rows = original
        rows[0]["i:magnr"] = -999.0
        rows[0]["i:sigmagnr"] = "-999.0"
        rows[0]["i:distnr"] = -999
        rows[0]["i:ra"] = "nan"
        rows[0]["i:dec"] = "None"
        rows[0]["i:magpsf"] = "NaN"
        rows[0]["i:sigmapsf"] = "null"
        rows[0]["i:diffmaglim"] = ""
        rows[0]["i:isdiffpos"] = "None"
        rows[0]["d:cdsxmatch"] = "nan"
        rows[0]["i:candid"] = -1
        let d = try #require(try decode(rows).first)
        #expect(d.magnr == nil && d.sigmagnr == nil && d.distnr == nil)
        #expect(d.ra == nil && d.dec == nil)
        #expect(d.magpsf == nil && d.sigmapsf == nil && d.diffmaglim == nil)
        #expect(d.isdiffpos == nil && d.cdsxmatch == nil && d.candid == nil)
        // Legitimately negative values are not placeholders.
        rows[0]["i:dec"] = -89.5
        rows[0]["i:magnr"] = -0.25
        let again = try #require(try decode(rows).first)
        #expect(again.dec == -89.5 && again.magnr == -0.25)
    }

    @Test func isdiffposSpellings() throws {
        let spellings: [(FixtureJSON, Bool?)] = [
            ("t", true), ("1", true), (1, true), (true, true), ("f", false), ("0", false), (0, false), (false, false),
            (.null, nil), ("None", nil),
        ]
        for (value, expected) in spellings {
            var rows = [original[0]]
            rows[0]["i:isdiffpos"] = value
            #expect(try decode(rows)[0].isdiffpos == expected, "\(value)")
        }
        var rows = [original[0]]
        rows[0]["i:isdiffpos"] = "maybe"
        let message = decodingMessage(jsonData(rows))
        #expect(message?.contains("row 0, i:isdiffpos") == true)
        #expect(message?.contains("maybe") == true)
    }

    @Test func rowsOfTwoObjectsMixed() throws {
        let other = try fixtureRows("ZTF18aabjigr")
        let mixed = (original + other).sorted { ($0["i:jd"]?.doubleValue ?? 0) > ($1["i:jd"]?.doubleValue ?? 0) }
        let decoded = try decode(mixed)
        #expect(decoded.count == 26 + 31)
        #expect(decoded.filter { $0.objectId == "ZTF18acefvuh" }.count == 26)
        #expect(decoded.filter { $0.objectId == "ZTF18aabjigr" }.count == 31)
        // Genuinely interleaved, not two blocks.
        let switches = zip(decoded, decoded.dropFirst()).filter { $0.objectId != $1.objectId }.count
        #expect(switches > 2)
    }

    /// An −3.4e38 (float32 −max) pixel is a missing pixel; an edge stamp is 58×63.
    @Test func sentinelsAndSmallStamps() throws {
        var rows = original
        var science = try #require(rows[0]["b:cutoutScience_stampData"]?.arrayValue, "fixture has no science stamp")
        var row30 = try #require(science[30].arrayValue, "the science stamp has no row 30")
        row30[30] = .number("-3.4028235e+38")
        row30[31] = .number("3.4028234663852886e+38")
        science[30] = .array(row30)
        rows[0]["b:cutoutScience_stampData"] = .array(science)
        rows[0]["b:cutoutTemplate_stampData"] = .array(Array(science.prefix(58)))
        rows[0]["b:cutoutDifference_stampData"] = []
        rows[1]["b:cutoutScience_stampData"] = .null

        let decoded = try decode(rows)
        let stamps = decoded[0].stamps
        let s = try #require(stamps[.science])
        #expect(s[30, 30].isNaN && s[30, 31].isNaN)
        #expect(nanCount(s) == 157 + 2)
        let t = try #require(stamps[.template])
        #expect(t.height == 58 && t.width == 63)
        #expect(stamps[.difference] == nil, "an empty [] stamp is no stamp")
        #expect(decoded[1].stamps.isEmpty)
    }

    @Test func bareNaNTokensInObjectRows() throws {
        // Python's json writes NaN when pandas does not turn it into null; accept it anywhere.
        var text = String(decoding: jsonData([original[0]]), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"i:magnr\":18.9890003204", with: "\"i:magnr\":NaN")
        text = text.replacingOccurrences(of: "\"i:sigmagnr\":0.0209999997", with: "\"i:sigmagnr\":-Infinity")
        #expect(text.contains("NaN") && text.contains("-Infinity"))
        let d = try #require(try RowDecoder.detections(from: Data(text.utf8), source: "nan").first)
        #expect(d.magnr == nil && d.sigmagnr == nil)
        #expect(d.magpsf == 19.7299747467)
    }

    @Test func nanInsideStringsIsLeftAlone() throws {
        var rows = [original[0]]
        rows[0]["d:cdsxmatch"] = "NaN-like \"Infinity\" name"
        #expect(try decode(rows)[0].cdsxmatch == "NaN-like \"Infinity\" name")
    }

    // MARK: Required columns: absent → error, placeholder → skipped

    @Test func absentRequiredColumnIsAnError() throws {
        var rows = original
        rows[4]["i:jd"] = nil
        let message = decodingMessage(jsonData(rows))
        #expect(message == "row 4 has no 'i:jd' column, which is required")
    }

    @Test func placeholderRequiredValueSkipsTheRow() throws {
        var rows = original
        rows[4]["i:jd"] = .null
        rows[7]["i:fid"] = "nan"
        rows[9]["i:objectId"] = "None"
        let decoded = try RowDecoder.decodeJSON(jsonData(rows), source: "quirk")
        #expect(decoded.skippedRows == [4, 7, 9])
        #expect(decoded.detections.count == 23)
    }

    @Test func unreadableValuesAreErrors() throws {
        var rows = original
        rows[2]["i:fid"] = "g"
        #expect(decodingMessage(jsonData(rows)) == "row 2, i:fid: \"g\" is not a number")
        rows = original
        rows[3]["i:magpsf"] = "bright"
        #expect(decodingMessage(jsonData(rows))?.hasPrefix("row 3, i:magpsf") == true)
        rows = original
        rows[5]["d:tag"] = "weird"
        #expect(decodingMessage(jsonData(rows))?.contains("unknown tag \"weird\"") == true)
        rows = original
        rows[0]["i:fid"] = 1.5
        #expect(decodingMessage(jsonData(rows))?.contains("i:fid") == true)
    }

    @Test func malformedJSONNamesTheSource() throws {
        var data = jsonData(Array(original.prefix(2)))
        data.removeLast(20)
        let message = decodingMessage(data, source: "https://example.org/api/v1/objects")
        #expect(message?.hasPrefix("not valid JSON: ") == true)

        // A syntax error says where, with the text around it.
        let garbled = decodingMessage(Data(#"[{"i:jd": 2458789.5, "i:fid": oops}]"#.utf8))
        #expect(garbled?.contains("around character 30") == true)
        #expect(garbled?.contains("oops") == true)

        let error = FinkError.decoding(source: "https://example.org/api/v1/objects", message: message ?? "")
        #expect(error.description.hasPrefix("could not read the answer from https://example.org/api/v1/objects: "))

        let object = decodingMessage(Data(#"{"status": "error"}"#.utf8))
        #expect(object?.contains("expected a JSON array of rows, found an object") == true)
        #expect(decodingMessage(Data()) != nil)
        // A stamp that is not a 2-D array costs only that stamp, and its note says where (issue #12).
        var rows = [original[0]]
        rows[0]["b:cutoutScience_stampData"] = "base64..."
        let stamp = try decode(rows).first?.stampProblems[.science]
        #expect(stamp?.hasPrefix("row 0 at MJD") == true && stamp?.contains("b:cutoutScience_stampData") == true)
    }

    @Test func emptyAnswerIsNoRows() throws {
        #expect(try RowDecoder.detections(from: Data("[]".utf8), source: "empty").isEmpty)
        #expect(try RowDecoder.detections(from: Data(" [ ]\n".utf8), source: "empty").isEmpty)
    }

    // MARK: /api/v1/cutouts answers

    @Test func cutoutsBodyWithBareNaN() throws {
        let data = try fixtureData("cutouts/ZTF18acefvuh_1034527953215010006.json")
        #expect(String(decoding: data, as: UTF8.self).contains("[NaN,NaN"))
        // A strict parser refuses it: the pre-pass is what makes it readable.
        #expect(throws: (any Error).self) { try JSONSerialization.jsonObject(with: data) }
        let stamps = try RowDecoder.stamps(fromCutouts: data, kinds: StampKind.allCases, source: "cutouts")
        #expect(stamps.count == 3)
        for kind in StampKind.allCases {
            #expect(stamps[kind]?.width == 63 && stamps[kind]?.height == 63)
            #expect(nanCount(stamps[kind]) == 157, "\(kind)")
        }
        // The same alert as the objects fixture's first row: the same pixels (there at 10 decimals).
        let fromObjects = try #require(decodedOriginal.first?.stamps[.science])
        let fromCutouts = try #require(stamps[.science])
        let maxDifference = zip(fromObjects.pixels, fromCutouts.pixels)
            .filter { !$0.0.isNaN }
            .map { abs($0.0 - $0.1) }.max() ?? .infinity
        #expect(maxDifference < 1e-4)
    }

    @Test func cutoutsInfinityTokensAndMissingKind() throws {
        let body = #"{"b:cutoutScience_stampData": [[1.0, NaN], [-Infinity, Infinity]], "b:cutoutTemplate_stampData": null}"#
        let stamps = try RowDecoder.stamps(fromCutouts: Data(body.utf8), kinds: [.science, .template], source: "c")
        #expect(stamps[.science]?.pixels.filter(\.isNaN).count == 3)
        #expect(stamps[.template] == nil)
        #expect(throws: FinkError.self) {
            try RowDecoder.stamps(fromCutouts: Data(body.utf8), kinds: [.difference], source: "c")
        }
    }

    /// 10,000 rows (the fixture's, without stamps) decode completely and in order. Speed is for a
    /// benchmark, not a timed test.
    @Test func tenThousandRowsDecode() throws {
        let plain = original.map { FixtureJSON.object($0.filter { !$0.key.hasPrefix("b:") }).serialized() }
        let texts = (0..<10_000).map { plain[$0 % plain.count] }
        let data = Data(("[" + texts.joined(separator: ",") + "]").utf8)
        let decoded = try RowDecoder.detections(from: data, source: "big")
        #expect(decoded.count == 10_000)
        #expect(decoded[plain.count].jd == decoded[0].jd && decoded[1].jd != decoded[0].jd)
    }
}
