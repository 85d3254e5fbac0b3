import FinkTestServer
import Foundation
import Testing

/// The `finkplot` binary itself (built beside the test bundle), against the in-process server:
/// exit status, messages and files as a user sees them.
@Suite struct CommandLineTests {
    /// The executable built with the tests: `swift build --build-tests` builds every product.
    func finkplot() throws -> URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("finkplot") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "finkplot not built next to \(dir.path)")
    }

    /// Runs the binary on a Dispatch thread: waiting for it on the cooperative pool (two threads
    /// on a two-core machine) would starve the in-process server it talks to.
    func run(_ arguments: [String], in dir: URL) async throws -> (status: Int32, out: String, err: String) {
        let executable = try finkplot()
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.runBlocking(executable, arguments, in: dir) })
            }
        }
    }

    static func runBlocking(_ executable: URL, _ arguments: [String], in dir: URL) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = dir
        // Not the test runner's own: a pipe there would be read for ids when none is given.
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test func anomalyAndStatsWriteFiguresAndTables() async throws {
        let server = try await serviceFixtureServer()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let api = server.baseURL.absoluteString

        let anomaly = try await run(["anomaly", "--api-url", api, "--n", "5", "-o", "a.png", "--table", "a.csv"], in: dir)
        #expect(anomaly.status == 0, "\(anomaly.err)")
        #expect(anomaly.err.contains("/a.png\n") && anomaly.err.contains("/a.csv\n"), "\(anomaly.err)")
        #expect(anomaly.out.isEmpty, "standard output carries data alone: \(anomaly.out)")
        let csv = String(decoding: try Data(contentsOf: dir.appendingPathComponent("a.csv")), as: UTF8.self)
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 6)

        let stats = try await run(["stats", "--api-url", api, "--date", "202103", "--plot", "nightly", "-o", "s.svg", "--table", "s.csv"], in: dir)
        #expect(stats.status == 0, "\(stats.err)")
        let svg = String(decoding: try Data(contentsOf: dir.appendingPathComponent("s.svg")), as: UTF8.self)
        #expect(svg.contains("<svg"))
        let body = try #require(await server.requests.last?.json)
        #expect(body["date"] == "202103")
        // Every --bin value is taken; the table stays one row per night whatever the bars.
        for bin in ["night", "week", "month", "auto"] {
            let binned = try await run(["stats", "--api-url", api, "--date", "202103", "--plot", "classes", "--bin", bin,
                                        "-o", "s.svg", "--table", "s.csv"], in: dir)
            #expect(binned.status == 0, "--bin \(bin): \(binned.err)")
            let rows = String(decoding: try Data(contentsOf: dir.appendingPathComponent("s.csv")), as: UTF8.self)
            #expect(rows.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 24, "23 nights and the header")
        }

        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["a.csv", "a.png", "s.csv", "s.svg"], "no temporary files left")
    }

    @Test func badInputIsRefusedBeforeAnythingIsSentOrWritten() async throws {
        let server = try await FixtureServer()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let api = server.baseURL.absoluteString

        let since = try await run(["anomaly", "--api-url", api, "--since", "2026-02-30", "-o", "a.png"], in: dir)
        #expect(since.status != 0)
        #expect(since.err.contains("--since") && since.err.contains("2026-02-30"), "\(since.err)")
        let date = try await run(["stats", "--api-url", api, "--date", "2021-3", "-o", "s.png"], in: dir)
        #expect(date.status != 0)
        #expect(date.err.contains("--date"), "\(date.err)")
        let bin = try await run(["stats", "--api-url", api, "--bin", "fortnight", "-o", "s.png"], in: dir)
        #expect(bin.status != 0)
        #expect(bin.err.contains("'fortnight' is invalid for '--bin") && bin.err.contains("'night', 'week' or 'month'"), "\(bin.err)")
        #expect(await server.requests.isEmpty)

        // The server has no nights: an error naming what and where, exit 1, no figure.
        let empty = try await run(["stats", "--api-url", api, "--date", "2019", "-o", "s.png"], in: dir)
        #expect(empty.status == 1)
        #expect(empty.err.contains("no data for statistics for 2019 at \(api)"), "\(empty.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// Issue #14 item 2: the real mistake is named. An unknown option is reported as such (with
    /// ArgumentParser's suggestion) before its words are counted as ids; a mistyped subcommand gets
    /// "did you mean"; a usage error found while running shows the typed subcommand's usage.
    @Test func usageErrorsNameTheRealMistake() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        let typo = try await run(["lightcurve", "--styl", "paper", "ZTF21aaxtctv", "-o", "x.png"], in: dir)
        #expect(typo.status == 64)
        #expect(typo.err.contains("Unknown option '--styl'") && typo.err.contains("'--style'"), "\(typo.err)")
        #expect(!typo.err.contains("-o names one file"), "\(typo.err)")

        let lacking = try await run(["card", "--width", "800", "ZTF21aaxtctv", "-o", "x.png"], in: dir)
        #expect(lacking.status == 64)
        #expect(lacking.err.contains("Unknown option '--width'"), "\(lacking.err)")
        #expect(lacking.err.contains("Usage: finkplot card"), "\(lacking.err)")

        let subcommand = try await run(["lightcuve", "ZTF21aaxtctv"], in: dir)
        #expect(subcommand.status == 64)
        #expect(subcommand.err.contains("unknown subcommand 'lightcuve'; did you mean 'lightcurve'?"), "\(subcommand.err)")

        let url = try await run(["cutouts", "ZTF21aaxtctv", "--api-url", "ht!tp://x", "-o", "x.png"], in: dir)
        #expect(url.status == 64)
        #expect(url.err.contains("Usage: finkplot cutouts") && !url.err.contains("finkplot <subcommand>"), "\(url.err)")
        for subcommand in ["lightcurve", "cutouts", "card", "render", "anomaly", "stats"] {
            let help = try await run([subcommand, "--help"], in: dir)
            #expect(help.out.replacingOccurrences(of: "\n", with: " ").contains("64 for a usage error"), "\(subcommand) --help: \(help.out)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// Issue #14 item 7: `render spec.json -o x.png` draws a PNG from a PDF card's spec (the
    /// extension of -o wins); an extension that is no format is a usage error naming the file.
    @Test func renderTakesTheFormatFromTheExtensionOfDashO() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = fixturesDirectory().path
        let card = try await run(["card", "ZTF18aabjigr", "--from", fixtures, "-o", "card.pdf", "--save-spec", "card.json"], in: dir)
        #expect(card.status == 0, "\(card.err)")

        let png = try await run(["render", "card.json", "--from", fixtures, "-o", "again.png"], in: dir)
        #expect(png.status == 0, "\(png.err)")
        let bytes = try Data(contentsOf: dir.appendingPathComponent("again.png"))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))

        let gif = try await run(["render", "card.json", "--from", fixtures, "-o", "again.gif"], in: dir)
        #expect(gif.status == 64)
        #expect(gif.err.contains("cannot tell the format of 'again.gif'"), "\(gif.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("again.gif").path))
    }

    /// Issue #14 items 1 and 3: `stats` takes -q (nothing but errors), and anomaly's
    /// count has a normal spelling (--count, -n; --n still works).
    @Test func quietAndCountSpellings() async throws {
        let server = try await serviceFixtureServer()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let api = server.baseURL.absoluteString

        let stats = try await run(["stats", "--api-url", api, "--date", "202103", "-q", "-o", "s.png"], in: dir)
        #expect(stats.status == 0, "\(stats.err)")
        #expect(stats.out.isEmpty && stats.err.isEmpty, "\(stats.out)\(stats.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.png").path))

        for spelling in [["--count", "3"], ["-n", "3"], ["--n", "3"]] {
            let anomaly = try await run(["anomaly", "--api-url", api] + spelling + ["-o", "a.png", "--table", "a.csv"], in: dir)
            #expect(anomaly.status == 0, "\(spelling): \(anomaly.err)")
            let csv = String(decoding: try Data(contentsOf: dir.appendingPathComponent("a.csv")), as: UTF8.self)
            #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 4, "\(spelling)")
        }
    }
}
