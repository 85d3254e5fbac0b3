import FinkAPI
import FinkTestServer
import Foundation
import Testing
@testable import FinkPlotKit

/// The messages that confused (issue #12, item 17), each as the binary prints it: what is wrong
/// and where, in words a user knows, once, and safe for a terminal.
@Suite(.serialized) struct FaultsMessagesTests {
    let small = ["--width", "400", "--height", "200", "--dpi", "50"]
    var fixtures: String { fixturesDirectory().path }

    func bash(_ script: String, in dir: URL) async throws -> FinkplotResult {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let finkplot = try #require([bin, bin.deletingLastPathComponent()].map { $0.appendingPathComponent("finkplot").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) })
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/bin/bash")
                    process.arguments = ["-c", script]
                    process.currentDirectoryURL = dir
                    process.environment = ProcessInfo.processInfo.environment.merging(["BIN": finkplot, "FIX": fixturesDirectory().path]) { $1 }
                    let err = Pipe(), out = Pipe()
                    process.standardError = err
                    process.standardOutput = out
                    try process.run()
                    let errData = LockedData()
                    let done = DispatchSemaphore(value: 0)
                    Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()); done.signal() }.start()
                    let o = out.fileHandleForReading.readDataToEndOfFile()
                    done.wait()
                    process.waitUntilExit()
                    return FinkplotResult(status: process.terminationStatus, out: String(decoding: o, as: UTF8.self),
                                          err: String(decoding: errData.value, as: UTF8.self))
                })
            }.start()
        }
    }

    // MARK: Ids

    @Test func badIdsAreNamedOnceAndShownSafely() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fullWidth = "ＺＴＦ２１ａａｘｔｃｔｖ"
        let escape = "ZTF21\u{1B}[31mred\u{07}"
        let long = String(repeating: "a", count: 10_000)
        // Control characters from an ids file, as a paste of binary junk gives them.
        let list = dir.appendingPathComponent("ids.txt")
        try Data("\u{01}\u{02}\u{7F}junk\n".utf8).write(to: list)
        let r = try await runFinkplot(["lightcurve", fullWidth, escape, long, "ZTF21abc", "--ids-file", list.path, "--from", fixtures,
                                       "--output-dir", dir.appendingPathComponent("o").path] + small)
        #expect(r.status == 1)
        let lines = r.err.split(separator: "\n").map(String.init)
        // Full width: said as such, with the ASCII spelling; the id once, not in a "12 characters, this one has 12" riddle.
        let wide = try #require(lines.first { $0.contains(fullWidth) }, "\(r.err)")
        #expect(wide.contains("full-width") && wide.contains("did you mean ZTF21aaxtctv?"), "\(wide)")
        #expect(wide.components(separatedBy: fullWidth).count == 2, "the id once: \(wide)")
        // Escapes and control bytes are written out, never sent to the terminal.
        #expect(!r.err.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }, "raw control characters in \(r.err.debugDescription)")
        #expect(r.err.contains(#"error: ZTF21\x1B[31mred\x07: invalid objectId: it contains control characters"#), "\(r.err)")
        #expect(r.err.contains(#"error: \x01\x02\x7Fjunk: invalid objectId: it contains control characters"#), "\(r.err)")
        // 10,000 characters: cut, once.
        let longLine = try #require(lines.first { $0.contains("10000 characters") }, "\(r.err)")
        #expect(longLine.count < 200 && longLine.components(separatedBy: String(repeating: "a", count: 40)).count == 2, "\(longLine)")
        #expect(r.err.count < 2_000)
        // Others: the reason without repeating the id.
        #expect(r.err.contains("error: ZTF21abc: invalid objectId: a ZTF objectId has 12 characters (like ZTF21aaxtctv), this one has 8"), "\(r.err)")
    }

    /// ArgumentParser's own messages echo what was typed: an escape sequence there is written out too.
    @Test func optionValuesAreEchoedSafely() async throws {
        for (arguments, said) in [
            (["--style", "\u{1B}]0;pwned\u{07}"], #"The value '\x1B]0;pwned\x07' is invalid for '--style"#),
            (["--bogus\u{1B}[2J"], #"Unknown option '--bogus\x1B[2J'"#),
            (["--width", "\u{1B}[2J"], #"--width '\x1B[2J'"#),
        ] {
            let r = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures] + arguments)
            #expect(r.status == 64, "\(arguments): \(r.err)")
            #expect(r.err.contains(said), "\(arguments): \(r.err)")
            #expect(!r.err.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(arguments): \(r.err.debugDescription)")
            #expect(r.err.contains("Usage: finkplot lightcurve"), "the usage still follows: \(r.err)")
        }
        // Help is untouched.
        let help = try await runFinkplot(["lightcurve", "--help"])
        #expect(help.status == 0 && help.out.contains("USAGE: finkplot lightcurve"), "\(help.out)")
    }

    @Test func idsFilesThatAreNotFilesOrArePipes() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let directory = try await runFinkplot(["lightcurve", "--ids-file", dir.path, "--from", fixtures, "--output-dir", dir.path])
        #expect(directory.status == 64)
        #expect(directory.err.contains("\(dir.path): is a directory, not an ids file") && !directory.err.contains("NSCocoaErrorDomain"), "\(directory.err)")
        // Process substitution: a pipe under /dev/fd, with no size to read up front.
        let piped = try await bash(#"$BIN lightcurve --ids-file <(echo ZTF18aabjigr) --from "$FIX" --output-dir out --width 400 --height 200 --dpi 50"#, in: dir)
        #expect(piped.status == 0, "\(piped.err)")
        #expect(!piped.err.contains("permission"), "\(piped.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/ZTF18aabjigr_lightcurve.png").path))
    }

    // MARK: Options

    @Test func negativeAndHugeValuesAreNamed() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (arguments, said) in [
            (["--width", "-5"], "--width '-5': expected a positive length"),
            (["--height", "-1in"], "--height '-1in'"),
            (["--dpi", "-5"], "--dpi must be between 10 and 2400"),
            (["--font-size", "-2"], "--font-size must be between 3 and 72"),
            (["--t0", "1e308"], "--t0 '1e+308': expected an MJD between -678575 and 2973484 (the years 1 to 9999)"),
            (["--time", "since-t0", "--t0", "-1e300"], "--t0 '-1e+300'"),
            (["--since", "1e300"], "--since '1e+300'"),
            (["--t0", "nan"], "--t0 'nan'"),
        ] {
            let r = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-o", "x.png"] + arguments, in: dir)
            #expect(r.status == 64, "\(arguments): \(r.err)")
            #expect(r.err.contains(said), "\(arguments): \(r.err)")
            #expect(!r.err.contains("Missing value") && !r.err.contains("matrix"), "\(arguments): \(r.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.png").path))
        // A value that merely starts with a dash is still a value: a negative MJD within range is fine.
        let ok = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-o", "y.png", "--t0", "-5"] + small, in: dir)
        #expect(ok.status == 0, "\(ok.err)")
    }

    @Test func directoriesAndFilesAreToldApart() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("x".utf8).write(to: dir.appendingPathComponent("afile"))
        for target in ["afile/sub", "afile"] {
            let r = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "--output-dir", target], in: dir)
            #expect(r.status != 0)
            #expect(r.err.contains("cannot create the directory (\(dir.appendingPathComponent("afile").path) is a file, not a directory)"), "\(r.err)")
            #expect(!r.err.contains("permission denied or no such parent"), "\(r.err)")
        }
        let passwd = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", "/etc/passwd", "-o", "x.png"], in: dir)
        #expect(passwd.status == 64 && passwd.err.contains("/etc/passwd: is a file, not a directory of saved answers"), "\(passwd.err)")
    }

    // MARK: Specs

    @Test func aSpecSaysWhatIsWrongInItsOwnWords() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-o", "a.png", "--save-spec", "a.json"] + small, in: dir)
        #expect(saved.status == 0, "\(saved.err)")
        let spec = try String(contentsOf: dir.appendingPathComponent("a.json"), encoding: .utf8)
        try Data(spec.replacingOccurrences(of: #""command" : "lightcurve""#, with: #""command" : "histogram""#).utf8)
            .write(to: dir.appendingPathComponent("unknown.json"))
        let unknown = try await runFinkplot(["render", "unknown.json"], in: dir)
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("unknown command 'histogram': a spec makes a lightcurve or card"), "\(unknown.err)")
        #expect(!unknown.err.contains("Cannot initialize"), "\(unknown.err)")

        // The spec's URL is the spec's, not "given on the command line".
        var object = try #require(try JSONSerialization.jsonObject(with: Data(spec.utf8)) as? [String: Any])
        object["source"] = ["apiURL": "ftp://example.org"]
        try JSONSerialization.data(withJSONObject: object).write(to: dir.appendingPathComponent("ftp.json"))
        let ftp = try await runFinkplot(["render", "ftp.json"], in: dir)
        #expect(ftp.status == 64)
        #expect(ftp.err.contains("API URL of the spec's source 'ftp://example.org'") && !ftp.err.contains("command line"), "\(ftp.err)")
    }

    // MARK: Servers

    func fetch(_ url: URL, in dir: URL) async throws -> FinkplotResult {
        try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--api-url", url.absoluteString, "--retries", "0", "--no-cache", "--timeout", "20",
                               "--output-dir", dir.path, "--quiet"])
    }

    @Test func oddServersAreDescribed() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Big: " + String(repeating: "a", count: 300_000) + "\r\nContent-Length: 2"
        for (answer, said) in [
            ("hello, this is not HTTP\r\n\r\n", "it is not HTTP (it does not start with a status line"),
            ("HTTP/1.1 302 Found\r\nLocation: ftp://example.org/x\r\nContent-Length: 0\r\n\r\n", "it redirects to ftp://example.org/x, which is not an http or https URL"),
            ("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:99999/\r\nContent-Length: 0\r\n\r\n", "it redirects to 'http://127.0.0.1:99999/', which is not a usable URL"),
            (big + "\r\n\r\n[]", "its headers are too large or malformed"),
            ("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n[]", "it is not valid HTTP (Invalid Content-Length"),
        ] {
            let server = try RawAnswerServer(answer: Data(answer.utf8))
            defer { server.stop() }
            let r = try await fetch(server.baseURL, in: dir)
            #expect(r.status == 1, "\(answer.prefix(60)): \(r.err)")
            #expect(r.err.contains(said), "\(answer.prefix(60)): \(r.err)")
            for raw in ["unsupported URL", "Out of memory", "NSURLErrorDomain", "URLError", "could not reach"] {
                #expect(!r.err.contains(raw), "\(answer.prefix(60)): \(r.err)")
            }
        }
        // The redirect that could not be followed says where it pointed.
        let space = try RawAnswerServer(answer: Data("HTTP/1.1 302 Found\r\nLocation: http://exa mple.org/\r\nContent-Length: 0\r\n\r\n".utf8))
        defer { space.stop() }
        #expect(try await fetch(space.baseURL, in: dir).err.contains("a redirect to 'http://exa mple.org/', which could not be followed"))
    }

    @Test func aNullAnswerAndAnHTMLPageAreSummarised() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        await server.setFaultHook { _ in .respond(status: 200, body: "null", contentType: "application/json") }
        let null = try await fetch(server.baseURL, in: dir)
        #expect(null.status == 1)
        #expect(null.err.contains("expected a JSON array of rows, found null"), "\(null.err)")
        #expect(!null.err.contains("unkeyed") && !null.err.contains("decoding container"), "\(null.err)")

        await server.setFaultHook { _ in .htmlErrorPage(status: 502, title: "502 Bad Gateway", paragraph: "The upstream server is down.") }
        let html = try await fetch(server.baseURL, in: dir.appendingPathComponent("html"))
        #expect(html.status == 1)
        let reported = html.err.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(reported == ["error: ZTF18aabjigr: HTTP 502 from \(server.baseURL.absoluteString)/api/v1/objects: 502 Bad Gateway"], "\(html.err)")
        let manifest = try manifestLines(dir.appendingPathComponent("html/manifest.jsonl"))
        #expect(manifest.map { $0.reason ?? "" } == ["HTTP 502 from \(server.baseURL.absoluteString)/api/v1/objects: 502 Bad Gateway"])
    }
}
