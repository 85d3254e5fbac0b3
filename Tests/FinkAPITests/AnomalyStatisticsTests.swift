import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// `/api/v1/anomaly` and `/api/v1/statistics`: decoding what the server sends, dates checked
/// before sending, and the client against FixtureServer.
@Suite struct AnomalyStatisticsTests {
    // MARK: Decoding

    @Test func anomalyFixtureDecodes() throws {
        let (alerts, skipped) = try AnomalyAlert.decode(try fixtureData("anomaly.json"), source: "anomaly.json")
        #expect(skipped.isEmpty)
        #expect(alerts.count == 10)
        let first = try #require(alerts.first)
        #expect(first.objectId == "ZTF25ackyyzk")
        #expect(first.candid == 3_367_537_290_415_015_010, "exact: candids exceed 2^53")
        #expect(first.jd == 2461122.0372917)
        #expect(first.anomalyScore == -0.0167414416)
        #expect(first.cdsxmatch == "Unknown")
        // No g-band history: Fink sends 26 nulls, which are missing values, not a malformed string.
        #expect(first.featuresG.values.count == 26 && first.featuresG.values.allSatisfy { $0 == nil })
        #expect(first.featuresG.problem == nil)
        #expect(first.featuresR.values.allSatisfy { $0 != nil })
        #expect(alerts.allSatisfy { $0.featuresG.problem == nil && $0.featuresR.problem == nil })
    }

    @Test func featuresKeepFinksOrderAndNaN() throws {
        #expect(LightcurveFeatures.names.count == 26)
        #expect(LightcurveFeatures.names.first == "mean" && LightcurveFeatures.names.last == "stetson_K")
        #expect(LightcurveFeatures.names[8] == "kurtosis" && LightcurveFeatures.names[22] == "anderson_darling_normal")
        #expect(Set(LightcurveFeatures.names).count == 26)

        // ZTF26aaakzsi's g string holds a bare NaN as its 9th value (kurtosis).
        let (alerts, _) = try AnomalyAlert.decode(try fixtureData("anomaly.json"), source: "anomaly.json")
        let alert = try #require(alerts.first { $0.objectId == "ZTF26aaakzsi" })
        #expect(alert.featuresG.problem == nil)
        #expect(alert.featuresG.values[8] == nil)
        #expect(alert.featuresG.values[0] == 19.003739659101125, "mean first")
        #expect(alert.featuresG.values[1] == 19.003257163914444, "weighted_mean second")
    }

    @Test(arguments: [
        ("[1.0, 2.0", "not a JSON array"),
        ("[1, 2, 3]", "expected 26 values, found 3"),
        ("{\"mean\": 1}", "not a JSON array"),
        ("[" + Array(repeating: "\"x\"", count: 26).joined(separator: ",") + "]", "not a JSON array"),
    ])
    func malformedFeaturesLeaveEmptyCellsAndSayWhy(text: String, reason: String) {
        let parsed = LightcurveFeatures.parse(.text(text))
        #expect(parsed.values.count == 26 && parsed.values.allSatisfy { $0 == nil })
        #expect(parsed.problem?.contains(reason) == true, "\(parsed.problem ?? "no problem")")
    }

    @Test func featureCellsInOtherShapes() {
        #expect(LightcurveFeatures.parse(nil) == .missing)
        #expect(LightcurveFeatures.parse(.null) == .missing)
        #expect(LightcurveFeatures.parse(.text("None")) == .missing)
        let strings = "[" + (0..<26).map { "\"\($0).5\"" }.joined(separator: ",") + "]"
        #expect(LightcurveFeatures.parse(.text(strings)).values.last == 25.5, "numeric strings inside are numbers")
        #expect(LightcurveFeatures.parse(.integer(3)).problem != nil)
        // Sent as a real array rather than a string: read the same.
        let numbers = (0..<26).map { $0 == 3 ? "null" : String($0) }.joined(separator: ", ")
        let row = #"[{"i:objectId": "ZTF21aaxtctv", "i:jd": 2459500.5, "d:lc_features_r": [\#(numbers)]}]"#
        let alert = try? AnomalyAlert.decode(Data(row.utf8), source: "s").alerts.first
        #expect(alert?.featuresR.values.count == 26 && alert?.featuresR.values[3] == nil && alert?.featuresR.values[25] == 25)
    }

    @Test func anomalyRowsToleratePlaceholdersAndStrings() throws {
        let body = """
            [{"i:objectId": "ZTF21aaxtctv", "i:candid": "1549473362115015004", "i:jd": "2459500.5",
              "d:anomaly_score": "nan", "d:cdsxmatch": "Fail 504", "d:lc_features_g": null},
             {"i:objectId": "ZTF21aaxtctv", "i:candid": 1549473362115015005, "i:jd": null, "d:anomaly_score": NaN},
             {"i:objectId": "ZTF21aaxtctv", "i:candid": 1549473362115015005, "i:jd": 2459501.5, "d:anomaly_score": "abc"}]
            """
        // An unreadable score empties that cell, with a note: one bad cell never fails the answer (issue #12).
        let all = try AnomalyAlert.decode(Data(body.utf8), source: "here").alerts
        #expect(all.count == 2 && all[1].anomalyScore == nil && all[1].problems.first?.contains("d:anomaly_score") == true)

        let fine = String(body.split(separator: "\n").dropLast().joined(separator: "\n").dropLast()) + "]"
        let (alerts, skipped) = try AnomalyAlert.decode(Data(fine.utf8), source: "here")
        #expect(skipped == [AnomalyAlert.SkippedRow(index: 1, missing: "i:jd", candid: 1549473362115015005)],
                "a row without a date cannot be placed")
        #expect(alerts.count == 1)
        #expect(alerts[0].candid == 1_549_473_362_115_015_004 && alerts[0].jd == 2459500.5)
        #expect(alerts[0].anomalyScore == nil && alerts[0].crossMatchFailed)
    }

    @Test func statisticsFixtureDecodesNumbersAndNumericStrings() throws {
        let nights = try NightStatistics.decode(try fixtureData("statistics_2021.json"), source: "statistics_2021.json")
        #expect(nights.count == 254)
        #expect(nights.first?.night == CivilDate(year: 2021, month: 1, day: 2))
        #expect(nights.last?.night == CivilDate(year: 2021, month: 12, day: 31))
        #expect(zip(nights, nights.dropFirst()).allSatisfy { $0.night < $1.night })
        let first = nights[0]
        #expect(first["basic:raw"] == 171_888 && first["basic:sci"] == 118_655)
        #expect(first["class:Candidate_BSG*"] == 0, "a JSON number 0 among strings")
        #expect(first.counters["class:BClG"] == .some(nil) || first.counters["class:BClG"] == nil)
        #expect(first.counters.keys.allSatisfy { !$0.hasPrefix("key:") })
    }

    @Test func statisticsEdgeCases() throws {
        let body = """
            [{"key:key": "ztf_20210314", "key:time": "1615766400000", "basic:raw": null, "basic:sci": "None", "class:Unknown": 12},
             {"key:key": "garbled", "key:time": 1615852800000, "basic:raw": "2.5e5", "basic:sci": NaN},
             {"key:key": "ztf_20210313", "basic:raw": "nan", "basic:sci": ""}]
            """
        let nights = try NightStatistics.decode(Data(body.utf8), source: "s")
        #expect(nights.map(\.night.description) == ["2021-03-13", "2021-03-14", "2021-03-16"], "sorted; key:time when key:key is unreadable")
        #expect(nights[1]["basic:raw"] == nil && nights[1]["basic:sci"] == nil && nights[1]["class:Unknown"] == 12)
        #expect(nights[2]["basic:raw"] == 250_000 && nights[2]["basic:sci"] == nil)

        // An unreadable counter costs its cell, with a note (it used to fail the whole answer).
        let bad = #"[{"key:key": "ztf_20210314", "basic:raw": "lots"}]"#
        let (kept, notes) = try NightStatistics.decodeAnswer(Data(bad.utf8), source: "s")
        #expect(kept.count == 1 && kept[0]["basic:raw"] == nil)
        #expect(notes.contains { $0.contains("night 2021-03-14, basic:raw") && $0.contains("\"lots\"") }, "\(notes)")
        let truncated = try #require(throws: FinkError.self) { try NightStatistics.decode(Data(#"[{"key:key": "ztf_2021"#.utf8), source: "s") }
        #expect(truncated.description.contains("not valid JSON"))
        let notRows = try #require(throws: FinkError.self) { try NightStatistics.decode(Data("[1]".utf8), source: "s") }
        #expect(notRows.description.contains("row 0 is not a JSON object"))
        let undated = #"[{"basic:raw": 3}]"#
        #expect(throws: FinkError.self) { try NightStatistics.decode(Data(undated.utf8), source: "s") }
    }

    // MARK: Dates

    @Test func datesAreCheckedBeforeSending() throws {
        #expect(try CivilDate(iso: "2021-03-14", name: "--since") == CivilDate(year: 2021, month: 3, day: 14))
        #expect(try CivilDate(iso: "2024-02-29", name: "--since").daysSinceUnixEpoch == 19782)
        #expect(CivilDate(year: 1970, month: 1, day: 1)?.daysSinceUnixEpoch == 0)
        #expect(CivilDate(daysSinceUnixEpoch: 18700.7) == CivilDate(year: 2021, month: 3, day: 14))
        for bad in ["2021-3-14", "2021-02-29", "20210314", "2021-13-01", "yesterday", ""] {
            let error = try #require(throws: FinkError.self) { try CivilDate(iso: bad, name: "--since") }
            #expect(error.description.contains("--since") && error.description.contains("'\(bad)'"))
        }
        #expect(try StatisticsDate(validating: "").rawValue == "")
        #expect(try StatisticsDate(validating: "2021").rawValue == "2021")
        #expect(try StatisticsDate(validating: "202103").rawValue == "202103")
        #expect(try StatisticsDate(validating: "2021-03-14").rawValue == "20210314")
        for bad in ["21", "202113", "20210230", "2021031", "March"] {
            #expect(throws: FinkError.self) { try StatisticsDate(validating: bad) }
        }
        #expect(JulianDate.isoString(jd: 2_440_587.5) == "1970-01-01T00:00:00Z")
        #expect(JulianDate.isoString(jd: 2461122.0372917) == "2026-03-22T12:53:42Z")
    }

    // MARK: Client against the fixture server

    @Test func anomalyRequestAndDateFiltering() async throws {
        try await withServer { server in
            var rows = try await server.load(anomalyFile: fixtureURL("anomaly.json"))
            // Two older alerts, on 2026-03-10 and 2026-03-01, to filter by date.
            var older = rows[0]
            older["i:jd"] = .double(2461109.9)
            older["i:objectId"] = "ZTF26aaaaaaa"
            var oldest = rows[1]
            oldest["i:jd"] = .double(2461100.6)
            rows += [older, oldest]
            await server.setAnomalyRows(rows.reversed())
            let client = client(for: server)

            let latest = try await client.anomaly()
            #expect(latest.count == 10)
            #expect(zip(latest, latest.dropFirst()).allSatisfy { $0.jd >= $1.jd }, "newest first")
            var body = try #require(await server.requests.last?.json)
            #expect(body["n"] == 10 && body["output-format"] == "json")
            #expect(body["start_date"] == nil && body["stop_date"] == nil)

            let since = try CivilDate(iso: "2026-03-02", name: "since"), until = try CivilDate(iso: "2026-03-10", name: "until")
            let window = try await client.anomaly(n: 5, since: since, until: until)
            #expect(window.map(\.objectId) == ["ZTF26aaaaaaa"], "stop_date is inclusive; 2026-03-01 is before start_date")
            body = try #require(await server.requests.last?.json)
            #expect(body["n"] == 5 && body["start_date"] == "2026-03-02" && body["stop_date"] == "2026-03-10")

            let narrow = try await client.anomaly(n: 2, columns: ["d:cdsxmatch"])
            #expect(narrow.count == 2 && narrow.allSatisfy { $0.raw.count == 3 }, "the asked column plus i:objectId and i:jd")
            body = try #require(await server.requests.last?.json)
            #expect(body["columns"] == "d:cdsxmatch,i:objectId,i:jd")

            let sent = await server.requests.count
            let error = await finkError { _ = try await client.anomaly(since: until, until: since) }
            #expect(error?.description.contains("before the start date") == true)
            #expect(await server.requests.count == sent, "refused before sending")
        }
    }

    @Test func statisticsRequestPrefixAndErrors() async throws {
        try await withServer { server in
            try await server.load(statisticsFile: fixtureURL("statistics_2021.json"))
            let client = client(for: server)

            let march = try await client.statistics(date: try StatisticsDate(validating: "202103"))
            #expect(march.count == 23)
            #expect(march.allSatisfy { $0.night.year == 2021 && $0.night.month == 3 })
            var body = try #require(await server.requests.last?.json)
            #expect(body["date"] == "202103" && body["output-format"] == "json")

            #expect(try await client.statistics(date: .allNights).count == 254)
            body = try #require(await server.requests.last?.json)
            #expect(body["date"] == "", "empty: every night")

            let one = try await client.statistics(date: try StatisticsDate(validating: "20210102"), columns: ["basic:raw"])
            #expect(one.count == 1 && one[0].counters.keys.sorted() == ["basic:raw"])
            #expect(try await client.statistics(date: try StatisticsDate(validating: "2019")).isEmpty)

            await server.setFaultHook { _ in .respond(status: 503, body: "<html>maintenance</html>", contentType: "text/html") }
            let error = await finkError { _ = try await client.statistics(date: .allNights) }
            #expect(error == .http(status: 503, body: "<html>maintenance</html>", url: client.statisticsURL.absoluteString))
        }
    }

    @Test func fixtureServerStatisticsNeedsADate() async throws {
        try await withServer { server in
            let url = server.baseURL.appendingPathComponent("api/v1/statistics")
            let response = try await URLSessionTransport(timeout: 30).send(
                HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data(#"{"columns": "basic:raw"}"#.utf8)))
            #expect(response.status == 400)
            #expect(String(decoding: response.body, as: UTF8.self).contains("'text': 'A value for `date` is required"))
        }
    }
}

/// The three routes build their `columns` argument the same way: names trimmed and de-duplicated,
/// the columns decoding needs appended, and no argument at all (every column) when no name is left.
@Suite struct ColumnsArgumentTests {
    @Test func columnListsAreTrimmedDeduplicatedAndCompleted() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            try await server.load(anomalyFile: fixtureURL("anomaly.json"))
            try await server.load(statisticsFile: fixtureURL("statistics_2021.json"))
            let client = client(for: server)
            let ztf = try id("ZTF18acefvuh")
            let night = try StatisticsDate(validating: "20210102")

            _ = try await client.detections(of: ztf, options: FetchOptions(columns: [" i:magpsf", "i:jd", "i:magpsf "]))
            _ = try await client.detections(of: ztf, options: FetchOptions(columns: ["", "  "]))
            _ = try await client.anomaly(n: 1, columns: ["i:jd", " d:cdsxmatch", "d:cdsxmatch"])
            _ = try await client.anomaly(n: 1, columns: [])
            _ = try await client.statistics(date: night, columns: [" basic:raw", "basic:raw "])
            _ = try await client.statistics(date: night, columns: [" "])

            let columns = await server.requests.compactMap(\.json).map { $0["columns"] }
            #expect(columns == [
                "i:magpsf,i:jd,i:objectId,i:fid", nil,
                "i:jd,d:cdsxmatch,i:objectId", nil,
                "basic:raw", nil,
            ])
        }
    }
}
