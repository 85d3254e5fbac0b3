import FinkAPI
import Foundation
import PlotCore

/// How stamps are turned into pictures.
public struct StampRendering: Sendable {
    /// Flip rows as Fink's documentation does (`data[::-1]`), so FITS row 0 ends at the bottom
    /// and north is up for ZTF's orientation. False keeps the raw array order (row 0 at the top).
    public var flip = true
    /// Normalisation for science and template stamps, and for the difference.
    public var science: Normalization = .scienceDefault
    public var difference: Normalization = .differenceDefault
    public var scienceColormap: Colormap
    /// Diverging and centred on 0 by default, so a negative alert stays visibly negative.
    public var differenceColormap: Colormap
    public var maskColor: (r: UInt8, g: UInt8, b: UInt8, a: UInt8) = (255, 0, 255, 255)
    /// ZTF cuts the difference stamp of a negative candidate (`isdiffpos` f/0) from the
    /// *reference − science* image, so a source that faded looks positive. When true, such stamps
    /// are negated to show science − reference for every alert: a fading source is negative.
    public var scienceMinusReference = true

    public init() throws {
        scienceColormap = try Colormap.named("Greys_r")
        differenceColormap = try Colormap.named("RdBu_r")
    }

    /// The colour maps `colormap` accepts.
    public static var colormapNames: [String] { Colormap.availableNames }

    /// The command line's choices: `interval` (`zscale`, `minmax`, `99.5`...), `stretch`
    /// (`asinh`, `linear`, ...) and `colormap` apply to every kind of stamp when given.
    public init(flip: Bool, scienceMinusReference: Bool, interval: String?, stretch: String?, colormap: String?,
                maskColor: String) throws {
        try self.init()
        self.flip = flip
        self.scienceMinusReference = scienceMinusReference
        if let interval {
            let i = try Interval(parsing: interval)
            science.interval = i
            difference.interval = i
        }
        if let stretch {
            let s = try Stretch(parsing: stretch)
            science.stretch = s
            difference.stretch = s
        }
        if let colormap {
            let m = try Colormap.named(colormap)
            scienceColormap = m
            differenceColormap = m
        }
        self.maskColor = try parseColor(maskColor)
    }

    /// The difference stamp's limits are centred on zero whenever its map is diverging, whatever
    /// the interval (`--interval zscale` would otherwise put white at the median, not at 0).
    public func normalization(for kind: StampKind) -> Normalization {
        guard kind == .difference else { return science }
        var n = difference
        if differenceColormap.isDiverging { n.centredOnZero = true }
        return n
    }
    public func colormap(for kind: StampKind) -> Colormap { kind == .difference ? differenceColormap : scienceColormap }

    /// The stamp's pixels in display order: row 0 of the result is the top row of the picture.
    public func displayRows(_ stamp: Stamp) -> [Float] {
        guard flip else { return stamp.pixels }
        var out: [Float] = []
        out.reserveCapacity(stamp.pixels.count)
        for r in stride(from: stamp.height - 1, through: 0, by: -1) {
            out += stamp.pixels[(r * stamp.width)..<((r + 1) * stamp.width)]
        }
        return out
    }

    /// The coloured picture of a stamp, or nil when it has no finite pixel ("no data").
    /// `negativeSubtraction` is true for an alert with `isdiffpos` f/0.
    public func image(_ stamp: Stamp, kind: StampKind, negativeSubtraction: Bool = false)
        -> (image: RGBAImage, limits: (vmin: Double, vmax: Double))?
    {
        guard stamp.width > 0, stamp.height > 0, !stamp.isEmpty else { return nil }
        var rows = displayRows(stamp)
        if kind == .difference && negativeSubtraction && scienceMinusReference { rows = rows.map { -$0 } }
        let norm = normalization(for: kind)
        guard let limits = norm.limits(rows) else { return nil }
        let image = colorize(normalized: norm.apply(rows), width: stamp.width, height: stamp.height,
                             colormap: colormap(for: kind), maskColor: maskColor)
        return (image, limits)
    }

    /// A 256×1 ramp of the colour map for a colour bar.
    func ramp(_ kind: StampKind) -> RGBAImage {
        let values = (0..<256).map { Float((Double($0) + 0.5) / 256) }
        return colorize(normalized: values, width: 256, height: 1, colormap: colormap(for: kind), maskColor: maskColor)
    }
}
