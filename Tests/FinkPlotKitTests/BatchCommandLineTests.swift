import Foundation
import Testing
@testable import FinkPlotKit

/// The batch options as a user meets them: the `finkplot` binary built with the tests, on the
/// repository's samples (no network).
@Suite struct BatchCommandLineTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples")

    func finkplot(_ arguments: [String], stdin: String? = nil) async throws -> FinkplotResult {
        try await runFinkplot(arguments, stdin: stdin)
    }

    @Test func idsFromStandardInputWithCommentsBlanksDuplicatesAndABadOne() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = "# my candidates\nZTF18aabjigr\n\n ZTF18acefvuh  # the negative one\nZTF18aabjigr\n../../x\n"
        let first = try await finkplot(["lightcurve", "--from", Self.samples.path, "--ids-file", "-", "--output-dir", dir.path,
                                         "--width", "400", "--height", "200", "--dpi", "50", "--quiet"], stdin: list)
        #expect(first.status == 1, "an invalid id makes the run incomplete")
        #expect(first.lastLine == "3 ids: 2 rendered, 0 skipped, 0 empty, 1 invalid, 0 failed (1 duplicate ignored)", "\(first.err)")
        #expect(first.err.contains("error: ../../x: invalid objectId: "))
        let manifest = Manifest.load(dir.appendingPathComponent("manifest.jsonl"))
        #expect(manifest.count == 3 && manifest["../../x"]?.status == .invalid)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["ZTF18aabjigr_lightcurve.png", "ZTF18acefvuh_lightcurve.png", "manifest.jsonl"])

        // The same list, good ids only, as arguments: both done already, exit 0.
        let again = try await finkplot(["lightcurve", "ZTF18acefvuh", "ZTF18aabjigr", "--from", Self.samples.path,
                                         "--output-dir", dir.path, "--width", "400", "--height", "200", "--dpi", "50", "--quiet"])
        #expect(again.status == 0)
        #expect(again.lastLine == "2 ids: 0 rendered, 2 skipped, 0 empty, 0 invalid, 0 failed", "\(again.err)")
    }

    @Test func conflictingOrMalformedBatchOptionsAreUsageErrors() async throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (arguments, message) in [
            (["--shard", "9/8"], "K/N needs 1 ≤ K ≤ N"),
            (["--max-age", "soon"], "--max-age"),
            (["--offline", "--from", Self.samples.path], "--offline reads the cache only"),
            (["--ids-file", dir.appendingPathComponent("none.txt").path], "none.txt"),
        ] {
            let result = try await finkplot(["lightcurve", "ZTF18aabjigr", "--output-dir", dir.path] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.err)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.hasSuffix(".png") })
    }
}

/// What one run of the `finkplot` binary did.
struct FinkplotResult {
    var status: Int32
    var out: String
    var err: String
    var lastLine: String { err.split(separator: "\n").last.map(String.init) ?? "" }
}

/// Runs the `finkplot` binary built with the tests. The blocking reads and the wait happen on
/// threads of their own: on the cooperative pool they could starve an in-process server the
/// binary talks to, and on Dispatch's global pool (about one thread per core on Linux) the
/// URLSession work of the other tests running meanwhile.
/// `directory`: the working directory (default: the test process's).
/// `environment`: variables set on top of the test process's.
func runFinkplot(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil,
                 environment: [String: String] = [:]) async throws -> FinkplotResult {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let executable = try #require([dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("finkplot") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }, "finkplot is not built next to \(dir.path)")
    return try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                if let directory { process.currentDirectoryURL = directory }
                if !environment.isEmpty {
                    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                }
                let input = Pipe(), out = Pipe(), err = Pipe()
                process.standardInput = input
                process.standardOutput = out
                process.standardError = err
                try process.run()
                input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
                try input.fileHandleForWriting.close()
                // Standard error is read on another thread: a child filling one pipe while we
                // wait on the other would never end.
                let errData = LockedData()
                let errDone = DispatchSemaphore(value: 0)
                Thread {
                    errData.set(err.fileHandleForReading.readDataToEndOfFile())
                    errDone.signal()
                }.start()
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                errDone.wait()
                process.waitUntilExit()
                return FinkplotResult(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                                      err: String(decoding: errData.value, as: UTF8.self))
            })
        }.start()
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    var value: Data { lock.withLock { data } }
}
