import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// The shared fixtures, decoded, must match Fixtures/README.md's table.
@Suite struct FixtureDecodingTests {
    @Test(arguments: fixtureTable)
    func countsPerTagAndBand(_ expected: FixtureCounts) throws {
        let rows = try RowDecoder.detections(from: fixtureData("\(expected.objectId).json"), source: "fixture")
        #expect(rows.count == expected.rows)
        #expect(count(rows, .valid, fid: 1) == expected.valid.g)
        #expect(count(rows, .valid, fid: 2) == expected.valid.r)
        #expect(count(rows, .upperLimit, fid: 1) == expected.upperLimit.g)
        #expect(count(rows, .upperLimit, fid: 2) == expected.upperLimit.r)
        #expect(count(rows, .badQuality, fid: 1) == expected.badQuality.g)
        #expect(count(rows, .badQuality, fid: 2) == expected.badQuality.r)
        #expect(rows.allSatisfy { $0.objectId == expected.objectId })
    }

    /// candids are above 2^53: any trip through Double would change their last digits.
    @Test(arguments: fixtureTable)
    func candidsAreExact(_ expected: FixtureCounts) throws {
        let data = try fixtureData("\(expected.objectId).json")
        let rows = try RowDecoder.detections(from: data, source: "fixture")
        #expect(rows.first { $0.tag == .valid }?.candid == expected.firstCandid)

        // Every candid literal of the file, in order, against the decoded values.
        let text = String(decoding: data, as: UTF8.self)
        let literals = text.matches(of: /"i:candid":(-?\d+)/).map { String($0.output.1) }
        #expect(literals.count == rows.count)
        let decoded = rows.map { $0.candid.map(String.init) ?? "-1" }
        #expect(decoded == literals)
        // Upper limits and bad-quality rows carry -1, which means "no alert".
        #expect(rows.filter { $0.tag != .valid }.allSatisfy { $0.candid == nil })
    }

    @Test func nullCutoutsGiveNoStamps() throws {
        let rows = try RowDecoder.detections(from: fixtureData("ZTF17aaacxxf.json"), source: "fixture")
        #expect(rows.count == 29)
        #expect(rows.allSatisfy { $0.stamps.isEmpty })
    }

    @Test func nanCornerSurvives() throws {
        let rows = try RowDecoder.detections(from: fixtureData("ZTF18acefvuh.json"), source: "fixture")
        let first = try #require(rows.first)
        #expect(first.candid == 1034527953215010006)
        #expect(Set(first.stamps.keys) == Set(StampKind.allCases))
        for kind in StampKind.allCases {
            let stamp = try #require(first.stamps[kind])
            #expect(stamp.width == 63 && stamp.height == 63)
            #expect(nanCount(stamp) == 157, "\(kind)")
        }
        // Only the newest valid row carries stamps in this fixture.
        #expect(rows.dropFirst().allSatisfy { $0.stamps.isEmpty })
        let science = try #require(first.stamps[.science])
        #expect(science[0, 11] == Float(201.1060180664))

        let ztf25 = try RowDecoder.detections(from: fixtureData("ZTF25ackyyzk.json"), source: "fixture")
        #expect(nanCount(ztf25.first?.stamps[.difference]) == 144)
    }

    @Test func fieldsOfAValidRow() throws {
        let rows = try RowDecoder.detections(from: fixtureData("ZTF18acefvuh.json"), source: "fixture")
        let first = try #require(rows.first)
        #expect(first.jd == 2458789.0279514)
        #expect(first.fid == 2)
        #expect(first.magpsf == 19.7299747467)
        #expect(first.sigmapsf == 0.1771982461)
        #expect(first.diffmaglim == 20.0958900452)
        #expect(first.isdiffpos == false)
        #expect(first.magnr == 18.9890003204)
        #expect(first.distnr == 0.1689724177)
        #expect(first.ra == 134.4394436)
        #expect(first.dec == 20.4628211)
        #expect(first.cdsxmatch == "Unknown")
        // Every detection of this object is negative, spelled f or 0.
        #expect(rows.filter { $0.magpsf != nil }.allSatisfy { $0.isdiffpos == false })
        // Upper limits carry only a limit.
        let limit = try #require(rows.first { $0.tag == .upperLimit })
        #expect(limit.magpsf == nil && limit.diffmaglim != nil && limit.isdiffpos == nil)
    }

    @Test func classificationAndCrossMatch() throws {
        let rows = try RowDecoder.detections(from: fixtureData("ZTF25ackyyzk.json"), source: "fixture")
        #expect(rows.compactMap(\.classification) == ["SN candidate"])
        #expect(rows.compactMap(\.cdsxmatch) == ["Unknown"])
        let other = try RowDecoder.detections(from: fixtureData("ZTF18aabjigr.json"), source: "fixture")
        #expect(other.compactMap(\.cdsxmatch) == ["EB*"])
    }

    /// The same object saved as `output-format: csv` must give the same detections.
    @Test func csvMatchesJSON() throws {
        let json = try RowDecoder.detections(from: fixtureData("ZTF18acefvuh.json"), source: "json")
        let csv = try RowDecoder.decodeCSV(fixtureData("ZTF18acefvuh.csv"), source: "csv")
        #expect(csv.skippedRows.isEmpty)
        #expect(csv.detections.count == json.count)
        for (a, b) in zip(csv.detections, json) {
            #expect(a.objectId == b.objectId)
            #expect(a.candid == b.candid)
            #expect(a.jd == b.jd)
            #expect(a.fid == b.fid)
            #expect(a.tag == b.tag)
            #expect(a.isdiffpos == b.isdiffpos)
            // JSON carries 10 decimals, CSV the full float repr.
            #expect(close(a.magpsf, b.magpsf) && close(a.sigmapsf, b.sigmapsf) && close(a.diffmaglim, b.diffmaglim))
            #expect(close(a.magnr, b.magnr) && close(a.distnr, b.distnr))
            #expect(a.cdsxmatch == b.cdsxmatch)
            #expect(Set(a.stamps.keys) == Set(b.stamps.keys))
            for (kind, stamp) in a.stamps {
                #expect(stampMismatch(stamp, b.stamps[kind]) == nil, "\(kind)")
            }
        }
        #expect(csv.detections.first?.stamps.count == 3)
        #expect(nanCount(csv.detections.first?.stamps[.template]) == 157)
    }

    /// The first differing pixel, or nil. JSON rounds to 10 decimals, which can move a tiny value
    /// (-0.0002691009 vs -0.0002691009431) by one float32 ulp, hence a tolerance.
    private func stampMismatch(_ a: Stamp, _ b: Stamp?) -> String? {
        guard let b else { return "missing" }
        guard a.width == b.width, a.height == b.height else { return "size \(a.width)×\(a.height) vs \(b.width)×\(b.height)" }
        for i in a.pixels.indices {
            let (x, y) = (a.pixels[i], b.pixels[i])
            if x.isNaN != y.isNaN || (!x.isNaN && abs(x - y) > 1e-6 * max(1, abs(x))) {
                return "pixel \(i): \(x) vs \(y)"
            }
        }
        return nil
    }

    private func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (x?, y?): abs(x - y) < 1e-8
        default: false
        }
    }
}
