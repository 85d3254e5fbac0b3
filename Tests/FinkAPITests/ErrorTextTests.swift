import FinkAPI
import FinkTestServer
import Foundation
import Testing

/// What a user reads when something fails: one line, no credentials, nothing a terminal obeys.
@Suite struct ErrorTextTests {
    // MARK: Redaction

    @Test func urlsLoseTheirCredentials() {
        let url = URL(string: "https://alice:s3cr3t@api.example.org:8443/api/v1/objects?x=1")!
        #expect(URLRedaction.redacted(url).absoluteString == "https://api.example.org:8443/api/v1/objects?x=1")
        #expect(URLRedaction.redacted(URL(string: "http://bob@host/p")!).absoluteString == "http://host/p")
        let plain = URL(string: "https://api.ztf.fink-portal.org/api/v1/objects")!
        #expect(URLRedaction.redacted(plain) == plain)
    }

    @Test func textLosesCredentialsOfEveryURL() {
        #expect(URLRedaction.redacted("could not reach http://a:b@h:1/x: refused, see HTTPS://u:p%40ss@mirror/y")
            == "could not reach http://h:1/x: refused, see HTTPS://mirror/y")
        // The userinfo ends at the authority's last "@"; an "@" in a path or query is not userinfo.
        #expect(URLRedaction.redacted("https://u:p@ss@host/a@b?c=d@e") == "https://host/a@b?c=d@e")
        #expect(URLRedaction.redacted("mail bob@example.org about http://host/a@b") == "mail bob@example.org about http://host/a@b")
        #expect(URLRedaction.redacted("'http://u:p@h'") == "'http://h'")
        #expect(URLRedaction.redacted("no url here") == "no url here")
    }

    @Test func everyDescriptionIsRedacted() {
        let url = "https://alice:s3cr3t@api.example.org/api/v1/objects"
        let errors: [FinkError] = [
            .http(status: 500, body: "oops", url: url),
            .timeout(url: url, seconds: 5),
            .transport(url: url, message: "reset by \(url)"),
            .decoding(source: url, message: "bad JSON"),
            .noData(objectId: "ZTF18acefvuh", source: url),
            .tooLarge(url: url, limit: 256 << 20),
            .invalidSetting(name: "FINK_API_URL environment variable", value: url, reason: "x"),
        ]
        for error in errors {
            #expect(!error.description.contains("s3cr3t") && !error.description.contains("alice"), "\(error.description)")
            #expect(error.description.contains("https://api.example.org/api/v1/objects"), "\(error.description)")
        }
    }

    // MARK: Summaries

    @Test func htmlPageIsItsTitle() {
        let page = """
            <!DOCTYPE html>
            <html><head><title>503 Service
              Temporarily Unavailable</title></head>
            <body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>
            """
        #expect(ServerText.summary(of: page) == "503 Service Temporarily Unavailable")
        #expect(ServerText.summary(of: "<html><body><h2 class=x>Bad &amp; <b>broken</b></h2><p>more</p></body></html>") == "Bad & broken")
        #expect(ServerText.summary(of: "<html>Service Unavailable</html>") == "Service Unavailable")
        #expect(ServerText.summary(of: "<html><head><style>p{}</style><script>x()</script></head><p>Down &#8212; back&#x21;</p></html>") == "Down — back!")
    }

    @Test func finkErrorDictIsItsText() {
        #expect(ServerText.summary(of: "{'status': 'error', 'text': 'A value for `objectId` is required. See https://api.ztf.fink-portal.org \\n'}")
            == "A value for `objectId` is required. See https://api.ztf.fink-portal.org")
        #expect(ServerText.summary(of: #"{'status': 'error', 'text': "it's \'quoted\'\ttoo"}"#) == "it's 'quoted' too")
        #expect(ServerText.summary(of: #"{"status": "error", "text": "JSON \u00e9 too"}"#) == "JSON é too")
        #expect(ServerText.summary(of: "{'status': 'ok'}") == "{'status': 'ok'}")
    }

    @Test func plainBodiesAreCutAndCleaned() {
        let long = String(repeating: "x", count: 1000)
        #expect(ServerText.summary(of: long) == String(repeating: "x", count: 300) + "…")
        let hostile = "boom\u{1B}[31;1m red\u{1B}[0m\u{1B}]0;pwned\u{07} \u{1B}]8;;http://evil\u{1B}\\link\u{1B}]8;;\u{1B}\\ \u{9B}2J\u{07}\u{08}\u{202E}txt\r\nline two"
        #expect(ServerText.summary(of: hostile) == "boom red link txt line two")
        #expect(ServerText.summary(of: "\u{00}\u{01}\u{FFFD}\u{FFFD}ab") == "(binary data, not text)")
        #expect(ServerText.sanitized("a\u{1B}[2Kb\nc\td\r") == "ab\nc\td", "descriptions keep their lines")
    }

    /// Every scalar a terminal might act on: C0, DEL, C1.
    static func isTerminalSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7F...0x9F).contains($0.value) }
    }

    // MARK: Against the server

    @Test func htmlErrorPageIsOneLine() async throws {
        try await withServer { server in
            await server.setFaultHook { _ in .htmlErrorPage(status: 503, title: "503 Service Temporarily Unavailable") }
            let error = await finkError { _ = try await client(for: server).detections(of: try id("ZTF18acefvuh"), options: FetchOptions()) }
            let url = "\(server.baseURL.absoluteString)/api/v1/objects"
            #expect(error?.description == "HTTP 503 from \(url): 503 Service Temporarily Unavailable")
            guard case let .http(_, body, _)? = error else { return }
            #expect(body.contains("<!DOCTYPE html>"), "the raw page is kept for whoever needs it")
        }
    }

    @Test func hostileBodyCannotReachTheTerminal() async throws {
        try await withServer { server in
            let bytes = Data("overloaded \u{1B}]0;owned\u{07}\u{1B}[2J\u{1B}[31m".utf8) + Data([0x00, 0xFF, 0xFE, 0x07, 0x0D]) + Data("now".utf8)
            await server.setFaultHook { _ in Fault(status: 500, body: bytes, headers: ["Content-Type": "text/plain"]) }
            let error = await finkError { _ = try await client(for: server).detections(of: try id("ZTF18acefvuh"), options: FetchOptions()) }
            let text = try #require(error?.description)
            #expect(Self.isTerminalSafe(text) && !text.contains("\n"), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(text.hasSuffix(": overloaded now"), "\(text)")
        }
    }
}
