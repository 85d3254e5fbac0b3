import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// LSSTFixtureServer behaves as shared/fink-lsst-api.md describes the real server, so the client
/// tests exercise the real quirks. Raw requests, no client.
@Suite struct LSSTFixtureServerTests {
    private func post(_ server: LSSTFixtureServer, _ route: String, _ json: String,
                      contentType: String = "application/json") async throws -> FinkAPI.HTTPResponse {
        try await URLSessionTransport(timeout: 30).send(FinkAPI.HTTPRequest(
            method: "POST", url: server.baseURL.appendingPathComponent("api/v1/\(route)"),
            headers: ["Content-Type": contentType], body: Data(json.utf8)))
    }

    private func get(_ server: LSSTFixtureServer, _ route: String, _ query: String = "") async throws -> FinkAPI.HTTPResponse {
        let url = URL(string: server.baseURL.absoluteString + "/api/v1/\(route)" + (query.isEmpty ? "" : "?" + query))!
        return try await URLSessionTransport(timeout: 30).send(FinkAPI.HTTPRequest(url: url))
    }

    private func rows(_ response: FinkAPI.HTTPResponse) throws -> [FixtureRow] {
        #expect(response.status == 200)
        return try #require(try FixtureJSON(parsing: response.body).arrayValue).map { try #require($0.objectValue) }
    }

    private func text(_ response: FinkAPI.HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    private struct Answer: Equatable {
        var status: Int
        var text: String
    }

    private func times(_ rows: [FixtureRow]) -> [Double] { rows.compactMap { $0["r:midpointMjdTai"]?.doubleValue } }

    @Test func fullAnswersAreTheFixtureFiles() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            for (route, file) in [("sources", "sources_170028485706776685.json"), ("fp", "fp_170028513894596704.json"),
                                  ("objects", "object_314002971860926640.json")] {
                let id = file.split(separator: "_")[1].split(separator: ".")[0]
                let answer = try await post(server, route, "{\"diaObjectId\": \"\(id)\"}")
                #expect(answer.headers["content-type"] == "application/json")
                #expect(try rows(answer) == (try FixtureServer.rows(fromFile: lsstFixtureURL(file))), "\(file)")
            }
            let sorted = try rows(try await post(server, "sources", "{\"diaObjectId\": \"170028485706776685\"}"))
            #expect(times(sorted) == times(sorted).sorted(by: >), "newest first: r:midpointMjdTai is returned")
        }
    }

    @Test func idsMustBeStrings() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            for route in ["sources", "fp", "objects"] {
                let answer = try await post(server, route, "{\"diaObjectId\": 170028485706776685}")
                #expect(answer.status == 500 && text(answer) == "{\"message\": \"Internal Server Error\"}", "\(route)")
            }
            let cutout = try await post(server, "cutouts", "{\"diaSourceId\": 170094456272322680, \"kind\": \"Science\", \"output-format\": \"FITS\"}")
            #expect(cutout.status == 500)
            // In a query string everything is a string.
            #expect(try rows(try await get(server, "sources", "diaObjectId=170028485706776685")).count == 200)
        }
    }

    @Test func lookupsArePrefixScansOfSaltAndId() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            for id in ["0", "", " 170028485706776685", "170028485706776686", "17002848570677668", "685"] {
                #expect(try rows(try await post(server, "sources", "{\"diaObjectId\": \"\(id)\"}")).isEmpty, "'\(id)'")
            }
            // Comma lists: split, each part trimmed, merged, a repeated id once.
            let list = try rows(try await post(server, "sources",
                "{\"diaObjectId\": \" 170028485706776685 ,170028513894596704,170028485706776685,\"}"))
            #expect(list.count == 200 + 152)
            #expect(times(list) == times(list).sorted(by: >), "mixed, newest first")
            let objects = try rows(try await post(server, "objects", "{\"diaObjectId\": \"170028485706776685, 314002971860926640\"}"))
            #expect(Set(objects.compactMap { $0["r:diaObjectId"]?.description }) == ["170028485706776685", "314002971860926640"])
        }
    }

    @Test func midpointMjdTaiIsAPrefixForOneId() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let night = try rows(try await post(server, "sources", "{\"diaObjectId\": \"170028485706776685\", \"midpointMjdTai\": \"61098\"}"))
            #expect(night.count == 32 && times(night).allSatisfy { Int($0) == 61098 })
        }
    }

    @Test func columnsNarrowSortAndDrop() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let answer = try await post(server, "sources", """
                {"diaObjectId": "170028485706776685", "columns": "r:midpointMjdTai, r:psfFlux,r:diaSourceId,f:xm_simbad_otype,r:observation_reason,r:nothing"}
                """)
            let narrowed = try rows(answer)
            #expect(narrowed.count == 200)
            // Sorted by name, f:xm_simbad_otype (null in every row) and the unknown name absent.
            let first = text(answer).prefix(while: { $0 != "}" })
            #expect(first.hasPrefix("[{\"r:diaSourceId\":170094456272322680,\"r:midpointMjdTai\":61105.0936434868,\"r:observation_reason\":\"ddf_edfs_b\",\"r:psfFlux\":-19549.395"), "\(first)")
            #expect(narrowed.allSatisfy { Set($0.keys) == ["r:diaSourceId", "r:midpointMjdTai", "r:observation_reason", "r:psfFlux"] })
            #expect(narrowed.dropFirst().allSatisfy { $0["r:observation_reason"] == "nan" }, "pandas 2 fills text holes with \"nan\"")

            // A family the table lacks empties the answer; `r:` alone is a Java error.
            #expect(try rows(try await post(server, "sources", "{\"diaObjectId\": \"170028485706776685\", \"columns\": \"i:jd,r:band\"}")).isEmpty)
            #expect(try rows(try await post(server, "fp", "{\"diaObjectId\": \"170028485706776685\", \"columns\": \"r:band,f:xm_simbad_otype\"}")).isEmpty)
            #expect(try await post(server, "sources", "{\"diaObjectId\": \"170028485706776685\", \"columns\": \"r:\"}").status == 500)
            // /fp has no r:diaSourceId: silently dropped.
            let fp = try rows(try await post(server, "fp", "{\"diaObjectId\": \"170028485706776685\", \"columns\": \"r:band,r:diaSourceId\"}"))
            #expect(fp.count == 219 && fp.allSatisfy { Set($0.keys) == ["r:band"] })
        }
    }

    @Test func withoutTheTimeColumnRowsAreUnordered() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let body = "{\"diaObjectId\": \"170028485706776685\", \"columns\": \"r:diaSourceId,r:band\"}"
            let unordered = try rows(try await post(server, "sources", body)).compactMap { $0["r:diaSourceId"] }
            let full = try rows(try await post(server, "sources", "{\"diaObjectId\": \"170028485706776685\"}")).compactMap { $0["r:diaSourceId"] }
            #expect(unordered.count == 200 && Set(unordered.map(\.description)) == Set(full.map(\.description)))
            #expect(unordered != full, "not newest first")
            #expect(unordered != Array(full.reversed()), "nor oldest first")
            #expect(try rows(try await post(server, "sources", body)).compactMap { $0["r:diaSourceId"] } == unordered, "deterministic")
        }
    }

    @Test func argumentErrorsAsTheServerGivesThem() async throws {
        try await withLSSTServer { server in
            let missing = try await post(server, "sources", "{\"diaObjectid\": \"1\"}")
            #expect(missing.status == 400)
            #expect(missing.headers["content-type"] == "text/html; charset=utf-8")
            #expect(text(missing) == "{'status': 'error', 'text': 'A value for `diaObjectId` is required. See https://api.ztf.fink-portal.org \\n'}")
            let format = try await post(server, "fp", "{\"diaObjectId\": \"1\", \"output-format\": \"xml\"}")
            #expect(format.status == 400)
            #expect(text(format) == "{'status': 'error', 'text': 'Output format `xml` is not supported. Choose among json, csv, votable, or parquet\\n'}")
            let described = try await get(server, "sources")
            #expect(described.status == 200 && described.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(try await post(server, "sources", "diaObjectId=1", contentType: "application/x-www-form-urlencoded").status == 415)
            #expect(try await post(server, "anomaly", "{}").status == 404, "no /anomaly for LSST")
        }
    }

    @Test func cutoutChecksInTheServersOrder() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            func status(_ json: String) async throws -> Answer {
                let answer = try await post(server, "cutouts", json)
                return Answer(status: answer.status, text: text(answer))
            }
            let id = "\"diaSourceId\": \"170094456272322680\""
            let noKind = try await status("{\(id)}")
            #expect(noKind == Answer(status: 400, text: "{'status': 'error', 'text': 'A value for `kind` is required. See https://api.ztf.fink-portal.org \\n'}"))
            let lowerCase = try await status("{\(id), \"kind\": \"science\"}")
            #expect(lowerCase.status == 500, "kinds are case-sensitive (an assert)")
            let allAlone = try await status("{\(id), \"kind\": \"All\"}")
            #expect(allAlone.status == 500, "All without output-format: KeyError")
            let allFITS = try await status("{\(id), \"kind\": \"All\", \"output-format\": \"FITS\"}")
            #expect(allFITS == Answer(status: 400, text: "{'status': 'error', 'text': 'The option `kind=All` is only compatible with `output-format=array`.'}"))
            let png = try await status("{\(id), \"kind\": \"Science\", \"output-format\": \"png\"}")
            #expect(png == Answer(status: 400, text: "{'status': 'error', 'text': 'output-format must be one of: PNG, FITS, or array.'}"))
        }
    }

    @Test func cutoutAnswers() async throws {
        try await withLSSTServer { server in
            try await loadLSSTFixtures(into: server)
            let fits = try await post(server, "cutouts", "{\"diaSourceId\": \"170094456272322680\", \"kind\": \"Template\", \"output-format\": \"FITS\"}")
            #expect(fits.status == 200 && fits.headers["content-type"] == "application/octet-stream")
            #expect(fits.body == (try lsstFixtureData("cutouts/170094456272322680_Template.fits")))
            #expect(fits.body.count == 46080)

            let one = try await get(server, "cutouts", "diaSourceId=170094456272322680&kind=Difference&output-format=array")
            let object = try #require(try FixtureJSON(parsing: one.body).objectValue)
            #expect(Array(object.keys) == ["b:cutoutDifference"])
            #expect(text(one).hasPrefix("{\"b:cutoutDifference\":[[-45.94866943359375,54.990623474121094,42.67174530029297,"))
            let all = try await post(server, "cutouts", "{\"diaSourceId\": \"170094456272322680\", \"kind\": \"All\", \"output-format\": \"array\"}")
            #expect(all.body == (try lsstFixtureData("cutouts/170094456272322680_All.json")), "byte for byte, trailing newline included")

            let unknown = try await post(server, "cutouts", "{\"diaSourceId\": \"170094456272322681\", \"kind\": \"Science\", \"output-format\": \"array\"}")
            #expect(unknown.status == 200 && unknown.body.isEmpty)
            #expect(unknown.headers["content-type"] == "image/png")
            #expect(unknown.headers["content-disposition"] == "attachment; filename=170094456272322681_Science")
        }
    }

    /// Recording and fault hooks of FixtureServer work for the LSST routes.
    @Test func recordingAndFaults() async throws {
        try await withLSSTServer { server in
            await server.setFaultHook { $0.index == 0 ? .respond(status: 503, body: "busy") : nil }
            let first = try await post(server, "sources", "{\"diaObjectId\": \"1\"}")
            let second = try await post(server, "sources", "{\"diaObjectId\": \"1\"}")
            #expect(first.status == 503 && text(first) == "busy")
            #expect(second.status == 200 && text(second) == "[]")
            let requests = await server.requests
            #expect(requests.map(\.index) == [0, 1] && requests.allSatisfy { $0.arguments["diaObjectId"] == "1" })
            await server.clearRequests()
            #expect(await server.requests.isEmpty)
        }
    }
}
