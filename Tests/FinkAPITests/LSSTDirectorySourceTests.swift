import FinkAPI
import Foundation
import Testing

/// LSSTDirectorySource over Fixtures/lsst, and over scratch directories for what is missing.
@Suite struct LSSTDirectorySourceTests {
    let source = LSSTDirectorySource(directory: lsstFixturesDirectory, shownAs: "Fixtures/lsst")

    @Test func readsTheThreeObjectsWithSummaries() async throws {
        let keys = try lsstFixtureTable.map { try lsstKey($0.id) }
        let results = try await source.objects(keys, needs: .card)
        #expect(results.count == 3)
        for expected in lsstFixtureTable {
            let data = try success(results[try lsstKey(expected.id)])
            #expect(data.timeScale == .tai)
            #expect(data.hasFullSummary)
            #expect(data.notes.isEmpty, "\(data.notes)")
            let detections = data.points.filter { $0.kind == .detection }
            let forced = data.points.filter { $0.kind == .forced }
            #expect(detections.count == expected.sources && forced.count == expected.forced)
            #expect(perBand(detections) == expected.sourcesPerBand && perBand(forced) == expected.forcedPerBand)
            #expect(data.detectionsNewestFirst.first?.alertId == expected.latestSource)
            #expect(zip(data.points, data.points.dropFirst()).allSatisfy { $0.mjd >= $1.mjd })
            #expect(data.summary.classification == "SN-like")
            #expect(data.summary.facts.first?.label == "diaSources")
        }
        let cosmos = try success(results[try lsstKey("170028513894596704")])
        #expect(cosmos.summary.ra == 151.0996490452 && cosmos.summary.dec == 2.3013222)
        // The target "ddf_cosmos, lowdust" repeats the observation reason, so only it is shown.
        #expect(cosmos.summary.facts.contains(ObjectFact("Target", "ddf_cosmos, lowdust")))
        #expect(!cosmos.summary.facts.contains { $0.label == "Observation reason" })
        #expect(cosmos.summary.facts.contains(ObjectFact("diaSources", "377")))
    }

    @Test func lightcurveNeedsLeaveTheSummaryFileAlone() async throws {
        let key = try lsstKey("314002971860926640")
        let data = try success(try await source.objects([key], needs: .lightcurve)[key])
        #expect(!data.hasFullSummary)
        #expect(data.summary.classification == nil && data.summary.facts.isEmpty)
        // The median of the diaSources' positions instead of the diaObject's.
        #expect(abs(try #require(data.summary.ra) - 63.2490932681) < 1e-3)
        #expect(abs(try #require(data.summary.dec) - -46.9014724345) < 1e-3)
    }

    @Test func objectZeroHasNoData() async throws {
        let key = try lsstKey("0")
        let error = failure(try await source.objects([key], needs: .card)[key])
        #expect(error == .noData(objectId: "0", source: "Fixtures/lsst/sources_0.json"))
        #expect(error?.description == "no data for 0 at Fixtures/lsst/sources_0.json")
    }

    @Test func aMissingSourcesFileIsAFileError() async throws {
        let key = try lsstKey("170028485706776686")
        let results = try await source.objects([key, try lsstKey("170028485706776685")], needs: .lightcurve)
        let error = failure(results[key])
        #expect(error == .file(path: "Fixtures/lsst/sources_170028485706776686.json", message: "no saved /sources answer for 170028485706776686"))
        _ = try success(results[try lsstKey("170028485706776685")])
    }

    @Test func missingOptionalFilesMeanNoForcedPointsAndNoSummary() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try lsstFixtureData("sources_170028485706776685.json")
            .write(to: directory.appendingPathComponent("sources_170028485706776685.json"))
        let shown = LSSTDirectorySource(directory: directory, shownAs: "saved/")
        let key = try lsstKey("170028485706776685")
        let data = try success(try await shown.objects([key], needs: .card)[key])
        #expect(data.points.count == 200 && data.points.allSatisfy { $0.kind == .detection })
        #expect(data.notes == ["no /objects summary for this object"])
        #expect(data.hasFullSummary)
        #expect(data.summary.ra != nil, "position from the diaSources")
    }

    @Test func unreadableFilesNameThemselves() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{\"status\": \"error\"}".utf8).write(to: directory.appendingPathComponent("sources_5.json"))
        let key = try lsstKey("5")
        let error = failure(try await LSSTDirectorySource(directory: directory, shownAs: "d").objects([key], needs: .lightcurve)[key])
        #expect(error?.decodingSource == "d/sources_5.json")
    }

    @Test func otherSurveysKeysFail() async throws {
        let key = ObjectKey(survey: Survey("ztf"), validatedId: "ZTF21aaxtctv")
        let error = failure(try await source.objects([key], needs: .lightcurve)[key])
        #expect(error == .invalidObjectId("ZTF21aaxtctv", reason: "it is a ztf id, not a Rubin diaObjectId"))
    }

    @Test func stampsFromFITSFiles() async throws {
        let stamps = try await source.stamps(of: lsstAlert(170_094_456_272_322_680), object: try lsstKey("170028485706776685"))
        #expect(stamps.keys.sorted() == StampKind.allCases)
        let science = try #require(stamps[.science])
        #expect(science.width == 30 && science.pixels[0] == Float(-44.19364929199219))
    }

    @Test func stampsFromTheArrayFileWhenNoFITS() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cutouts = directory.appendingPathComponent("cutouts")
        try FileManager.default.createDirectory(at: cutouts, withIntermediateDirectories: true)
        try lsstFixtureData("cutouts/170094456523456557_All.json").write(to: cutouts.appendingPathComponent("170094456523456557_All.json"))
        try lsstFixtureData("cutouts/170094456523456557_Template.fits").write(to: cutouts.appendingPathComponent("170094456523456557_Template.fits"))
        let saved = LSSTDirectorySource(directory: directory, shownAs: "d")
        let key = try lsstKey("170028513894596704")
        let stamps = try await saved.stamps(of: lsstAlert(170_094_456_523_456_557), object: key)
        #expect(stamps.keys.sorted() == StampKind.allCases)
        let fromFixtures = try await source.stamps(of: lsstAlert(170_094_456_523_456_557), object: key)
        #expect(stamps == fromFixtures, "the array file holds the FITS pixels")
        #expect(try await saved.stamps(of: lsstAlert(170_094_456_523_456_558), object: key).isEmpty, "none saved: no stamps")
    }

    private func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("finkplot-lsst-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
