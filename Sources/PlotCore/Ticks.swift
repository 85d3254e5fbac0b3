import Foundation

/// Major and minor tick positions with their labels, for a linear axis.
public struct TickSet: Sendable, Equatable {
    public var major: [Double]
    public var minor: [Double]
    public var labels: [String]
    public var step: Double
    /// Where each label is drawn, when not at its tick (`Axis.centresCalendarLabels`).
    public var labelPositions: [Double]? = nil

    /// Where the labels are drawn.
    public var labelAt: [Double] { labelPositions ?? major }
}

public enum Ticks {
    /// Steps are m × 10^k with m from this list, the classic "nice numbers".
    static let mantissas: [Double] = [1, 2, 2.5, 5, 10]

    /// Ticks inside `lower...upper` with at most `maxCount` major intervals and a step of 1, 2, 2.5
    /// or 5 × 10^k. Labels carry exactly the decimals the step needs, never an exponent, so an MJD
    /// axis reads `58800`, not `5.88e+04`. With `wholeNumberSteps`, a step of 2.5 is skipped (2 or 5
    /// instead), so a day axis reads 0, 5, 10 rather than 0.0, 2.5, 5.0.
    public static func linear(lower: Double, upper: Double, maxCount: Int, wholeNumberSteps: Bool = false) -> TickSet {
        let lo = min(lower, upper), hi = max(lower, upper)
        let span = hi - lo
        guard span > 0, span.isFinite, maxCount >= 1 else {
            return TickSet(major: [lo], minor: [], labels: [format(lo, decimals: decimals(for: 1, mantissa: 1))], step: 1)
        }
        let raw = span / Double(maxCount)
        let magnitude = pow(10, floor(log10(raw)))
        var mantissa = 10.0
        for m in mantissas where m * magnitude >= raw * (1 - 1e-9) && !(wholeNumberSteps && m == 2.5 && magnitude == 1) {
            mantissa = m
            break
        }
        // 10 × 10^k is 1 × 10^(k+1): normalise so the decimals come out right.
        var step = mantissa * magnitude
        var k = magnitude
        if mantissa == 10 { mantissa = 1; k *= 10; step = k }
        let eps = step * 1e-9
        var major: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + eps {
            major.append(abs(v) < eps ? 0 : v)
            v += step
            // Recompute from the index to avoid accumulating floating-point drift.
            v = ((v / step).rounded()) * step
        }
        let minorDivisions: Double = mantissa == 2 ? 4 : 5
        let minorStep = step / minorDivisions
        var minor: [Double] = []
        var m = (lo / minorStep).rounded(.up)
        while m * minorStep <= hi + eps {
            let value = m * minorStep
            if !major.contains(where: { abs($0 - value) < minorStep / 2 }) { minor.append(value) }
            m += 1
        }
        let d = decimals(for: k, mantissa: mantissa)
        return TickSet(major: major, minor: minor, labels: major.map { format($0, decimals: d) }, step: step)
    }

    static func decimals(for magnitude: Double, mantissa: Double) -> Int {
        let base = max(0, -Int(floor(log10(magnitude) + 1e-9)))
        // 2.5 × 10^k needs one more decimal than 10^k (0.25, 2.5), except when it is an integer (25).
        if mantissa == 2.5 && magnitude <= 1 { return base + 1 }
        return base
    }

    /// Fixed-point with `decimals` digits and a typographic minus (U+2212); never `-0`.
    public static func format(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-") {
            if text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
                text.removeFirst()
            } else {
                text = "\u{2212}" + text.dropFirst()
            }
        }
        return text
    }
}
