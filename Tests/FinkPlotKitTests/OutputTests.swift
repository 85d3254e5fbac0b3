import CairoRender
import Foundation
import Testing
@testable import FinkPlotKit

@Suite struct OutputTests {
    @Test func atomicWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("a.png")
        try AtomicFile.write(Data("old".utf8), to: url)
        try AtomicFile.write(Data("new".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("new".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.png"])
    }

    @Test func unwritablePathIsAClearErrorAndWritesNothing() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("missing/sub/a.png")
        #expect {
            try AtomicFile.write(Data("x".utf8), to: url)
        } throws: { error in
            "\(error)".contains("cannot write \(url.path)") && "\(error)".contains("No such file or directory")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        // A directory in the way of the target.
        #expect(throws: OutputError.self) { try AtomicFile.write(Data(), to: dir) }
    }

    @Test func formatComesFromTheFlagOrTheExtension() throws {
        #expect(try OutputFormat.resolve(explicit: nil, outputPath: nil) == .png)
        #expect(try OutputFormat.resolve(explicit: nil, outputPath: "a/b.PDF") == .pdf)
        #expect(try OutputFormat.resolve(explicit: "svg", outputPath: nil) == .svg)
        #expect(try OutputFormat.resolve(explicit: "svg", outputPath: "figure") == .svg)
        #expect(throws: FormatError.conflict(format: "png", path: "x.pdf")) {
            try OutputFormat.resolve(explicit: "png", outputPath: "x.pdf")
        }
        #expect(throws: FormatError.unknownExtension(path: "x.jpg")) { try OutputFormat.resolve(explicit: nil, outputPath: "x.jpg") }
        #expect(throws: FormatError.unknownFormat("gif")) { try OutputFormat.resolve(explicit: "gif", outputPath: nil) }
    }
}
