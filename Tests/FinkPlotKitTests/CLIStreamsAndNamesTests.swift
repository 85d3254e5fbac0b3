@testable import FinkPlotKit
import FinkTestServer
import Foundation
import Testing

/// The command line as users guess it (issue #14 items 1 and 3-6): data alone on standard
/// output and talk on standard error, ids from a pipe, one naming rule, `--from` for every saved
/// answer, tables of batches, cards and cutouts, completion scripts, help in 80 columns.
@Suite struct CLIStreamsAndNamesTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples")
    let fixtures = fixturesDirectory().path
    let small = ["--width", "400", "--height", "200", "--dpi", "50"]

    func files(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    func text(_ url: URL) throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }

    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    // MARK: Item 1: streams

    @Test func wroteLinesAndNotesGoToStandardErrorSoStandardOutputCarriesDataAlone() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let single = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-o", "a.png"] + small, in: dir)
        #expect(single.status == 0, "\(single.err)")
        #expect(single.out.isEmpty, "\(single.out)")
        #expect(single.err.contains("wrote \(dir.appendingPathComponent("a.png").standardizedFileURL.path)\n"), "\(single.err)")

        // Saved answers: no server to start on a busy machine (the requests' lines are tested below).
        let stats = try await runFinkplot(["stats", "--from", "\(fixtures)/statistics_2021.json", "--date", "202103", "--plot", "nightly",
                                           "-o", "s.png"], in: dir)
        #expect(stats.status == 0 && stats.out.isEmpty && stats.err.contains("wrote "), "\(stats.out) \(stats.err)")
        let anomaly = try await runFinkplot(["anomaly", "--from", "\(fixtures)/anomaly.json", "-n", "3", "-o", "an.png", "--table", "an.csv"],
                                            in: dir)
        #expect(anomaly.status == 0 && anomaly.out.isEmpty, "\(anomaly.out) \(anomaly.err)")
        #expect(anomaly.err.contains("/an.png\n") && anomaly.err.contains("/an.csv\n"), "\(anomaly.err)")
    }

    @Test func tablesGoToStandardOutputWithADash() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let toFile = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-o", "f.png", "--table", "t.csv"] + small,
                                           in: dir)
        #expect(toFile.status == 0, "\(toFile.err)")
        let piped = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-o", "g.png", "--table", "-"] + small,
                                          in: dir)
        #expect(piped.status == 0, "\(piped.err)")
        let saved = try text(dir.appendingPathComponent("t.csv"))
        #expect(piped.out == saved, "the table alone, as a file would hold it")
        #expect(piped.out.hasPrefix("objectId,band,tag,candid,mjd,x_mjd,y_diffmag,y_err\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
        // stats and anomaly too; the figure and the table cannot both be standard output.
        let stats = try await runFinkplot(["stats", "--from", "\(fixtures)/statistics_2021.json", "--date", "202103", "-o", "s.png",
                                           "--table", "-"], in: dir)
        #expect(stats.status == 0 && stats.out.hasPrefix("night,"), "\(stats.out.prefix(80)) \(stats.err)")
        for command in [["lightcurve", "ZTF18aabjigr", "--from", fixtures], ["card", "ZTF18aabjigr", "--from", fixtures],
                        ["cutouts", "ZTF18aabjigr", "--from", fixtures], ["stats", "--from", "\(fixtures)/statistics_2021.json"]] {
            let both = try await runFinkplot(command + ["-o", "-", "--table", "-"], in: dir)
            #expect(both.status == 64 && both.err.contains("would both go to standard output"), "\(command[0]): \(both.err)")
            #expect(both.out.isEmpty)
        }
    }

    @Test func quietLeavesErrorsAndTheCountsAndVerboseAddsTheRequests() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let quiet = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "ZTF99zzzzzzz", "--from", fixtures, "--output-dir", "q", "-q"] + small,
                                          in: dir)
        #expect(quiet.status == 1)
        #expect(lines(quiet.err) == ["error: ZTF99zzzzzzz: \(fixtures): no saved response for ZTF99zzzzzzz (neither ZTF99zzzzzzz.json nor ZTF99zzzzzzz.csv)",
                                     "2 ids: 1 rendered, 0 skipped, 0 empty, 0 invalid, 1 failed"] ||
                lines(quiet.err).count == 2 && quiet.err.contains("error: ZTF99zzzzzzz") && !quiet.err.contains("wrote"),
                "\(quiet.err)")
        let quietStats = try await runFinkplot(["stats", "--from", "\(fixtures)/statistics_2021.json", "-o", "s.png", "-q"], in: dir)
        #expect(quietStats.status == 0 && quietStats.err.isEmpty && quietStats.out.isEmpty, "\(quietStats.err)")

        let server = try await serviceFixtureServer()
        defer { Task { await server.stop() } }
        _ = try await server.load(objectsFile: fixturesDirectory().appendingPathComponent("ZTF18aabjigr.json"))
        let api = server.baseURL.absoluteString
        let verbose = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--api-url", api, "--no-cache", "-v", "-o", "v.png"] + small,
                                            in: dir)
        #expect(verbose.status == 0, "\(verbose.err)")
        let requests = lines(verbose.err).filter { $0.hasPrefix("request: ") }
        #expect(requests.count == 1, "\(verbose.err)")
        #expect(requests.first?.contains("POST \(api)") == true && requests.first?.contains("/api/v1/objects") == true, "\(requests)")
        #expect(requests.first?.contains("ZTF18aabjigr") == true && requests.first?.contains("-> 200") == true, "\(requests)")
        #expect(verbose.out.isEmpty)
        // Credentials in the URL are sent, never printed.
        let secret = api.replacingOccurrences(of: "://", with: "://astro:s3cret@")
        let redacted = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--api-url", secret, "--no-cache", "-v", "-o", "r.png"] + small,
                                             in: dir)
        #expect(redacted.status == 0 && redacted.err.contains("request: POST ") && !redacted.err.contains("s3cret"), "\(redacted.err)")
        let plain = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--api-url", api, "--no-cache", "-o", "p.png"] + small, in: dir)
        #expect(plain.status == 0 && !plain.err.contains("request: "), "\(plain.err)")
        let verboseStats = try await runFinkplot(["stats", "--api-url", api, "--date", "202103", "-o", "s.png", "--verbose"], in: dir)
        #expect(verboseStats.status == 0 && verboseStats.err.contains("/api/v1/statistics"), "\(verboseStats.err)")
        let verboseAnomaly = try await runFinkplot(["anomaly", "--api-url", api, "-n", "2", "-o", "a.png", "-v"], in: dir)
        #expect(verboseAnomaly.status == 0 && verboseAnomaly.err.contains("/api/v1/anomaly"), "\(verboseAnomaly.err)")
        let both = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-q", "-v"], in: dir)
        #expect(both.status == 64 && both.err.contains("--quiet and --verbose exclude each other"), "\(both.err)")
    }

    @Test func idsAreReadFromAPipeWhenNoneIsGiven() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let piped = try await runFinkplot(["lightcurve", "--from", fixtures, "--output-dir", "figs"] + small,
                                          stdin: "ZTF18aabjigr\n# a comment\nZTF18acefvuh\n", in: dir)
        #expect(piped.status == 0, "\(piped.err)")
        #expect(try files(dir.appendingPathComponent("figs")) == ["ZTF18aabjigr_lightcurve.png", "ZTF18acefvuh_lightcurve.png", "manifest.jsonl"])
        // One id piped may go to -o; ids on the command line win over the pipe.
        let one = try await runFinkplot(["card", "--from", fixtures, "-o", "one.png"], stdin: "ZTF18acefvuh\n", in: dir)
        #expect(one.status == 0 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("one.png").path), "\(one.err)")
        let given = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixtures, "-o", "given.png"] + small,
                                          stdin: "ZTF18acefvuh\nZTF19acihgng\n", in: dir)
        #expect(given.status == 0, "the piped ids are not read when ids are given: \(given.err)")
        let cutouts = try await runFinkplot(["cutouts", "--from", fixtures, "-o", "grid.png"], stdin: "ZTF18acefvuh ZTF18aabjigr\n", in: dir)
        #expect(cutouts.status == 0 && cutouts.lastLine.hasPrefix("2 ids: 2 rendered"), "\(cutouts.err)")
        let empty = try await runFinkplot(["lightcurve", "--from", fixtures], stdin: "", in: dir)
        #expect(empty.status == 64 && empty.err.contains("standard input (a pipe) holds none"), "\(empty.err)")
        let several = try await runFinkplot(["lightcurve", "--from", fixtures, "-o", "x.png"], stdin: "ZTF18aabjigr\nZTF18acefvuh\n", in: dir)
        #expect(several.status == 64 && several.err.contains("-o names one file"), "\(several.err)")
    }

    @Test func aRunOnATerminalSaysWhereItWrote() async throws {
        // `script` gives the command a terminal, as a user's shell does.
        let script = try #require(["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "util-linux script is needed to give finkplot a terminal")
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let finkplot = try #require([bin, bin.deletingLastPathComponent()].map { $0.appendingPathComponent("finkplot").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) })
        let command = "\(finkplot) lightcurve ZTF18aabjigr --from \(fixtures) -o t.png \(small.joined(separator: " "))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = dir
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
        #expect(said.contains("wrote \(dir.appendingPathComponent("t.png").standardizedFileURL.path)"), "\(said)")
        #expect(!said.contains("[####"), "no progress bar for a single id: \(said)")
    }

    /// What the progress writes where, on a terminal (a bar) and in a log (lines).
    final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [(text: String, toError: Bool)] = []
        func add(_ text: String, _ toError: Bool) { lock.withLock { parts.append((text, toError)) } }
        var output: String { lock.withLock { parts.filter { !$0.toError }.map(\.text).joined() } }
        var error: String { lock.withLock { parts.filter(\.toError).map(\.text).joined() } }
    }

    func progress(_ mode: ConsoleProgress.Mode, ids: Int) -> Captured {
        let captured = Captured()
        let progress = ConsoleProgress(mode: mode, write: { captured.add($0, $1) })
        progress.started(total: ids, alreadyDone: 0)
        var summary = BatchSummary(total: ids, duplicates: 0)
        for i in 0..<ids {
            summary.counts[.rendered, default: 0] += 1
            progress.finished(ManifestEntry(id: "ZTF18aaaaa\(i)", status: .rendered, outputs: ["/figs/\(i).png", "/dev/stdout"]),
                              summary: summary)
        }
        return captured
    }

    @Test func aTerminalNamesTheFilesOfAShortRunAndABarForALongOne() {
        for mode in [ConsoleProgress.Mode.bar, .lines, .quiet] {
            #expect(progress(mode, ids: 12).output.isEmpty, "\(mode): nothing on standard output")
        }
        let one = progress(.bar, ids: 1).error
        #expect(one == "wrote /figs/0.png\n", "one id: where it wrote, no bar: \(one.debugDescription)")
        let ten = progress(.bar, ids: ConsoleProgress.namedFilesLimit).error
        #expect((0..<10).allSatisfy { ten.contains("wrote /figs/\($0).png\n") } && ten.contains("[####"), "\(ten.debugDescription)")
        #expect(!ten.contains("wrote /dev/stdout"), "a figure streamed to standard output is no file to name")
        let long = progress(.bar, ids: ConsoleProgress.namedFilesLimit + 1).error
        #expect(!long.contains("wrote") && long.contains("[####"), "\(long.debugDescription)")
        let log = progress(.lines, ids: 12).error
        #expect((0..<12).allSatisfy { log.contains("wrote /figs/\($0).png\n") })
        #expect(progress(.quiet, ids: 3).error.isEmpty)
    }

    /// With messages on standard error, a closed one must not hand its descriptor to the next
    /// file opened: the manifest and the figures stay clean whatever streams are closed.
    @Test func closedStreamsNeverCarryMessagesIntoFiles() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Which descriptor a file gets depends on what the runtime opened first: all closed, the
        // fault showed in about one run of eight, so that case runs eight times.
        let cases = (1...8).map { ("a\($0)", "<&- >&- 2>&-") } + [("b", "2>&-"), ("c", ">&- 2>&-"), ("d", "<&- 2>&-")]
        for (name, redirections) in cases {
            let run = try await sh("finkplot lightcurve --from \(fixtures) ZTF18aabjigr ZTF18acefvuh ZTF19acihgng --output-dir \(name) "
                                   + small.joined(separator: " ") + " \(redirections); echo \"exit $?\" > \(name).status", in: dir)
            #expect(run.status == 0)
            #expect(try text(dir.appendingPathComponent("\(name).status")) == "exit 0\n", "\(redirections)")
            let manifest = lines(try text(dir.appendingPathComponent("\(name)/manifest.jsonl")))
            #expect(manifest.count == 3 && manifest.allSatisfy { $0.hasPrefix("{") && $0.contains("\"status\":\"rendered\"") },
                    "\(redirections): \(manifest)")
            for id in ["ZTF18aabjigr", "ZTF18acefvuh", "ZTF19acihgng"] {
                let png = try Data(contentsOf: dir.appendingPathComponent("\(name)/\(id)_lightcurve.png"))
                #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) && png.suffix(8).prefix(4) == Data("IEND".utf8),
                        "\(redirections): \(id)")
            }
        }
    }

    // MARK: Item 3: names

    @Test func everyKindIsNamedIdUnderscoreKindAndAManifestOnlyGoesWhereADirectoryIsNamed() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids = ["ZTF18aabjigr", "ZTF18acefvuh"]
        let lightcurves = try await runFinkplot(["lightcurve"] + ids + ["--from", fixtures] + small, in: dir)
        #expect(lightcurves.status == 0, "\(lightcurves.err)")
        let cards = try await runFinkplot(["card"] + ids + ["--from", fixtures], in: dir)
        #expect(cards.status == 0, "\(cards.err)")
        // Without -o a grid per object, named as the other kinds are (-o FILE: one grid of all).
        let grids = try await runFinkplot(["cutouts"] + ids + ["--from", fixtures], in: dir)
        #expect(grids.status == 0, "\(grids.err)")
        #expect(try files(dir) == ["ZTF18aabjigr_card.png", "ZTF18aabjigr_cutouts.png", "ZTF18aabjigr_lightcurve.png",
                                   "ZTF18acefvuh_card.png", "ZTF18acefvuh_cutouts.png", "ZTF18acefvuh_lightcurve.png"],
                "no manifest.jsonl in the current folder unasked")
        #expect(!lightcurves.err.contains("manifest"), "\(lightcurves.err)")
        let named = try await runFinkplot(["lightcurve"] + ids + ["--from", fixtures, "--output-dir", "figs"] + small, in: dir)
        #expect(named.status == 0 && named.err.contains("manifest: "), "\(named.err)")
        #expect(try files(dir.appendingPathComponent("figs")) == ["ZTF18aabjigr_lightcurve.png", "ZTF18acefvuh_lightcurve.png", "manifest.jsonl"])
    }

    @Test func anomalyFromTakesTheAnswerFileAndTheObjectsDirectoryAndOutputDirTakesEverything() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let answer = "\(fixtures)/anomaly.json"
        for (name, option) in [("a", "--from"), ("b", "--objects-from")] {
            let run = try await runFinkplot(["anomaly", "--from", answer, option, Self.samples.path, "--render", "lightcurve",
                                             "--output-dir", name, "--table", "alerts.csv", "-q"] + small, in: dir)
            // Only ZTF25ackyyzk of the ten anomalous objects has a saved answer in samples/.
            #expect(run.status == 1 && run.lastLine.hasPrefix("10 ids: 1 rendered"), "\(option): \(run.err)")
            let out = dir.appendingPathComponent(name)
            let made = try files(out)
            #expect(["anomaly.png", "alerts.csv", "ZTF25ackyyzk_lightcurve.png", "manifest.jsonl"].allSatisfy(made.contains),
                    "\(option): \(made)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("anomaly.png").path))
        // --output-dir without --render takes the chart; a directory --from without it is a usage error.
        let chart = try await runFinkplot(["anomaly", "--from", answer, "--output-dir", "c"], in: dir)
        #expect(chart.status == 0, "\(chart.err)")
        #expect(try files(dir.appendingPathComponent("c")) == ["anomaly.png"])
        let noRender = try await runFinkplot(["anomaly", "--from", answer, "--from", Self.samples.path], in: dir)
        #expect(noRender.status == 64 && noRender.err.contains("only make sense with --render"), "\(noRender.err)")
        let two = try await runFinkplot(["anomaly", "--from", answer, "--from", answer], in: dir)
        #expect(two.status == 64 && two.err.contains("give one saved answer"), "\(two.err)")
        let missing = try await runFinkplot(["anomaly", "--from", "nowhere.json"], in: dir)
        #expect(missing.status == 64 && missing.err.contains("--from nowhere.json: no such file or directory"), "\(missing.err)")
        let statsDirectory = try await runFinkplot(["stats", "--from", fixtures], in: dir)
        #expect(statsDirectory.status == 64 && statsDirectory.err.contains("is a directory"), "\(statsDirectory.err)")
    }

    // MARK: Item 4: tables for batches, cards and cutouts

    @Test func oneTableHoldsEveryObjectOfABatchACardRunOrAGrid() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids = ["ZTF18aabjigr", "ZTF18acefvuh"]
        let batch = try await runFinkplot(["lightcurve"] + ids + ["--from", fixtures, "--output-dir", "lc", "--table", "lc.csv"] + small,
                                          in: dir)
        #expect(batch.status == 0, "\(batch.err)")
        let table = lines(try text(dir.appendingPathComponent("lc.csv")))
        #expect(table.first == "objectId,band,tag,candid,mjd,x_mjd,y_diffmag,y_err")
        // Each object's rows are its own single-object table's, in the order the ids were given.
        var expected = [table[0]]
        for id in ids {
            let one = try await runFinkplot(["lightcurve", id, "--from", fixtures, "-o", "\(id).png", "--table", "\(id).csv"] + small, in: dir)
            #expect(one.status == 0, "\(one.err)")
            expected += lines(try text(dir.appendingPathComponent("\(id).csv"))).dropFirst()
        }
        #expect(table == expected)
        #expect(batch.err.contains("wrote \(dir.appendingPathComponent("lc.csv").path) (\(table.count - 1) rows of 2 objects)"), "\(batch.err)")
        // A re-run into the same directory still tables every object (none is skipped).
        let again = try await runFinkplot(["lightcurve"] + ids + ["--from", fixtures, "--output-dir", "lc", "--table", "lc2.csv"] + small,
                                          in: dir)
        #expect(again.status == 0, "\(again.err)")
        let againTable = lines(try text(dir.appendingPathComponent("lc2.csv")))
        #expect(againTable == table)

        // A card's table is its lightcurve panel's points: the lightcurve's own, for the same axes.
        let cards = try await runFinkplot(["card"] + ids + ["--from", fixtures, "--output-dir", "cards", "--table", "-"], in: dir)
        #expect(cards.status == 0, "\(cards.err)")
        #expect(lines(cards.out) == table)

        // A grid's table: a row per alert drawn, with its object, alert and stamps.
        let grid = try await runFinkplot(["cutouts"] + ids + ["--from", fixtures, "-o", "g.png", "--table", "g.csv"], in: dir)
        #expect(grid.status == 0, "\(grid.err)")
        let rows = lines(try text(dir.appendingPathComponent("g.csv")))
        #expect(rows.first == "objectId,candid,band,mjd,x_utc,mag,mag_err,fainter_than_reference,science_px,template_px,difference_px")
        #expect(rows.count == 3 && rows[1].hasPrefix("ZTF18aabjigr,") && rows[2].hasPrefix("ZTF18acefvuh,"), "\(rows)")
        #expect(rows[1].hasSuffix(",63x63,63x63,63x63"), "\(rows[1])")
        let perObject = try await runFinkplot(["cutouts"] + ids + ["--from", fixtures, "--output-dir", "grids", "--table", "grids.csv"], in: dir)
        #expect(perObject.status == 0, "\(perObject.err)")
        let perObjectRows = lines(try text(dir.appendingPathComponent("grids.csv")))
        #expect(perObjectRows == rows)
    }

    @Test func aTableOfBothSurveysNamesItsColumnsForBoth() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "170028485706776685", "--from", Self.samples.path,
                                         "--output-dir", "figs", "--table", "-", "-q"] + small, in: dir)
        #expect(run.status == 0, "\(run.err)")
        let table = lines(run.out)
        #expect(table.first == "survey,objectId,band,tag,alertId,mjd,x_mjd,y_diffmag,y_err,y_mag", "\(table.first ?? "")")
        #expect(table.dropFirst().allSatisfy { $0.hasPrefix("ztf,ZTF18aabjigr,") || $0.hasPrefix("lsst,170028485706776685,") })
        let rubin = try #require(table.first { $0.hasPrefix("lsst,") && $0.contains(",valid,") })
        let cells = rubin.split(separator: ",", omittingEmptySubsequences: false)
        #expect(cells.count == 10 && cells[7].isEmpty && !cells[9].isEmpty, "a Rubin magnitude under y_mag: \(rubin)")
    }

    // MARK: Item 5: completions

    @Test func completionScriptsCompleteValuesAndFileNames() async throws {
        let bash = try await runFinkplot(["--generate-completion-script", "bash"])
        #expect(bash.status == 0, "\(bash.err)")
        let script = bash.out
        // A case of the option, then what it completes.
        func completes(_ option: String, _ expected: String) -> Bool {
            script.components(separatedBy: "'\(option)'").dropFirst().contains { part in
                part.prefix(400).contains(expected)
            }
        }
        #expect(completes("--output", "-fX '!*.@(png|svg|pdf)'"))
        #expect(completes("--table", "-fX '!*.@(csv)'"))
        #expect(completes("--ids-file", "-f"))
        #expect(completes("--from", "-d") || completes("--from", "-f"))
        for (option, value) in [("--style", "paper-wide"), ("--time", "since-first"), ("--top-axis", "none"), ("--y", "dcmag"),
                                ("--palette", "colorblind"), ("--cmap", "viridis"), ("--interval", "zscale"),
                                ("--stretch", "asinh"), ("--format", "svg")] {
            #expect(completes(option, "'\(value)'"), "\(option) completes \(value)")
        }
        for shell in ["zsh", "fish"] {
            let other = try await runFinkplot(["--generate-completion-script", shell])
            #expect(other.status == 0 && other.out.contains("since-first") && other.out.contains("colorblind"), "\(shell)")
        }
        let help = try await runFinkplot(["--help"])
        #expect(help.out.contains("finkplot --generate-completion-script bash"))
        let readme = try text(Self.samples.deletingLastPathComponent().appendingPathComponent("README.md"))
        #expect(readme.contains("--generate-completion-script bash") && readme.contains("--generate-completion-script zsh")
                && readme.contains("--generate-completion-script fish"))
    }

    // MARK: Item 6: help text

    @Test func helpReadsInEightyColumns() async throws {
        for command in ["lightcurve", "cutouts", "card", "render", "anomaly", "stats"] {
            let help = try await runFinkplot([command, "--help"], environment: ["COLUMNS": "80"])
            let all = help.out.components(separatedBy: "\n")
            #expect(all.allSatisfy { $0.count <= 80 }, "\(command): \(all.filter { $0.count > 80 })")
            let start = try #require(all.firstIndex(of: "Examples:"), "\(command) --help has examples")
            let examples = all[(start + 1)...].prefix { !$0.isEmpty }
            #expect(!examples.isEmpty)
            var continued = false
            for line in examples {
                #expect(continued ? line.hasPrefix("    ") : line.hasPrefix("  finkplot ") || line.hasPrefix("  grep "),
                        "\(command): an example broken mid-command: '\(line)'")
                continued = line.hasSuffix("\\")
            }
            #expect(!continued, "\(command): the last example ends with a backslash")
        }
        let card = try await runFinkplot(["card", "--help"], environment: ["COLUMNS": "80"])
        let cardStyle = card.out.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
        #expect(cardStyle.contains("Card page: screen 8×6 in at 150 dpi"), "\(card.out)")
        #expect(!cardStyle.contains("screen (8×4 in"), "the lightcurve's page is not the card's")
        let cutouts = try await runFinkplot(["cutouts", "--help"], environment: ["COLUMNS": "80"])
        let grid = cutouts.out.replacingOccurrences(of: "\n", with: " ")
        #expect(!grid.contains("grid's size in pixels are the same in every style"))
        #expect(grid.replacingOccurrences(of: "  ", with: " ").contains("grows with the style's type size"))
    }

    /// `line` run by /bin/sh in `dir`, `finkplot` being the binary built with the tests.
    func sh(_ line: String, in dir: URL) async throws -> (status: Int32, err: String) {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let finkplot = try #require([bin, bin.deletingLastPathComponent()].map { $0.appendingPathComponent("finkplot").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) })
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/bin/sh")
                    process.arguments = ["-c", "finkplot() { \"$FINKPLOT\" \"$@\"; }\n" + line]
                    process.currentDirectoryURL = dir
                    process.environment = ProcessInfo.processInfo.environment.merging(
                        ["FINKPLOT": finkplot, "XDG_CACHE_HOME": dir.appendingPathComponent("xdg").path]) { $1 }
                    process.standardInput = FileHandle.nullDevice
                    process.standardOutput = FileHandle.nullDevice
                    let err = Pipe()
                    process.standardError = err
                    try process.run()
                    let said = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return (process.terminationStatus, String(decoding: said, as: UTF8.self))
                })
            }.start()
        }
    }

    /// The examples that read `samples/` (no network), in the README's code blocks and in every
    /// `--help`, run as written, in order (a spec written by one is rendered by the next).
    @Test func theOfflineExamplesOfTheReadmeAndTheHelpRunAsWritten() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("samples"), withDestinationURL: Self.samples)
        let readme = try text(Self.samples.deletingLastPathComponent().appendingPathComponent("README.md"))
        var inBlock = false, commands: [String] = []
        for line in readme.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inBlock.toggle(); continue }
            if inBlock, line.hasPrefix("finkplot "), line.contains("--from samples") { commands.append(line) }
        }
        #expect(commands.count >= 3, "\(commands)")
        // The README's replay of the spec its card wrote: the same bytes.
        commands.append("finkplot render card.json -o card_again.pdf")
        for command in commands {
            let run = try await sh(command.components(separatedBy: " #")[0], in: dir)
            #expect(run.status == 0, "\(command): \(run.err)")
        }
        #expect(try Data(contentsOf: dir.appendingPathComponent("card_again.pdf")) == Data(contentsOf: dir.appendingPathComponent("card.pdf")))
        commands = []
        for command in ["lightcurve", "cutouts", "card", "render", "anomaly", "stats"] {
            let help = try await runFinkplot([command, "--help"], environment: ["COLUMNS": "80"])
            let lines = help.out.components(separatedBy: "\n")
            let start = try #require(lines.firstIndex(of: "Examples:"))
            // Continued lines (a trailing backslash) joined, as the shell reads them.
            let joined = lines[(start + 1)...].prefix { !$0.isEmpty }.joined(separator: "\n")
                .replacingOccurrences(of: "\\\n", with: " ").components(separatedBy: "\n")
            commands += joined.map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.contains("--from samples") }
        }
        #expect(commands.contains { $0.hasPrefix("finkplot anomaly") } && commands.contains { $0.hasPrefix("finkplot stats") })
        // The help's replay of the spec its lightcurve wrote.
        commands.append("finkplot render lc.json -o lc_again.pdf")
        for command in commands {
            let run = try await sh(command, in: dir)
            #expect(run.status == 0, "\(command): \(run.err)")
        }
        #expect(try Data(contentsOf: dir.appendingPathComponent("lc_again.pdf")) == Data(contentsOf: dir.appendingPathComponent("lc.pdf")))
    }

    @Test func theCutoutGridGrowsWithItsTypeAsTheHelpSays() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var widths: [String: Int] = [:]
        for (name, extra) in [("screen", [String]()), ("talk", ["--style", "talk"]), ("big", ["--font-size", "20"])] {
            let run = try await runFinkplot(["cutouts", "ZTF18aabjigr", "--from", fixtures, "-o", "\(name).png"] + extra, in: dir)
            #expect(run.status == 0, "\(run.err)")
            let png = try Data(contentsOf: dir.appendingPathComponent("\(name).png"))
            // IHDR: width and height are the big-endian UInt32s at bytes 16 and 20. Larger type
            // makes a wider label column or, past 40 % of the width, taller rows of labels above
            // the stamps: the page's area grows either way.
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            widths[name] = width * height
        }
        #expect(widths["talk"]! > widths["screen"]! && widths["big"]! > widths["screen"]!, "areas: \(widths)")
    }
}
