import Foundation
import PlotCore

/// Compares a rendered PNG with a saved baseline, tolerating anti-aliasing noise (as matplotlib's
/// image tests do), so font hinting or rounding differences do not fail a figure that looks the same.
public enum ImageComparison {
    public struct Difference: Sendable {
        /// Fraction of pixels whose largest channel difference exceeds the threshold.
        public var fraction: Double
        /// Mean absolute difference per channel, 0–255.
        public var mean: Double
    }

    public static func difference(_ a: RGBAImage, _ b: RGBAImage, threshold: Int = 40) -> Difference {
        precondition(a.width == b.width && a.height == b.height, "images must have the same size")
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
        let n = Double(max(1, a.width * a.height))
        return Difference(fraction: Double(bad) / n, mean: Double(total) / (n * 4))
    }

    /// Nil when `png` matches the baseline at `url` within tolerance, else what differs. With
    /// `FINKPLOT_UPDATE_BASELINES=1` the baseline is rewritten instead (look at it before committing).
    /// A mismatching image is saved to the temporary directory for inspection.
    public static func mismatch(_ png: Data, baseline url: URL, maxFraction: Double = 0.003, maxMean: Double = 1.0) throws -> String? {
        if ProcessInfo.processInfo.environment["FINKPLOT_UPDATE_BASELINES"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try png.write(to: url)
            return nil
        }
        let expected = try PNGDecoder.decode(try Data(contentsOf: url))
        let actual = try PNGDecoder.decode(png)
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("actual-" + url.lastPathComponent)
        guard actual.width == expected.width && actual.height == expected.height else {
            try? png.write(to: saved)
            return "size \(actual.width)×\(actual.height) px, baseline \(expected.width)×\(expected.height) px (actual: \(saved.path))"
        }
        let d = difference(actual, expected)
        guard d.fraction > maxFraction || d.mean > maxMean else { return nil }
        try? png.write(to: saved)
        return String(format: "%.3f%% of pixels differ, mean %.2f (actual: %@)", d.fraction * 100, d.mean, saved.path)
    }
}
