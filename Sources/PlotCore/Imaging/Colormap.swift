import Foundation

/// A matplotlib colour map: 256 RGB entries identical to what matplotlib draws with.
///
/// The tables (`ColormapTables.swift`) are generated from matplotlib by
/// `scripts/gen_colormaps.py`, as bytes converted the way matplotlib does (`bytes=True`).
public struct Colormap: Sendable, Equatable {
    public let name: String
    /// 256 × (R, G, B).
    let table: [UInt8]

    /// Number of entries, matplotlib's `Colormap.N`.
    public static let size = 256

    init(name: String, table: [UInt8]) {
        precondition(table.count == Self.size * 3, "a colour map has 256 RGB entries")
        self.name = name
        self.table = table
    }

    /// Every name `named(_:)` knows: gray, Greys_r, viridis, magma, inferno, cividis, Blues_r,
    /// PuBu_r, RdBu_r, and the `_r` reverse of each (gray_r, Greys, viridis_r, …).
    public static let availableNames: [String] = ColormapTables.names

    /// True for maps whose middle is a neutral colour between two hues (RdBu): their middle
    /// must stand for zero.
    public var isDiverging: Bool { name.lowercased().hasPrefix("rdbu") }

    /// The colour map registered in matplotlib under `name` (case-sensitive, as matplotlib;
    /// a case-insensitive match is accepted when it is unique, e.g. "greys_r").
    public static func named(_ name: String) throws -> Colormap {
        if let table = ColormapTables.table(named: name) { return Colormap(name: name, table: table) }
        let folded = availableNames.filter { $0.lowercased() == name.lowercased() }
        if folded.count == 1, let table = ColormapTables.table(named: folded[0]) {
            return Colormap(name: folded[0], table: table)
        }
        throw ImagingError.unknownColormap(name: name, available: availableNames)
    }

    /// The map run backwards: matplotlib's registered `NAME_r` (or `NAME` for `NAME_r`).
    ///
    /// For gray, Blues, PuBu and RdBu that table differs from this one read backwards by one
    /// unit in a few channels, because matplotlib samples mirrored segment data for it; we
    /// keep matplotlib's table.
    public var reversed: Colormap {
        let other = name.hasSuffix("_r") ? String(name.dropLast(2)) : name + "_r"
        if let table = ColormapTables.table(named: other) { return Colormap(name: other, table: table) }
        var flipped = [UInt8](repeating: 0, count: table.count)
        for i in 0..<Self.size {
            for c in 0..<3 { flipped[3 * i + c] = table[3 * (Self.size - 1 - i) + c] }
        }
        return Colormap(name: other, table: flipped)
    }

    /// The table index for t, as matplotlib's `Colormap.__call__` on a float: int(t·N), with
    /// t = 1 (t·N = N) giving N − 1, t < 0 the "under" colour and t·N ≥ N the "over" colour,
    /// which default to the first and last entries. Nil for NaN (matplotlib's "bad").
    static func index(_ t: Double) -> Int? {
        if t.isNaN { return nil }
        let x = t * Double(size)
        if x < 0 { return 0 }
        if x >= Double(size) { return size - 1 }
        return Int(x)
    }

    /// The colour at t ∈ [0, 1] (values outside are clamped to the ends, as matplotlib's default
    /// under/over colours). NaN gives black, matplotlib's default "bad" colour without its zero
    /// alpha; `colorize` paints NaN with the mask colour instead.
    public func color(at t: Double) -> (r: UInt8, g: UInt8, b: UInt8) {
        guard let i = Self.index(t) else { return (0, 0, 0) }
        return (table[3 * i], table[3 * i + 1], table[3 * i + 2])
    }
}

/// Colours a normalised stamp: pixel k of `normalized` (row-major, row 0 first) becomes pixel k
/// of the image, with `colormap.color(at:)` and alpha 255; NaN pixels take `maskColor`.
/// The orientation (e.g. FITS's bottom-up rows) is the caller's business.
public func colorize(normalized: [Float], width: Int, height: Int, colormap: Colormap,
                     maskColor: (r: UInt8, g: UInt8, b: UInt8, a: UInt8)) -> RGBAImage {
    precondition(width >= 0 && height >= 0 && normalized.count == width * height,
                 "colorize needs width × height values")
    var bytes = [UInt8](repeating: 0, count: normalized.count * 4)
    for (k, t) in normalized.enumerated() {
        let o = 4 * k
        if let i = Colormap.index(Double(t)) {
            bytes[o] = colormap.table[3 * i]
            bytes[o + 1] = colormap.table[3 * i + 1]
            bytes[o + 2] = colormap.table[3 * i + 2]
            bytes[o + 3] = 255
        } else {
            bytes[o] = maskColor.r; bytes[o + 1] = maskColor.g; bytes[o + 2] = maskColor.b; bytes[o + 3] = maskColor.a
        }
    }
    return RGBAImage(width: width, height: height, pixels: bytes)
}

/// The names `parseColor` knows (case-insensitive), with matplotlib's / CSS's values.
let namedColors: [(names: [String], rgba: (r: UInt8, g: UInt8, b: UInt8, a: UInt8))] = [
    (["none", "transparent"], (0, 0, 0, 0)),
    (["black"], (0, 0, 0, 255)),
    (["white"], (255, 255, 255, 255)),
    (["grey", "gray"], (128, 128, 128, 255)),
    (["magenta"], (255, 0, 255, 255)),
    (["red"], (255, 0, 0, 255)),
    (["green"], (0, 128, 0, 255)),
    (["blue"], (0, 0, 255, 255)),
]

/// Reads a `--mask-color` value: `#rrggbb`, `#rrggbbaa` (hex, any case) or one of the names
/// none/transparent, black, white, grey/gray, magenta, red, green, blue (matplotlib's colours:
/// grey is #808080, green #008000).
public func parseColor(_ s: String) throws -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
    let text = s.trimmingCharacters(in: .whitespaces)
    let lower = text.lowercased()
    if let entry = namedColors.first(where: { $0.names.contains(lower) }) { return entry.rgba }
    if text.hasPrefix("#"), let c = Color(parsing: text) {
        func byte(_ v: Double) -> UInt8 { UInt8((v * 255).rounded()) }
        return (byte(c.red), byte(c.green), byte(c.blue), byte(c.alpha))
    }
    throw ImagingError.unparsable(
        input: s, what: "colour",
        accepted: ["#rrggbb", "#rrggbbaa"] + namedColors.flatMap(\.names))
}
