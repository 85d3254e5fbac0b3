import FinkPlotKit
import FinkTestServer
import Foundation
import PlotCore
import Testing

/// Fixtures/lsst parsed once for the suite: parsing 2.7 MB in a debug build takes seconds of a
/// cooperative thread that the in-process servers need.
private let rubinFixtures = Result { try LSSTFixtures.read(fixturesDirectory().appendingPathComponent("lsst")) }

/// Rubin objects through the `finkplot` binary, against the in-process LSST server (and the ZTF
/// one for mixed lists) and offline: what a user runs, with what reaches the server.
@Suite(.serialized) struct RubinEndToEndTests {
    static let fading = "170028485706776685"
    static let cosmos = "170028513894596704"
    static let latestOfFading: Int64 = 170_094_456_272_322_680

    var lsstFixtures: URL { fixturesDirectory().appendingPathComponent("lsst") }

    /// The shared runner (its blocking waits on threads of their own, not Dispatch's pool, where
    /// they would starve other tests' URLSession work), with a cache of the test's own.
    func run(_ arguments: [String], in dir: URL) async throws -> (status: Int32, out: String, err: String) {
        let r = try await runFinkplot(arguments, in: dir, environment: ["XDG_CACHE_HOME": dir.appendingPathComponent("xdg-cache").path])
        return (r.status, r.out, r.err)
    }

    func server() async throws -> LSSTFixtureServer {
        let server = try await LSSTFixtureServer()
        try await server.load(try rubinFixtures.get())
        return server
    }

    func body(_ r: RecordedRequest) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: r.body) as? [String: Any]) ?? [:]
    }

    @Test func lightcurveAsksSourcesAndForcedPhotometryWithIdsAsStrings() async throws {
        let lsst = try await server()
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await run(["lightcurve", Self.fading, "--api-url", lsst.baseURL.absoluteString, "--no-cache", "--y", "diffflux",
                               "-o", "lc.png", "--table", "lc.csv"], in: dir)
        let requests = await lsst.requests
        await lsst.stop()
        #expect(r.status == 0, "\(r.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("lc.png").path))
        let paths = requests.map(\.path)
        #expect(paths.contains("/api/v1/sources") && paths.contains("/api/v1/fp"), "\(paths)")
        for request in requests where request.path != "/api/v1/cutouts" {
            let b = body(request)
            // A JSON number is an HTTP 500 on the real server.
            #expect(b["diaObjectId"] as? String == Self.fading, "\(b)")
            let columns = (b["columns"] as? String ?? "").split(separator: ",").map(String.init)
            #expect(columns.contains("r:midpointMjdTai"))
            #expect(columns.allSatisfy { $0.hasPrefix("r:") || $0.hasPrefix("f:") }, "a ZTF family would make the answer []")
        }
        let csv = String(decoding: try Data(contentsOf: dir.appendingPathComponent("lc.csv")), as: UTF8.self)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "diaObjectId,band,tag,diaSourceId,mjd,x_mjd,y_flux_ujy,y_err")
        // 200 diaSources and 219 forced points of the fixture (shared README), all drawn in diffflux.
        #expect(lines.dropFirst().filter { $0.contains(",valid,") }.count == 200)
        #expect(lines.dropFirst().filter { $0.contains(",forced,") }.count == 219)
        // Negative fluxes are drawn as they are: 135 of the diaSources.
        let negative = lines.dropFirst().filter { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return f[2] == "valid" && (Double(f[6]) ?? 0) < 0
        }
        #expect(negative.count == 135)
        #expect(csv.contains(",valid,\(Self.latestOfFading),"), "each detection carries its diaSourceId")
    }

    @Test func mixedListsGoToEachSurveysAPI() async throws {
        let lsst = try await server()
        let ztf = try await FixtureServer()
        try await ztf.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF18acefvuh.json"))
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await run(["lightcurve", "ZTF18acefvuh", Self.fading, Self.cosmos, "--no-cache",
                               "--api-url", "ztf=\(ztf.baseURL.absoluteString)", "--api-url", "lsst=\(lsst.baseURL.absoluteString)",
                               "--output-dir", "figs"], in: dir)
        let lsstPaths = await lsst.requests.map(\.path), ztfPaths = await ztf.requests.map(\.path)
        await lsst.stop()
        await ztf.stop()
        #expect(r.status == 0, "\(r.err)")
        for name in ["ZTF18acefvuh", Self.fading, Self.cosmos] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("figs/\(name)_lightcurve.png").path), "\(name)")
        }
        #expect(ztfPaths == ["/api/v1/objects"])
        // One chunk: one request per route for both Rubin ids.
        #expect(lsstPaths.sorted() == ["/api/v1/fp", "/api/v1/sources"], "\(lsstPaths)")
    }

    @Test func aPlainAPIURLWithSeveralSurveysIsAUsageError() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await run(["lightcurve", "ZTF18acefvuh", Self.fading, "--api-url", "http://127.0.0.1:9", "--output-dir", "x"], in: dir)
        #expect(r.status == 64)
        #expect(r.err.contains("lsst="), "\(r.err)")
    }

    @Test func unknownAndSSOIdsSayNoDataAndMalformedIdsAreNeverSent() async throws {
        let lsst = try await server()
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await run(["lightcurve", "0", "170028485706776999", "12345678901234567890123", "--no-cache",
                               "--api-url", lsst.baseURL.absoluteString, "--output-dir", "figs"], in: dir)
        let sent = await lsst.requests.map { body($0)["diaObjectId"] as? String ?? "" }
        await lsst.stop()
        #expect(r.status == 1)
        let manifest = try String(contentsOf: dir.appendingPathComponent("figs/manifest.jsonl"), encoding: .utf8)
        #expect(manifest.contains("no data for 0 at \(lsst.baseURL.absoluteString)"), "\(manifest)")
        #expect(manifest.contains("no data for 170028485706776999 at"))
        #expect(manifest.contains("\"status\":\"invalid\""))
        #expect(!sent.contains { $0.contains("12345678901234567890123") }, "a malformed id reached the server")
    }

    /// An SSO alert has no diaObject (diaObjectId 0): its lightcurve is "no data", its stamps are
    /// drawn from the diaSourceId alone.
    @Test func anSSOAlertsStampsAreDrawnByItsDiaSourceId() async throws {
        let lsst = try await server()
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let api = lsst.baseURL.absoluteString
        let lc = try await run(["lightcurve", "0", "--no-cache", "--api-url", api, "-o", "lc.png"], in: dir)
        #expect(lc.status == 1 && lc.err.contains("no data for 0 at"), "\(lc.err)")
        await lsst.clearRequests()
        let cut = try await run(["cutouts", "0", "--candid", "170094456480989258", "--no-cache", "--api-url", api, "-o", "sso.png"], in: dir)
        let cutouts = await lsst.requests.filter { $0.path == "/api/v1/cutouts" }
        await lsst.stop()
        #expect(cut.status == 0, "\(cut.err)")
        #expect(cutouts.count == 1 && body(cutouts[0])["diaSourceId"] as? String == "170094456480989258")
        #expect(cut.err.contains("stamps of alert 170094456480989258 alone"), "\(cut.err)")
        let png = try Data(contentsOf: dir.appendingPathComponent("sso.png"))
        #expect(png.count > 5_000)
    }

    @Test func cardAsksTheSummaryAndOneStampRequest() async throws {
        let lsst = try await server()
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await run(["card", Self.fading, "--no-cache", "--api-url", lsst.baseURL.absoluteString, "-o", "card.png"], in: dir)
        let requests = await lsst.requests
        await lsst.stop()
        #expect(r.status == 0, "\(r.err)")
        #expect(requests.map(\.path).contains("/api/v1/objects"))
        let cutouts = requests.filter { $0.path == "/api/v1/cutouts" }
        #expect(cutouts.count == 1, "all three stamps in one kind=All request")
        let b = try #require(cutouts.first.map(body))
        #expect(b["diaSourceId"] as? String == String(Self.latestOfFading))
        #expect(b["kind"] as? String == "All" && b["output-format"] as? String == "array")
        let png = try Data(contentsOf: dir.appendingPathComponent("card.png"))
        #expect(png.count > 10_000)
    }

    @Test func offlineFromSavedAnswersWithFITSStampsAndARenderedSpec() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let from = lsstFixtures.path
        let cut = try await run(["cutouts", Self.fading, "--from", from, "-o", "c.png", "--colorbar"], in: dir)
        #expect(cut.status == 0, "\(cut.err)")
        let card = try await run(["card", Self.fading, "--from", from, "-o", "card.pdf", "--save-spec", "card.json"], in: dir)
        #expect(card.status == 0, "\(card.err)")
        let again = try await run(["render", "card.json", "-o", "again.pdf"], in: dir)
        #expect(again.status == 0, "\(again.err)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("card.pdf")) == Data(contentsOf: dir.appendingPathComponent("again.pdf")),
                "the same data and spec give the same bytes")
        let spec = String(decoding: try Data(contentsOf: dir.appendingPathComponent("card.json")), as: UTF8.self)
        #expect(spec.contains("\"version\" : 2"))
    }

    @Test func theCacheServesARerunWithoutRequestsAndOffline() async throws {
        let lsst = try await server()
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let api = lsst.baseURL.absoluteString
        let first = try await run(["card", Self.cosmos, "--api-url", api, "--cache", "cache", "-o", "a.png"], in: dir)
        #expect(first.status == 0, "\(first.err)")
        await lsst.clearRequests()
        let second = try await run(["card", Self.cosmos, "--api-url", api, "--cache", "cache", "-o", "b.png"], in: dir)
        let offline = try await run(["lightcurve", Self.cosmos, "--api-url", api, "--cache", "cache", "--offline", "-o", "c.png"], in: dir)
        let requests = await lsst.requests
        await lsst.stop()
        #expect(second.status == 0 && offline.status == 0, "\(second.err) \(offline.err)")
        #expect(requests.isEmpty, "\(requests.map(\.path))")
    }
}

/// Rubin photometry as drawn: Fink's formulas to 1e-6, every point where it belongs.
@Suite struct RubinPhotometryTests {
    func object(_ id: String) throws -> ObjectData {
        let dir = fixturesDirectory().appendingPathComponent("lsst")
        let sources = try LSSTDecoder.photometryRows(Data(contentsOf: dir.appendingPathComponent("sources_\(id).json")), source: "s")
        let forced = try LSSTDecoder.photometryRows(Data(contentsOf: dir.appendingPathComponent("fp_\(id).json")), source: "f")
        let key = try Surveys.key(id)
        #expect(key.survey == .lsst)
        let id = try #require(Int64(id))
        let rows = LSSTDecoder.routeRows(sources, ids: [id], route: "sources")
        let fp = LSSTDecoder.routeRows(forced, ids: [id], route: "fp")
        return LSSTDecoder.objectData(key: key, sources: try #require(rows[id]), forced: fp[id], object: nil, summaryFetched: false)
    }

    @Test func scienceMagnitudeIsFinksFormula() throws {
        let data = try object(RubinEndToEndTests.fading)
        let lc = try LightcurveBuilder.build(data)
        #expect(lc.quantity == .totalMagnitude, "Rubin's default is the science magnitude")
        let byAlert = Dictionary(uniqueKeysWithValues: data.points.compactMap { p in p.alertId.map { ($0, p) } })
        for point in lc.points {
            let p = try #require(point.alertId.flatMap { byAlert[$0] })
            let f = try #require(p.totalFlux)
            #expect(abs(point.y - (31.4 - 2.5 * log10(f.value))) < 1e-6)
            #expect(abs((point.yError ?? 0) - 2.5 / log(10.0) * (f.error ?? 0) / f.value) < 1e-6)
        }
        #expect(lc.points.count == 200)
        #expect(lc.chart.xAxis.title == "MJD (TAI)")
    }

    @Test func differenceMagnitudeKeepsSN5AndDrawsForcedLimits() throws {
        let data = try object(RubinEndToEndTests.fading)
        let lc = try LightcurveBuilder.build(data, options: LightcurveOptions(y: .differenceMagnitude))
        for point in lc.points where point.tag == .upperLimit {
            let p = try #require(data.points.first { $0.kind == .forced && $0.mjd == point.mjd && $0.band == point.band })
            let sigma = try #require(p.differenceFlux?.error)
            #expect(abs(point.y - (31.4 - 2.5 * log10(5 * sigma))) < 1e-6)
        }
        for point in lc.points where point.tag == .detection {
            let p = try #require(data.points.first { $0.alertId == point.alertId })
            let f = try #require(p.differenceFlux)
            #expect(f.value > 0 && f.value / (f.error ?? .infinity) >= 5)
            #expect(abs(point.y - (31.4 - 2.5 * log10(f.value))) < 1e-6)
        }
        #expect(lc.notes.contains { $0.contains("S/N < 5") })
    }

    @Test func everyBandHasItsOwnShapeAndForcedPointsTheirOwnSeries() throws {
        let lc = try LightcurveBuilder.build(try object(RubinEndToEndTests.cosmos), options: LightcurveOptions(y: .differenceFlux))
        let roles = Set(lc.chart.series.map(\.role))
        #expect(roles.isSuperset(of: ["g.valid", "r.valid", "i.valid", "z.valid", "y.forced"]), "\(roles.sorted())")
        let shapes = Dictionary(grouping: lc.chart.series.filter { $0.role.hasSuffix(".valid") }, by: { $0.marker.shape })
        #expect(shapes.count == 4, "four bands with detections, four shapes")
        let forced = try #require(lc.chart.series.first { $0.role == "i.forced" }?.marker as MarkerStyle?)
        #expect(forced.fill == nil, "forced photometry is an open marker")
        #expect(lc.chart.legend.contains { $0.label.hasPrefix("forced photometry") })
        #expect(lc.chart.yAxis.title == "Difference flux (µJy)")
    }

    @Test func theDateAxisIsUTC() throws {
        let data = try object(RubinEndToEndTests.fading)
        let lc = try LightcurveBuilder.build(data, options: LightcurveOptions(time: .date))
        let first = try #require(lc.points.first)
        // TAI − UTC = 37 s.
        #expect(abs((first.mjd - first.x) * 86_400 - 37) < 1e-3)
        #expect(lc.chart.xAxis.title == "Date (UTC)")
    }
}
