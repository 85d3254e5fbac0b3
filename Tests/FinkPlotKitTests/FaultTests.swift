import FinkPlotKit
import FinkTestServer
import Foundation
import Testing

/// Faults and hostile input, as an unlucky user or an attacker meets them (issue #12): closed and
/// full streams, special output targets, signals, a torn manifest, stamps that cannot be had.
@Suite(.serialized) struct FaultTests {
    func finkplot() throws -> String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return try #require([dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("finkplot").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) })
    }

    /// `script` run by /bin/sh in `dir`, with `$BIN` the binary and `$FIX` the fixtures: for the
    /// redirections a user types. Returns standard output as bytes.
    func shell(_ script: String, in dir: URL) async throws -> (status: Int32, out: Data, err: String) {
        let bin = try finkplot()
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/bin/sh")
                    process.arguments = ["-c", script]
                    process.currentDirectoryURL = dir
                    var environment = ProcessInfo.processInfo.environment
                    environment["BIN"] = bin
                    environment["FIX"] = fixturesDirectory().path
                    environment["XDG_CACHE_HOME"] = dir.appendingPathComponent("xdg").path
                    process.environment = environment
                    let out = Pipe(), err = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    try process.run()
                    let errData = LockedData()
                    let done = DispatchSemaphore(value: 0)
                    Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()); done.signal() }.start()
                    let o = out.fileHandleForReading.readDataToEndOfFile()
                    done.wait()
                    process.waitUntilExit()
                    return (process.terminationStatus, o, String(decoding: errData.value, as: UTF8.self))
                })
            }.start()
        }
    }

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func closedAndFullStreamsNeverStopTheRun() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids = "ZTF18aabjigr ZTF18acefvuh ZTF19acihgng"
        let closed = try await shell(#"$BIN lightcurve --from "$FIX" \#(ids) --output-dir a <&- >&- 2>&-; echo "exit $?" >&2"#, in: dir)
        #expect(closed.err.contains("exit 0"), "\(closed.err)")
        let full = try await shell(#"$BIN lightcurve --from "$FIX" \#(ids) --output-dir b >/dev/full 2>/dev/full; echo "exit $?" >&2"#, in: dir)
        #expect(full.err.contains("exit 0"), "\(full.err)")
        // `| head -1` closes the pipe after the first line: the run goes on to the end.
        let piped = try await shell(#"$BIN lightcurve --from "$FIX" \#(ids) --output-dir c 2>&1 | head -1 > /dev/null; sleep 0.2"#, in: dir)
        #expect(piped.status == 0)
        for sub in ["a", "b", "c"] {
            for id in ids.split(separator: " ") {
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(sub)/\(id)_lightcurve.png").path), "\(sub)/\(id)")
            }
            let manifest = try lines(dir.appendingPathComponent("\(sub)/manifest.jsonl"))
            #expect(manifest.count == 3 && manifest.allSatisfy { $0.contains("\"status\":\"rendered\"") }, "\(sub): \(manifest)")
        }
    }

    @Test func standardOutputCarriesTheFigureAlone() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = try await shell(#"$BIN lightcurve --from "$FIX" ZTF18aabjigr -o -"#, in: dir)
        #expect(png.status == 0, "\(png.err)")
        #expect(png.out.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "PNG by default")
        #expect(png.out.suffix(8).prefix(4) == Data("IEND".utf8), "nothing after the image")
        let svg = try await shell(#"$BIN lightcurve --from "$FIX/lsst" 170028485706776685 -o - --format svg"#, in: dir)
        #expect(svg.status == 0, "\(svg.err)")
        let text = String(decoding: svg.out, as: UTF8.self)
        #expect(text.hasPrefix("<?xml") && text.hasSuffix("</svg>\n"), "\(text.suffix(40))")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
    }

    @Test func specialTargetsAreStreamedFollowedOrRefused() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A FIFO is written as a stream, never replaced by a regular file.
        // (`timeout`: if the figure never came, the reader would wait on the FIFO forever.)
        let fifo = try await shell(#"mkfifo f.png && (timeout 30 cat f.png > got.png &) && $BIN lightcurve --from "$FIX" ZTF18aabjigr -o f.png && sleep 0.3 && test -p f.png && echo fifo-kept"#, in: dir)
        #expect(String(decoding: fifo.out, as: UTF8.self).contains("fifo-kept"), "\(fifo.err)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("got.png")).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        // A symbolic link is followed: its target is replaced, the link stays a link.
        let link = try await shell(#"ln -s target.png link.png && $BIN lightcurve --from "$FIX" ZTF18aabjigr -o link.png && test -L link.png && test -s target.png && echo link-kept"#, in: dir)
        #expect(String(decoding: link.out, as: UTF8.self).contains("link-kept"), "\(link.err)")
        // A read-only file is not replaced, even by root.
        let ro = try await shell(#"echo keep > ro.png && chmod 444 ro.png && $BIN lightcurve --from "$FIX" ZTF18aabjigr -o ro.png; echo "exit $?"; cat ro.png"#, in: dir)
        let said = String(decoding: ro.out, as: UTF8.self)
        #expect(said.contains("exit 1") && said.contains("keep"), "\(said) \(ro.err)")
        #expect(ro.err.contains("is read-only"), "\(ro.err)")
        // --table onto the figure itself is refused before anything is written.
        let same = try await shell(#"$BIN lightcurve --from "$FIX" ZTF18aabjigr -o x.png --table x.png; echo "exit $?""#, in: dir)
        #expect(String(decoding: same.out, as: UTF8.self).contains("exit 64"), "\(same.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.png").path))
    }

    @Test func aLegalLongFileNameWorks() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = String(repeating: "a", count: 246) + ".png"   // 250 bytes: legal; the temporary name must fit too
        let r = try await shell(#"$BIN lightcurve --from "$FIX" ZTF18aabjigr -o \#(name)"#, in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path))
    }

    @Test func aTornManifestLineIsRepairedAndAKilledRunsTemporariesCleared() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("figs")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data(#"{"attempts":0,"id":"ZT"#.utf8).write(to: out.appendingPathComponent("manifest.jsonl"))
        // What a SIGKILL at the rename leaves: a temporary of a process that is gone.
        let stale = out.appendingPathComponent(".ZTF18aabjigr.png.999999.12345.tmp")
        try Data("half".utf8).write(to: stale)
        // Untouched for two hours: a live run on another machine would have renamed it long ago.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: stale.path)
        let fresh = out.appendingPathComponent(".ZTF18acefvuh.png.999998.54321.tmp")
        try Data("another machine's".utf8).write(to: fresh)
        let r = try await shell(#"$BIN lightcurve --from "$FIX" ZTF18aabjigr --output-dir figs"#, in: dir)
        #expect(r.status == 0, "\(r.err)")
        let manifest = try lines(out.appendingPathComponent("manifest.jsonl"))
        #expect(manifest.count == 1 && manifest[0].hasPrefix("{") && manifest[0].contains("\"id\":\"ZTF18aabjigr\""), "\(manifest)")
        #expect(!FileManager.default.fileExists(atPath: stale.path), "the killed run's temporary is cleared")
        #expect(FileManager.default.fileExists(atPath: fresh.path), "a recent one may be a live run's on another machine")
    }

    /// SIGTERM (how Slurm stops a job) against a server that never answers: a clean stop at once.
    @Test func sigtermStopsPromptlyWithExit143() async throws {
        let server = try await FixtureServer()
        await server.setFaultHook { _ in .delay(120) }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try finkplot())
        process.arguments = ["lightcurve", "ZTF18aabjigr", "ZTF18acefvuh", "--api-url", server.baseURL.absoluteString,
                             "--no-cache", "--output-dir", dir.appendingPathComponent("o").path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var waited = 0
        while await server.requests.isEmpty && waited < 300 {
            try await Task.sleep(nanoseconds: 100_000_000)
            waited += 1
        }
        #expect(await !server.requests.isEmpty, "the request was never sent")
        let clock = ContinuousClock()
        let start = clock.now
        process.terminate()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            Thread { process.waitUntilExit(); c.resume() }.start()
        }
        let took = clock.now - start
        await server.stop()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 143, "\(text)")
        #expect(took < .seconds(20), "stopped \(took) after SIGTERM (the server would hold it 120 s)")
        #expect(text.contains("interrupted with 2 not done"), "the summary is printed: \(text)")
    }

    /// `/api/v1/cutouts` fails for good: the card is still drawn, and says why it has no stamps.
    @Test func aCardIsStillACardWithoutItsStamps() async throws {
        let server = try await FixtureServer()
        try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF18acefvuh.json"))
        await server.setFaultHook { request in request.path == "/api/v1/cutouts" ? .respond(status: 500, body: "boom") : nil }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runFinkplot(["card", "ZTF18acefvuh", "--api-url", server.baseURL.absoluteString, "--no-cache", "--retries", "1",
                                       "--output-dir", dir.path])
        await server.stop()
        #expect(r.status == 0, "\(r.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ZTF18acefvuh_card.png").path))
        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        #expect(manifest.contains("stamps unavailable for candid"), "\(manifest)")
    }

    /// `cutouts --alert all`: alerts whose `/api/v1/cutouts` keeps failing get "no data" rows
    /// and a note each; the alert the server has is drawn, and the grid is written.
    @Test func oneAlertWithoutStampsCostsOnlyItsRow() async throws {
        let server = try await FixtureServer()
        try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF18acefvuh.json"))
        let served: Int64 = 1_034_527_953_215_010_006
        try await server.setCutouts(Data(contentsOf: fixturesDirectory().appendingPathComponent("cutouts/ZTF18acefvuh_\(served).json")),
                                    objectId: "ZTF18acefvuh", candid: served)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await runFinkplot(["cutouts", "ZTF18acefvuh", "--alert", "all", "--api-url", server.baseURL.absoluteString,
                                       "--no-cache", "--retries", "0", "--output-dir", dir.path])
        let asked = await server.requests.filter { $0.path == "/api/v1/cutouts" }.count
        await server.stop()
        #expect(r.status == 0, "\(r.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ZTF18acefvuh_cutouts.png").path), "\(r.err)")
        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        let unavailable = manifest.components(separatedBy: "stamps unavailable for candid").count - 1
        #expect(asked > 1 && unavailable == asked - 1, "every alert but the served one is noted: \(asked) asked, \(unavailable) notes: \(manifest)")
        #expect(!manifest.contains("stamps unavailable for candid \(served)"), "\(manifest)")
        #expect(r.err.contains("stamps unavailable for candid"), "\(r.err)")
    }

    /// `--offline` never opens a connection, for a cutout grid too.
    @Test func offlineCutoutsAskNothing() async throws {
        let server = try await FixtureServer()
        try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF18acefvuh.json"))
        try await server.setCutouts(Data(contentsOf: fixturesDirectory().appendingPathComponent("cutouts/ZTF18acefvuh_1034527953215010006.json")),
                                    objectId: "ZTF18acefvuh", candid: 1_034_527_953_215_010_006)
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let api = server.baseURL.absoluteString
        let cold = try await runFinkplot(["cutouts", "ZTF18acefvuh", "--api-url", api, "--cache", dir.appendingPathComponent("c").path,
                                          "--offline", "-o", dir.appendingPathComponent("a.png").path])
        #expect(cold.status == 1 && cold.err.contains("--offline never asks the API"), "\(cold.err)")
        #expect(await server.requests.isEmpty)
        let warm = try await runFinkplot(["cutouts", "ZTF18acefvuh", "--api-url", api, "--cache", dir.appendingPathComponent("c").path,
                                          "-o", dir.appendingPathComponent("b.png").path])
        #expect(warm.status == 0, "\(warm.err)")
        await server.clearRequests()
        let offline = try await runFinkplot(["cutouts", "ZTF18acefvuh", "--api-url", api, "--cache", dir.appendingPathComponent("c").path,
                                             "--offline", "-o", dir.appendingPathComponent("c.png").path])
        #expect(offline.status == 0, "\(offline.err)")
        let sent = await server.requests.map(\.path)
        #expect(sent.isEmpty, "\(sent)")
        await server.stop()
    }
}
