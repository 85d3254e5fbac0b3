/// Marker and error-bar sizes for dense data, so thousands of points (Rubin deep-drilling fields
/// give 50-100 visits a night) stay separate marks instead of merging into a solid band.
///
/// Coverage is the fraction of the plot the markers would cover if none overlapped,
/// `c = n · s² / A` (n points, marker size s, plot area A in points²). Up to `coverageThreshold`
/// the base sizes are kept; beyond it both sizes shrink by `f = √(threshold / c)`, which keeps the
/// total ink constant as density grows (marker area ∝ 1 / density, so size ∝ 1 / √density).
/// Floors keep points visible: the marker never goes below `minimumMarkerFraction` of its base,
/// an error bar never below `minimumErrorBarWidth` points (nor above its base).
///
/// With the 10% threshold, the `screen` preset (5 pt markers on about 100 000 pt²) keeps its base
/// size up to about 390 points, a `paper` column (3.6 pt on about 22 000 pt²) up to about 170.
public enum MarkerDensity {
    public static let coverageThreshold = 0.1
    public static let minimumMarkerFraction = 0.35
    public static let minimumErrorBarWidth = 0.3

    public struct Scaled: Sendable, Equatable {
        public var markerSize: Double
        public var errorBarWidth: Double
        /// The factor applied before the floors: 1 at or below the threshold.
        public var factor: Double
    }

    /// Scaled sizes for `pointCount` points drawn in a plot of `plotArea` points². Degenerate input
    /// (no points, no area, non-finite values) keeps the base sizes.
    public static func scaled(markerSize: Double, errorBarWidth: Double, pointCount: Int, plotArea: Double) -> Scaled {
        let base = Scaled(markerSize: markerSize, errorBarWidth: errorBarWidth, factor: 1)
        guard pointCount > 0, plotArea > 0, plotArea.isFinite, markerSize > 0, markerSize.isFinite else { return base }
        let coverage = Double(pointCount) * markerSize * markerSize / plotArea
        guard coverage > coverageThreshold else { return base }
        let f = (coverageThreshold / coverage).squareRoot()
        return Scaled(markerSize: markerSize * max(f, minimumMarkerFraction),
                      errorBarWidth: max(errorBarWidth * f, min(errorBarWidth, minimumErrorBarWidth)),
                      factor: f)
    }
}
