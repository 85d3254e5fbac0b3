import FinkAPI
import FinkTestServer
import Foundation
import Testing
@testable import FinkPlotKit

/// The cache and temporary files under faults (issue #12, items 13 and 14): a killed run's
/// temporaries are cleared in the cache too, long names fit, a figure from the cache says when
/// its data were fetched, a future entry is stale, an unwritable cache is said, `--cache` naming
/// a file is a usage error, a relative XDG_CACHE_HOME is ignored out loud.
@Suite(.serialized) struct FaultsCacheTests {
    let small = ["--width", "400", "--height", "200", "--dpi", "50"]

    func server(count: Int = 1) async throws -> (FixtureServer, [String]) {
        let server = try await FixtureServer()
        let ids = try await server.loadSynthetic(count: count, rows: fixtureSources, cutouts: try cutoutsFixture(), maxRows: 6)
        return (server, ids)
    }

    func folder(_ cache: URL, _ server: FixtureServer) -> URL {
        ObjectCache(directory: cache).folder(survey: .ztf, location: server.baseURL.absoluteString)
    }

    func age(_ url: URL, seconds: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: url.path)
    }

    // MARK: Item 13

    @Test func aKilledRunsTemporariesInTheCacheAreCleared() async throws {
        let (server, ids) = try await server()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        let objects = folder(cache, server).appendingPathComponent("objects")
        let stamps = folder(cache, server).appendingPathComponent("stamps")
        for d in [objects, stamps] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        // What a SIGKILL at the rename leaves: temporaries of processes that are gone, untouched for an hour.
        let staleObject = objects.appendingPathComponent(".\(ids[0]).entry.999999.12345.tmp")
        let staleStamps = stamps.appendingPathComponent(".1234567890123456789.entry.999997.777.tmp")
        // Left alone: a recent one (maybe a live run's on another machine) and names not ours.
        let fresh = objects.appendingPathComponent(".ZTF18acefvuh.entry.999998.54321.tmp")
        let notOurs = [objects.appendingPathComponent(".notes.tmp"), objects.appendingPathComponent("keep.1.2.tmp"),
                       stamps.appendingPathComponent(".x.abc.123.tmp")]
        for url in [staleObject, staleStamps, fresh] + notOurs { try Data("half".utf8).write(to: url) }
        for url in [staleObject, staleStamps] + notOurs { try age(url, seconds: 3600) }

        let r = try await runFinkplot(["lightcurve", ids[0], "--api-url", server.baseURL.absoluteString, "--cache", cache.path,
                                       "-o", dir.appendingPathComponent("lc.png").path, "--quiet"] + small)
        #expect(r.status == 0, "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: staleObject.path), "a killed run's temporary in objects/ is cleared")
        #expect(!FileManager.default.fileExists(atPath: staleStamps.path), "and in stamps/")
        #expect(FileManager.default.fileExists(atPath: fresh.path), "a recent one may be a live run's")
        for url in notOurs { #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent) is not our temporary") }
    }

    @Test func legalNamesUpToTheLimitWork() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 255 bytes, the limit: ASCII, and two-byte characters whose 200-byte cut falls inside one.
        let names = [String(repeating: "a", count: 251) + ".png", "a" + String(repeating: "é", count: 125) + ".png"]
        for name in names {
            #expect(name.utf8.count == 255)
            let r = try await runFinkplot(["lightcurve", "ZTF18aabjigr", "--from", fixturesDirectory().path, "-o", name] + small, in: dir)
            #expect(r.status == 0, "\(r.err)")
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == names.sorted(), "no temporary is left")
    }

    // MARK: Item 14

    /// Cache entries dated 2026-01-02T03:04:05Z: every figure drawn from them says so.
    @Test func aFigureFromTheCacheRecordsWhenItsDataWereFetched() async throws {
        let (server, ids) = try await server()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let api = ["--api-url", server.baseURL.absoluteString, "--cache", path("cache"), "--max-age", "100000d", "--quiet"]
        // Fill the cache (rows and stamps), then date its entry.
        let first = try await runFinkplot(["card", ids[0], "-o", path("first.png")] + api)
        #expect(first.status == 0, "\(first.err)")
        let cache = ObjectCache(directory: dir.appendingPathComponent("cache"))
        let location = server.baseURL.absoluteString
        let fetched = Date(timeIntervalSince1970: 1_767_323_045)   // 2026-01-02T03:04:05Z
        let entry = try #require(cache.entry(try ztfKey(ids[0]), location: location, maxAge: nil, needs: .card))
        try cache.store(entry.data, location: location, now: fetched)
        await server.clearRequests()

        let runs: [(String, [String])] = [
            ("lc.png", ["lightcurve", ids[0], "-o", path("lc.png")] + small),
            ("card.png", ["card", ids[0], "-o", path("card.png")]),
            ("grid.png", ["cutouts", ids[0], "-o", path("grid.png")]),
            ("cutouts/\(ids[0])_cutouts.png", ["cutouts", ids[0], "--output-dir", path("cutouts")]),
        ]
        for (file, arguments) in runs {
            let r = try await runFinkplot(arguments + api)
            #expect(r.status == 0, "\(arguments): \(r.err)")
            let text = try pngText(try Data(contentsOf: URL(fileURLWithPath: path(file))))
            #expect(text["Description"]?.contains("queried 2026-01-02T03:04:05Z") == true, "\(file): \(text["Description"] ?? "none")")
            #expect(text["Creation Time"] == "2026-01-02T03:04:05Z", "\(file)")
        }
        #expect(await objectsRequests(server).isEmpty, "every figure came from the cache")
    }

    @Test func anEntryDatedInTheFutureIsStale() async throws {
        let (server, ids) = try await server()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let api = ["--api-url", server.baseURL.absoluteString, "--cache", path("cache"), "--quiet"]
        let first = try await runFinkplot(["lightcurve", ids[0], "-o", path("a.png"), "--save-spec", path("a.json")] + api + small)
        #expect(first.status == 0, "\(first.err)")
        let cache = ObjectCache(directory: dir.appendingPathComponent("cache"))
        let location = server.baseURL.absoluteString
        let entry = try #require(cache.entry(try ztfKey(ids[0]), location: location, maxAge: nil, needs: .lightcurve))

        // A minute old: fresh, nothing asked.
        try cache.store(entry.data, location: location, now: Date(timeIntervalSinceNow: -60))
        await server.clearRequests()
        let fresh = try await runFinkplot(["lightcurve", ids[0], "-o", path("b.png"), "--max-age", "100000d"] + api + small)
        #expect(fresh.status == 0, "\(fresh.err)")
        #expect(await objectsRequests(server).isEmpty)

        // A day ahead of our clock: stale, whatever --max-age says, and for render (no --max-age: never expires).
        for arguments in [["lightcurve", ids[0], "-o", path("c.png"), "--max-age", "100000d"] + small, ["render", path("a.json"), "-o", path("d.png")]] {
            try cache.store(entry.data, location: location, now: Date(timeIntervalSinceNow: 86_400))
            await server.clearRequests()
            let r = try await runFinkplot(arguments + api)
            #expect(r.status == 0, "\(arguments): \(r.err)")
            #expect(await objectsRequests(server) == [[ids[0]]], "\(arguments[0]): the entry from the future is fetched again")
        }
    }

    @Test func anUnwritableCacheIsAWarningOnce() async throws {
        let (server, ids) = try await server(count: 3)
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let api = ["--api-url", server.baseURL.absoluteString, "--quiet"]
        try Data("a file".utf8).write(to: dir.appendingPathComponent("file"))

        // The cache's folder cannot be made (a file is in the way; root passes permission bits).
        let blocked = try await runFinkplot(["lightcurve"] + ids + ["--output-dir", path("a"), "--cache", path("file/cache")] + api + small)
        #expect(blocked.status == 0, "\(blocked.err)")
        #expect(blocked.err.components(separatedBy: "warning: the cache \(path("file/cache")) cannot be written").count == 2, "\(blocked.err)")
        #expect(blocked.err.contains("\(path("file")) is a file, not a directory"), "\(blocked.err)")
        #expect(ids.allSatisfy { FileManager.default.fileExists(atPath: path("a/\($0)_lightcurve.png")) }, "the figures are drawn all the same")

        // The folder is there but its entries cannot be stored: said at the first, not 3 times.
        let cache = dir.appendingPathComponent("cache")
        let objects = folder(cache, server).appendingPathComponent("objects")
        try FileManager.default.createDirectory(at: objects.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("in the way".utf8).write(to: objects)
        let storeFails = try await runFinkplot(["lightcurve"] + ids + ["--output-dir", path("b"), "--cache", cache.path] + api + small)
        #expect(storeFails.status == 0, "\(storeFails.err)")
        #expect(storeFails.err.components(separatedBy: "cannot be written").count == 2, "\(storeFails.err)")
        #expect(ids.allSatisfy { FileManager.default.fileExists(atPath: path("b/\($0)_lightcurve.png")) })
    }

    @Test func cacheNamingAFileIsAUsageError() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cache.txt")
        try Data("not a directory".utf8).write(to: file)
        for command in [["lightcurve", "ZTF18aabjigr", "-o", "x.png"], ["cutouts", "ZTF18aabjigr", "-o", "x.png"], ["card", "ZTF18aabjigr", "-o", "x.png"]] {
            let r = try await runFinkplot(command + ["--cache", file.path, "--api-url", "http://127.0.0.1:9"], in: dir)
            #expect(r.status == 64, "\(command[0]): \(r.err)")
            #expect(r.err.contains("--cache '\(file.path)': it is a file"), "\(command[0]): \(r.err)")
        }
        #expect(try Data(contentsOf: file) == Data("not a directory".utf8))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.png").path))
    }

    @Test func aRelativeXDGCacheHomeIsIgnoredWithAWarning() async throws {
        let (server, ids) = try await server()
        defer { Task { await server.stop() } }
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = dir.appendingPathComponent("home")
        let r = try await runFinkplot(["lightcurve", ids[0], "--api-url", server.baseURL.absoluteString, "-o", "lc.png", "--quiet"] + small,
                                      in: dir, environment: ["XDG_CACHE_HOME": "rel/cache", "HOME": home.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("warning: XDG_CACHE_HOME 'rel/cache' is not an absolute path, so it is ignored"), "\(r.err)")
        #expect(r.err.contains(home.appendingPathComponent(".cache/finkplot").path), "the warning says which cache is used")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("rel").path))
        let entry = ObjectCache(directory: home.appendingPathComponent(".cache/finkplot"))
            .entry(try ztfKey(ids[0]), location: server.baseURL.absoluteString, maxAge: nil, needs: .lightcurve)
        #expect(entry != nil, "the entry is in ~/.cache/finkplot")

        #expect(ObjectCache.defaultDirectoryWarning(environment: ["XDG_CACHE_HOME": "/abs"]) == nil)
        #expect(ObjectCache.defaultDirectoryWarning(environment: ["XDG_CACHE_HOME": ""]) == nil)
        #expect(ObjectCache.defaultDirectoryWarning(environment: [:]) == nil)
    }
}
