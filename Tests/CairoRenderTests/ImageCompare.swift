import CairoRender
import Foundation
import PlotCore
import Testing

/// Compares a rendered PNG with a committed baseline, tolerating anti-aliasing noise.
///
/// Set FINKPLOT_UPDATE_BASELINES=1 to rewrite baselines after a deliberate change (then look at them).
/// A failing comparison writes the actual image beside the temporary directory for inspection.
enum Baseline {
    static func directory(_ file: String = #filePath) -> URL {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Baselines")
    }

    /// Fraction of pixels whose largest channel difference exceeds `threshold`, and the mean
    /// absolute difference over all channels.
    static func difference(_ a: RGBAImage, _ b: RGBAImage, threshold: Int = 40) -> (fraction: Double, mean: Double) {
        precondition(a.width == b.width && a.height == b.height)
        var bad = 0, total = 0
        for i in stride(from: 0, to: a.pixels.count, by: 4) {
            var worst = 0
            for c in 0..<4 {
                let d = abs(Int(a.pixels[i + c]) - Int(b.pixels[i + c]))
                worst = max(worst, d)
                total += d
            }
            if worst > threshold { bad += 1 }
        }
        let n = Double(a.width * a.height)
        return (Double(bad) / n, Double(total) / (n * 4))
    }

    static func check(_ png: Data, named name: String, baselines: URL, maxFraction: Double = 0.003, maxMean: Double = 1.0) throws {
        let url = baselines.appendingPathComponent(name + ".png")
        if ProcessInfo.processInfo.environment["FINKPLOT_UPDATE_BASELINES"] == "1" {
            try FileManager.default.createDirectory(at: baselines, withIntermediateDirectories: true)
            try png.write(to: url)
            return
        }
        let expected = try PNGDecoder.decode(try Data(contentsOf: url))
        let actual = try PNGDecoder.decode(png)
        try #require(actual.width == expected.width && actual.height == expected.height,
                     "\(name): size \(actual.width)×\(actual.height), baseline \(expected.width)×\(expected.height)")
        let diff = difference(actual, expected)
        if diff.fraction > maxFraction || diff.mean > maxMean {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-actual.png")
            try? png.write(to: out)
            Issue.record("\(name) differs from its baseline: \(diff.fraction * 100)% of pixels, mean \(diff.mean); actual at \(out.path)")
        }
    }
}
