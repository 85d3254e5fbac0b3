#!/usr/bin/env python3
"""Generate Sources/PlotCore/Imaging/ColormapTables.swift from matplotlib.

Each table is what matplotlib itself draws with: the 256 entries of the registered
colormap's lookup table converted to bytes by matplotlib (`cmap(np.arange(256), bytes=True)`,
i.e. `(lut * 255).astype(np.uint8)`, truncation, not rounding).

The `_r` maps are dumped too instead of being derived by reversing: matplotlib builds a
reversed LinearSegmentedColormap by sampling mirrored segment data, and for gray, Blues,
PuBu and RdBu that differs by one unit in a few channels from the reversed array.

Usage: python3 scripts/gen_colormaps.py   (needs matplotlib and numpy)
"""
import pathlib

import matplotlib
import numpy as np

BASES = ["gray", "Greys_r", "viridis", "magma", "inferno", "cividis", "Blues_r", "PuBu_r", "RdBu_r"]


def counterpart(name):
    return name[:-2] if name.endswith("_r") else name + "_r"


def swift_ident(name):
    return "t_" + name


def main():
    names = []
    for base in BASES:
        names += [base, counterpart(base)]
    out = [
        "// GENERATED FILE: do not edit. Regenerate with `python3 scripts/gen_colormaps.py`.",
        f"// Source: matplotlib {matplotlib.__version__}, numpy {np.__version__}: for each name,",
        "// `matplotlib.colormaps[name](np.arange(256), bytes=True)[:, :3]`, flattened as R, G, B.",
        "",
        "enum ColormapTables {",
        "    /// Names in the order `Colormap.availableNames` lists them.",
        "    static let names: [String] = [" + ", ".join(f'"{n}"' for n in names) + "]",
        "",
        "    /// 256 × (R, G, B) bytes for each name.",
        "    static func table(named name: String) -> [UInt8]? {",
        "        switch name {",
    ]
    for n in names:
        out.append(f'        case "{n}": return {swift_ident(n)}')
    out += ["        default: return nil", "        }", "    }", ""]
    for n in names:
        cmap = matplotlib.colormaps[n]
        assert cmap.N == 256, n
        rgb = cmap(np.arange(256), bytes=True)[:, :3].astype(int)
        out.append(f"    static let {swift_ident(n)}: [UInt8] = [")
        for row in range(0, 256, 8):
            chunk = rgb[row:row + 8].reshape(-1)
            out.append("        " + ", ".join(str(v) for v in chunk) + ",")
        out.append("    ]")
    out.append("}")
    path = pathlib.Path(__file__).resolve().parent.parent / "Sources/PlotCore/Imaging/ColormapTables.swift"
    path.write_text("\n".join(out) + "\n")
    print(f"wrote {path} ({len(names)} maps)")


if __name__ == "__main__":
    main()
