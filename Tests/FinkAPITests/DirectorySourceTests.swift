import FinkAPI
import FinkTestServer
import Foundation
import Testing

@Suite struct DirectorySourceTests {
    /// A fresh directory holding the given fixture files, renamed as asked.
    private func directory(_ files: [String: Data]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finkapi-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    @Test func jsonAppliesOptionsLikeTheServer() async throws {
        let dir = try directory(["ZTF18acefvuh.json": fixtureData("ZTF18acefvuh.json")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = DirectorySource(directory: dir)
        let ztf = try id("ZTF18acefvuh")

        let all = try await source.detections(of: ztf, options: FetchOptions(withCutouts: true))
        #expect(all.count == 26)
        #expect(all[0].stamps.count == 3)
        let validOnly = try await source.detections(of: ztf, options: FetchOptions(withUpperLimits: false))
        #expect(validOnly.count == 16 && validOnly.allSatisfy { $0.tag == .valid && $0.stamps.isEmpty })
        let science = try await source.detections(of: ztf, options: FetchOptions(withCutouts: true, cutoutKind: .science))
        #expect(science[0].stamps.keys.sorted() == [.science])
        // Messages and figures name the directory as given, or by its last component: never an
        // absolute path of this machine (the source's `location` replaced `sourceDescription`).
        #expect(source.location == dir.lastPathComponent)
        #expect(DirectorySource(directory: dir, shownAs: "saved").location == "saved")
    }

    /// Offline and online give the same rows for the same options.
    @Test func sameAsTheServer() async throws {
        let dir = try directory(["ZTF18acefvuh.json": fixtureData("ZTF18acefvuh.json")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let ztf = try id("ZTF18acefvuh")
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            for options in [FetchOptions(), FetchOptions(withUpperLimits: false), FetchOptions(withCutouts: true, cutoutKind: .template)] {
                let online = try await client(for: server).detections(of: ztf, options: options)
                let offline = try await DirectorySource(directory: dir).detections(of: ztf, options: options)
                #expect(online == offline, "\(options)")
            }
        }
    }

    @Test func csvWhenNoJSON() async throws {
        let dir = try directory(["ZTF18acefvuh.csv": fixtureData("ZTF18acefvuh.csv")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = try await DirectorySource(directory: dir).detections(of: try id("ZTF18acefvuh"), options: FetchOptions(withCutouts: true))
        #expect(rows.count == 26)
        #expect(rows[0].candid == 1034527953215010006)
        #expect(nanCount(rows[0].stamps[.science]) == 157)
    }

    @Test func missingFileNamesBothCandidates() async throws {
        let dir = try directory([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = await finkError {
            _ = try await DirectorySource(directory: dir).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
        }
        let (path, message) = try #require(error?.asFile, "expected a file error, got \(String(describing: error))")
        #expect(path == dir.path)
        #expect(message.contains("ZTF18acefvuh.json") && message.contains("ZTF18acefvuh.csv"))
    }

    @Test func emptyFileIsNoData() async throws {
        let dir = try directory(["ZTF18acefvuh.json": Data("[]".utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = await finkError {
            _ = try await DirectorySource(directory: dir).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
        }
        let path = dir.appendingPathComponent("ZTF18acefvuh.json").path
        #expect(error == .noData(objectId: "ZTF18acefvuh", source: path))
        #expect(error?.description == "no data for ZTF18acefvuh at \(path)")
    }

    @Test func malformedFilesSayWhereAndWhat() async throws {
        var json = try fixtureData("ZTF18acefvuh.json")
        json.removeLast(100)
        var csvText = String(decoding: try fixtureData("ZTF18acefvuh.csv"), as: UTF8.self)
        // Drop a field from the third line: the row no longer matches the header.
        var lines = csvText.components(separatedBy: "\n")
        lines[2] = String(lines[2][lines[2].index(after: lines[2].firstIndex(of: ",")!)...])
        csvText = lines.joined(separator: "\n")
        let dir = try directory(["ZTF18acefvuh.json": json, "ZTF18aabjigr.csv": Data(csvText.utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }

        let jsonError = await finkError {
            _ = try await DirectorySource(directory: dir).detections(of: try id("ZTF18acefvuh"), options: FetchOptions())
        }
        let (source, message) = try #require(jsonError?.asDecoding, "expected a decoding error, got \(String(describing: jsonError))")
        #expect(source == dir.appendingPathComponent("ZTF18acefvuh.json").path)
        #expect(!message.isEmpty)

        let csvError = await finkError {
            _ = try await DirectorySource(directory: dir).detections(of: try id("ZTF18aabjigr"), options: FetchOptions())
        }
        #expect(csvError == .decoding(
            source: dir.appendingPathComponent("ZTF18aabjigr.csv").path, message: "line 3 has 114 fields, the header has 115"))
    }

    @Test func csvQuotingAndBadStampCells() throws {
        let header = "i:objectId,i:jd,i:fid,d:cdsxmatch,b:cutoutScience_stampData\n"
        let good = header + "ZTF18acefvuh,2458789.5,1,\"a, \"\"quoted\"\"\nname\",\"[[nan, 1.5], [None, -inf]]\"\r\n"
        let rows = try RowDecoder.decodeCSV(Data(good.utf8), source: "mem.csv").detections
        #expect(rows.count == 1)
        #expect(rows[0].cdsxmatch == "a, \"quoted\"\nname")
        #expect(rows[0].stamps[.science]?.pixels.filter(\.isNaN).count == 3)

        // A bad stamp cell costs only that stamp, with a note saying where (issue #12).
        let bad = header + "ZTF18acefvuh,2458789.5,1,x,\"[[1.0, oops]]\"\n"
        let damaged = try RowDecoder.decodeCSV(Data(bad.utf8), source: "mem.csv").detections
        #expect(damaged.count == 1 && damaged[0].stamps.isEmpty)
        #expect(damaged[0].stampProblems[.science]
            == "row 0 (line 2) at MJD 58789.0000 (g), b:cutoutScience_stampData: 'oops' at character 7 is not a number; this stamp is left out")

        let open = header + "ZTF18acefvuh,2458789.5,1,\"never closed\n"
        #expect(throws: FinkError.decoding(source: "mem.csv", message: "line 2: a quoted field is never closed")) {
            try RowDecoder.decodeCSV(Data(open.utf8), source: "mem.csv")
        }
    }
}
