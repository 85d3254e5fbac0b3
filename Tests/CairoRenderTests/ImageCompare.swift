import CairoRender
import Foundation
import TestSupport
import Testing

enum Baseline {
    static func url(_ name: String, _ file: String = #filePath) -> URL {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Baselines/\(name).png")
    }

    static func check(_ png: Data, named name: String) throws {
        if let problem = try ImageComparison.mismatch(png, baseline: url(name)) {
            Issue.record("\(name) differs from its baseline: \(problem)")
        }
    }
}
