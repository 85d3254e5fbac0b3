import FinkAPI
import FinkTestServer
import Foundation
import Testing

@Suite struct ConfigTests {
    let env = [FinkAPIConfig.environmentVariable: "http://mirror.example.org:8080/"]

    @Test func flagBeatsEnvironmentBeatsDefault() throws {
        #expect(try FinkAPIConfig.resolveBaseURL(flag: "https://flag.example.org", environment: env).absoluteString
            == "https://flag.example.org")
        #expect(try FinkAPIConfig.resolveBaseURL(flag: nil, environment: env).absoluteString
            == "http://mirror.example.org:8080")
        #expect(try FinkAPIConfig.resolveBaseURL(flag: nil, environment: [:]).absoluteString
            == "https://api.ztf.fink-portal.org")
        #expect(FinkAPIConfig.defaultBaseURL == "https://api.ztf.fink-portal.org")
        #expect(FinkAPIConfig.environmentVariable == "FINK_API_URL")
    }

    @Test func blankSettingsCountAsUnset() throws {
        #expect(try FinkAPIConfig.resolveBaseURL(flag: "  ", environment: ["FINK_API_URL": ""]).absoluteString
            == FinkAPIConfig.defaultBaseURL)
    }

    @Test func trailingSlashStrippedPathKept() throws {
        let url = try FinkAPIConfig.resolveBaseURL(flag: "https://proxy.example.org/fink//", environment: [:])
        #expect(url.absoluteString == "https://proxy.example.org/fink")
        let client = FinkClient(baseURL: url)
        #expect(client.objectsURL.absoluteString == "https://proxy.example.org/fink/api/v1/objects")
    }

    @Test(arguments: ["ftp://example.org", "example.org", "not a url", "http://", "https://example.org/?q=1", "file:///tmp/x"])
    func badFlagNamesTheFlag(_ value: String) {
        #expect {
            try FinkAPIConfig.resolveBaseURL(flag: value, environment: env)
        } throws: { error in
            guard let (name, shown, _) = (error as? FinkError)?.asInvalidSetting else { return false }
            return name.contains("command line") && shown == value
                && (error as! FinkError).description.hasPrefix("invalid API URL given on the command line '\(value)': ")
        }
    }

    @Test func badEnvironmentNamesTheVariable() {
        #expect {
            try FinkAPIConfig.resolveBaseURL(flag: nil, environment: ["FINK_API_URL": "ftp://example.org"])
        } throws: { error in
            (error as? FinkError)?.description == "invalid FINK_API_URL environment variable 'ftp://example.org': only http and https URLs are supported, not ftp"
        }
        // A valid flag means the bad variable is never looked at.
        #expect(throws: Never.self) {
            try FinkAPIConfig.resolveBaseURL(flag: "http://127.0.0.1:1", environment: ["FINK_API_URL": "ftp://x"])
        }
    }
}

@Suite struct ObjectIdTests {
    /// Partial or malformed ids would be prefix scans on the server: refused before any request.
    @Test func malformedIdsNeverReachTheServer() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            let client = client(for: server)
            let bad = ["ZTF21", "", "ztf21aaxtctv", "ZTF21aaxtct!", "ZTF18acefvu", "ZTF18acefvuhh", "ZTFxxacefvuh"]
            for raw in bad {
                let error = await finkError {
                    let id = try ObjectId(validating: raw)
                    _ = try await client.detections(of: id, options: FetchOptions())
                }
                let (shown, reason) = try #require(error?.asInvalidObjectId,
                                                   "\(raw): expected invalidObjectId, got \(String(describing: error))")
                #expect(shown == raw)
                #expect(!reason.isEmpty)
                #expect(error?.description.hasPrefix("invalid objectId '\(raw)': ") == true)
            }
            let empty = await finkError { _ = try await client.objects(ObjectsQuery(objectIds: [])) }
            #expect(empty?.description.contains("no objectId") == true)
            #expect(await server.requests.isEmpty)

            // The control: a well-formed id (with stray blanks) does reach the server.
            let rows = try await client.detections(of: try ObjectId(validating: " ZTF18acefvuh\n"), options: FetchOptions())
            #expect(rows.count == 26)
            #expect(rows.first?.candid == 1034527953215010006)
            #expect(await server.requests.count == 1)
        }
    }

    /// Had the client sent "ZTF18", the server would have answered with every ZTF18 object.
    @Test func theServerWouldPrefixScan() async throws {
        try await withServer { server in
            try await server.load(objectsFile: fixtureURL("ZTF18acefvuh.json"))
            try await server.load(objectsFile: fixtureURL("ZTF18aabjigr.json"))
            let url = URL(string: "\(server.baseURL.absoluteString)/api/v1/objects?objectId=ZTF18&withupperlim=True")!
            let response = try await URLSessionTransport(timeout: 30).send(HTTPRequest(url: url))
            #expect(try RowDecoder.detections(from: response.body, source: "scan").count == 26 + 31)
        }
    }
}

@Suite struct StampTests {
    @Test func stampsWithMissingPixelsEqualThemselves() {
        let a = Stamp(rows: [[1, nil], [-3.4028235e38, 2]])
        #expect(a.pixels.filter(\.isNaN).count == 2)
        #expect(a == Stamp(rows: [[1, .nan], [nil, 2]]))
        #expect(a != Stamp(rows: [[1, nil], [nil, 3]]))
        #expect(a != Stamp(rows: [[1, nil, nil], [nil, 2, nil]]))
    }
}
