import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// LSSTClient against LSSTFixtureServer on 127.0.0.1: the requests as sent, the answers as the
/// real server's code gives them.
@Suite struct LSSTClientTests {
    @Test func requestShapeIdsAsStrings() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let key = try lsstKey("170028485706776685")
            let data = try success(try await lsstClient(for: server).objects([key], needs: .card)[key])

            let requests = await server.requests
            #expect(requests.map(\.path).sorted() == ["/api/v1/fp", "/api/v1/objects", "/api/v1/sources"])
            for request in requests {
                #expect(request.method == "POST")
                #expect(request.headers["content-type"] == "application/json")
                let body = try #require(request.json)
                #expect(body["diaObjectId"] == .string("170028485706776685"), "a JSON string, never a number")
                #expect(String(decoding: request.body, as: UTF8.self).contains("\"diaObjectId\":\"170028485706776685\""))
                #expect(body["output-format"] == "json")
                let columns = try #require(body["columns"]?.stringValue).split(separator: ",").map(String.init)
                #expect(columns.contains("r:diaObjectId"))
                #expect(columns.allSatisfy { $0.hasPrefix("r:") || $0.hasPrefix("f:") })
                switch request.path {
                case "/api/v1/sources":
                    #expect(columns.contains("r:midpointMjdTai") && columns.contains("r:diaSourceId") && columns.contains("r:psfFlux"))
                    #expect(Set(columns) == ["r:diaObjectId", "r:midpointMjdTai", "r:diaSourceId", "r:band", "r:psfFlux", "r:psfFluxErr",
                                             "r:scienceFlux", "r:scienceFluxErr", "r:ra", "r:dec"])
                case "/api/v1/fp":
                    #expect(columns.contains("r:midpointMjdTai"))
                    #expect(!columns.contains("r:diaSourceId") && columns.allSatisfy { $0.hasPrefix("r:") })
                default:
                    #expect(columns.contains("f:main_label_classifier") && columns.contains("r:nDiaSources"))
                }
            }
            #expect(data.points.filter { $0.kind == .detection }.count == 200)
            #expect(data.points.filter { $0.kind == .forced }.count == 219)
            #expect(data.detectionsNewestFirst.first?.alertId == 170_094_456_272_322_680)
            #expect(data.summary.classification == "SN-like" && data.hasFullSummary)
            #expect(data.summary.ra == 63.3495409347)
            #expect(data.notes.isEmpty)
        }
    }

    @Test func lightcurveNeedsSkipObjects() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let key = try lsstKey("314002971860926640")
            let data = try success(try await lsstClient(for: server).objects([key], needs: .lightcurve)[key])
            #expect(await server.requests.map(\.path).sorted() == ["/api/v1/fp", "/api/v1/sources"])
            #expect(!data.hasFullSummary && data.summary.classification == nil)
            #expect(data.points.count == 220 + 198)
            #expect(data.summary.ra != nil, "median of the diaSources")
        }
    }

    /// One request per route for a chunk, the answers split by r:diaObjectId.
    @Test func commaListChunkOfThree() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let keys = try lsstFixtureTable.map { try lsstKey($0.id) }
            let results = try await lsstClient(for: server).objects(keys + [keys[0]], needs: .card)

            let requests = await server.requests
            #expect(requests.count == 3)
            let list = "170028485706776685,170028513894596704,314002971860926640"
            #expect(requests.allSatisfy { $0.json?["diaObjectId"] == .string(list) })
            #expect(results.count == 3)
            for expected in lsstFixtureTable {
                let data = try success(results[try lsstKey(expected.id)])
                #expect(perBand(data.points.filter { $0.kind == .detection }) == expected.sourcesPerBand)
                #expect(perBand(data.points.filter { $0.kind == .forced }) == expected.forcedPerBand)
                #expect(data.detectionsNewestFirst.first?.alertId == expected.latestSource)
                #expect(data.summary.facts.first?.value == ["170028485706776685": "346", "170028513894596704": "377",
                                                             "314002971860926640": "392"][expected.id])
            }
        }
    }

    @Test func unknownIdsAndZeroAreNoData() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let keys = try ["0", "170028485706776686", "170028485706776685"].map(lsstKey)
            let results = try await lsstClient(for: server).objects(keys, needs: .lightcurve)
            let url = "\(server.baseURL.absoluteString)/api/v1/sources"
            #expect(failure(results[keys[0]])?.description == "no data for 0 at \(url)")
            #expect(failure(results[keys[1]]) == .noData(objectId: "170028485706776686", source: url))
            _ = try success(results[keys[2]])
        }
    }

    @Test func keysThatAreNotCanonicalRubinIdsAreNotSent() async throws {
        try await withLSSTServer { server in
            let keys = [ObjectKey(survey: .lsst, validatedId: "0170"), ObjectKey(survey: .lsst, validatedId: "17,18"),
                        ObjectKey(survey: Survey("ztf"), validatedId: "ZTF21aaxtctv")]
            let results = try await lsstClient(for: server).objects(keys, needs: .card)
            #expect(failure(results[keys[0]]) == .invalidObjectId("0170", reason: "write it as 170"))
            #expect(failure(results[keys[1]])?.description.hasPrefix("invalid objectId '17,18'") == true)
            #expect(failure(results[keys[2]]) == .invalidObjectId("ZTF21aaxtctv", reason: "it is a ztf id, not a Rubin diaObjectId"))
            #expect(await server.requests.isEmpty)
        }
    }

    /// The server's 500 for a JSON number (the client never sends one), and how the client reports
    /// such an answer: with the server's own text.
    @Test func numberIdIs500WithTheServersText() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let url = server.baseURL.appendingPathComponent("api/v1/sources")
            let raw = try await URLSessionTransport(timeout: 30).send(HTTPRequest(
                method: "POST", url: url, headers: ["Content-Type": "application/json"],
                body: Data("{\"diaObjectId\": 170028485706776685}".utf8)))
            #expect(raw.status == 500)
            let text = String(decoding: raw.body, as: UTF8.self)
            #expect(text == "{\"message\": \"Internal Server Error\"}")

            await server.setFaultHook { request in
                request.path == "/api/v1/fp" ? .respond(status: 500, body: text, contentType: "application/json") : nil
            }
            let key = try lsstKey("170028485706776685")
            let error = await finkError { _ = try await lsstClient(for: server).objects([key], needs: .lightcurve) }
            let fp = server.baseURL.appendingPathComponent("api/v1/fp").absoluteString
            #expect(error == .http(status: 500, body: text, url: fp))
            #expect(error?.description == "HTTP 500 from \(fp): {\"message\": \"Internal Server Error\"}")
        }
    }

    @Test func python400BodiesAreShownAsText() async throws {
        try await withLSSTServer { server in
            // A raw request without diaObjectId: the real server's check_args answer.
            let url = server.baseURL.appendingPathComponent("api/v1/objects")
            let raw = try await URLSessionTransport(timeout: 30).send(HTTPRequest(
                method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data("{\"diaObjectid\": \"1\"}".utf8)))
            let text = String(decoding: raw.body, as: UTF8.self)
            #expect(raw.status == 400)
            #expect(text == "{'status': 'error', 'text': 'A value for `diaObjectId` is required. See https://api.ztf.fink-portal.org \\n'}")

            await server.setFaultHook { _ in .respond(status: 400, body: text, contentType: "text/html; charset=utf-8") }
            let key = try lsstKey("1")
            let error = await finkError { _ = try await lsstClient(for: server).objects([key], needs: .card) }
            let sources = server.baseURL.appendingPathComponent("api/v1/sources").absoluteString
            #expect(error == .http(status: 400, body: text, url: sources))
        }
    }

    /// Rows in any order (pandas 3, a proxy, equal times): the client sorts them itself.
    @Test func unorderedRowsAreSortedByTheClient() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let key = try lsstKey("170028513894596704")
            let sorted = try success(try await lsstClient(for: server).objects([key], needs: .lightcurve)[key])

            let shuffled = LSSTClient(baseURL: server.baseURL, transport: ReorderingTransport(base: URLSessionTransport(timeout: 30)))
            let data = try success(try await shuffled.objects([key], needs: .lightcurve)[key])
            #expect(data.points.count == 152 + 142)
            #expect(zip(data.points, data.points.dropFirst()).allSatisfy { $0.mjd >= $1.mjd })
            #expect(data == sorted)
            #expect(data.detectionsNewestFirst.first?.alertId == 170_094_456_523_456_557)
        }
    }

    @Test func rowLimitNoteFor10000Rows() async throws {
        try await withLSSTServer { server in
            let id = "170028485706776685"
            // 10,001 rows: the server keeps the oldest 10,000, as its scan limit does.
            let rows: [FixtureRow] = (0...10_000).map { i in
                ["r:diaObjectId": .number(id), "r:diaSourceId": .int(170_000_000_000_000_000 + Int64(i)),
                 "r:midpointMjdTai": .double(61000 + Double(i) / 1000), "r:band": "g",
                 "r:psfFlux": .double(Double(i) - 5000), "r:psfFluxErr": 10.0, "r:scienceFlux": 1000.0, "r:scienceFluxErr": 1.0]
            }
            try await server.add(rows, to: .sources)
            try await server.add(Array(rows.prefix(3)).map { $0.filter { $0.key != "r:diaSourceId" } }, to: .forced)
            let key = try lsstKey(id)
            let data = try success(try await lsstClient(for: server).objects([key], needs: .lightcurve)[key])
            #expect(data.points.filter { $0.kind == .detection }.count == 10_000)
            #expect(data.notes == ["the API returned 10,000 /sources rows, its limit: the newest alerts may be missing"])
            #expect(data.detectionsNewestFirst.first?.alertId == 170_000_000_000_009_999, "the newest alert is the one lost")
            #expect(data.points.filter { $0.kind == .detection && $0.isNegative == true }.count == 5_000)
            #expect(data.points.filter { $0.kind == .forced }.count == 3)
        }
    }

    // MARK: Cutouts

    @Test func stampsOfAnAlertInOneAllRequest() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let client = lsstClient(for: server)
            let stamps = try await client.stamps(of: lsstAlert(170_094_456_272_322_680), object: try lsstKey("170028485706776685"))
            let request = try #require(await server.requests.last)
            #expect(request.path == "/api/v1/cutouts")
            #expect(request.json == ["diaSourceId": "170094456272322680", "kind": "All", "output-format": "array"])
            #expect(stamps.keys.sorted() == StampKind.allCases)
            for kind in StampKind.allCases {
                let name = "cutouts/170094456272322680_\(kind.rawValue).fits"
                #expect(stamps[kind] == (try FITSImage.primaryImage(try lsstFixtureData(name), source: name)), "\(kind)")
            }
        }
    }

    @Test func emptyCutoutAnswerIsNoStamps() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let client = lsstClient(for: server)
            let unknown = lsstAlert(170_094_456_272_322_681)
            #expect(try await client.stamps(of: unknown, object: try lsstKey("170028485706776685")).isEmpty)
            #expect(try await client.fitsStamp(unknown, kind: .science) == nil)
            let requests = await server.requests
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.json?["diaSourceId"] == .string("170094456272322681") })
        }
    }

    @Test func fitsStampPath() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let client = lsstClient(for: server)
            let stamp = try #require(try await client.fitsStamp(lsstAlert(170_094_456_277_565_473), kind: .difference))
            let request = try #require(await server.requests.last)
            #expect(request.json == ["diaSourceId": "170094456277565473", "kind": "Difference", "output-format": "FITS"])
            let name = "cutouts/170094456277565473_Difference.fits"
            #expect(stamp == (try FITSImage.primaryImage(try lsstFixtureData(name), source: name)))
            #expect(stamp.width == 30 && stamp.height == 30)

            // A body that is not FITS (a proxy's page) is an error naming the route.
            await server.setFaultHook { _ in .respond(status: 200, body: "<html>hi</html>", contentType: "text/html") }
            let error = await finkError { _ = try await client.fitsStamp(lsstAlert(170_094_456_277_565_473), kind: .science) }
            #expect(error?.decodingSource?.hasSuffix("/api/v1/cutouts (170094456277565473 Science)") == true, "\(String(describing: error))")
        }
    }

    @Test func cutoutsOfAnotherSurveysAlertAreRefused() async throws {
        try await withLSSTServer { server in
            let alert = AlertKey(survey: Survey("ztf"), id: 1_034_527_953_215_010_006)
            let error = await finkError { _ = try await lsstClient(for: server).stamps(of: alert, object: try lsstKey("1")) }
            #expect(error == .invalidObjectId("1034527953215010006", reason: "it is a ztf alert, not a Rubin diaSourceId"))
            #expect(await server.requests.isEmpty)
        }
    }
}

/// Forwards to `base`, then reverses and interleaves the rows of every JSON array answer: the
/// order a server gives when it does not sort.
struct ReorderingTransport: Transport {
    let base: any Transport

    func send(_ request: FinkAPI.HTTPRequest) async throws -> FinkAPI.HTTPResponse {
        var response = try await base.send(request)
        if let rows = try? FixtureJSON(parsing: response.body).arrayValue, rows.count > 2 {
            let reversed = Array(rows.reversed())
            let mixed = stride(from: 0, to: reversed.count, by: 2).map { reversed[$0] }
                + stride(from: 1, to: reversed.count, by: 2).map { reversed[$0] }
            response.body = FixtureJSON.array(mixed).data()
        }
        return response
    }
}
