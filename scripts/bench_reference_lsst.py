#!/usr/bin/env python3
"""The reference for finkplot-bench's Rubin scenario: the same lightcurve drawn the usual
pandas + matplotlib way, from the same saved Fink/LSST answers (sources_<id>.json, fp_<id>.json).

Times N figures in one process. Imports, the font cache and one warm-up figure are not timed;
each timed figure reads and parses both JSON answers again (finkplot reads its cache entry
each time too), computes the quantity, draws and writes a 1200x600 px PNG at 150 dpi.
Prints ms per figure (wall, and CPU via time.process_time) and a last line
`RESULT {json}` that the bench reads.

    python3 scripts/bench_reference_lsst.py --dir DIR --id ID --n 200 --y diffflux --out OUTDIR
"""
import argparse
import json
import os
import sys
import time

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
except ImportError as error:
    sys.exit(f"{error}: python3 -m pip install matplotlib pandas")

# finkplot's default Rubin palette (the Portal's "Fink" ramp, darkened for white), u to y.
COLORS = {"u": "#15284F", "g": "#626D84", "r": "#919298", "i": "#AA8C7E", "z": "#D07D5D", "y": "#F5622E"}


def figure(directory, oid, quantity, path):
    """One figure; returns (wall, cpu) seconds spent reading and parsing the answers."""
    w0, c0 = time.perf_counter(), time.process_time()
    sources = pd.read_json(os.path.join(directory, f"sources_{oid}.json"))
    forced = pd.read_json(os.path.join(directory, f"fp_{oid}.json"))
    read = (time.perf_counter() - w0, time.process_time() - c0)

    fig, ax = plt.subplots(figsize=(8, 4), dpi=150)
    if quantity == "diffflux":
        # Difference flux in µJy (psfFlux is nJy): detections filled, forced photometry open.
        for table, kind in ((forced, "forced"), (sources, "detection")):
            for band, color in COLORS.items():
                rows = table[table["r:band"] == band]
                if rows.empty:
                    continue
                ax.errorbar(rows["r:midpointMjdTai"], rows["r:psfFlux"] * 1e-3, yerr=rows["r:psfFluxErr"] * 1e-3,
                            fmt="o", ms=3, lw=0.6, color=color,
                            mfc=color if kind == "detection" else "none",
                            label=f"{band} ({len(rows)})" if kind == "detection" else None)
        ax.errorbar([], [], yerr=[], fmt="o", ms=3, mfc="none", color="#555555", label=f"forced photometry ({len(forced)})")
        ax.axhline(0, color="#333333", lw=0.6, alpha=0.7)
        ax.set_ylabel("Difference flux (µJy)")
    else:
        # Science-image magnitude, 31.4 - 2.5 log10(scienceFlux / nJy); detections only, as finkplot.
        rows = sources[sources["r:scienceFlux"] > 0]
        for band, color in COLORS.items():
            b = rows[rows["r:band"] == band]
            if b.empty:
                continue
            flux = b["r:scienceFlux"]
            ax.errorbar(b["r:midpointMjdTai"], 31.4 - 2.5 * np.log10(flux),
                        yerr=2.5 / np.log(10) * b["r:scienceFluxErr"] / flux,
                        fmt="o", ms=3, lw=0.6, color=color, label=f"{band} ({len(b)})")
        ax.invert_yaxis()
        ax.set_ylabel("Science magnitude (AB)")
    ax.set_xlabel("MJD (TAI)")
    ax.set_title(str(oid))
    # A fixed place: loc="best" would search the 1,000 points for the emptiest corner.
    ax.legend(loc="upper right", fontsize="small")
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return read


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--y", choices=["diffflux", "mag"], default="diffflux")
    parser.add_argument("--out", required=True)
    parser.add_argument("--keep", default="", help="copy the first figure here")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    figure(args.dir, args.id, args.y, os.path.join(args.out, "warmup.png"))
    read_wall = read_cpu = 0.0
    w0, c0 = time.perf_counter(), time.process_time()
    for k in range(args.n):
        rw, rc = figure(args.dir, args.id, args.y, os.path.join(args.out, f"{k}.png"))
        read_wall += rw
        read_cpu += rc
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0

    first = os.path.join(args.out, "0.png")
    if args.keep:
        with open(first, "rb") as src, open(args.keep, "wb") as dst:
            dst.write(src.read())
    n = args.n
    result = {"n": n, "y": args.y, "wall_ms": wall * 1000 / n, "cpu_ms": cpu * 1000 / n,
              "read_wall_ms": read_wall * 1000 / n, "read_cpu_ms": read_cpu * 1000 / n,
              "bytes": os.path.getsize(first), "matplotlib": matplotlib.__version__, "pandas": pd.__version__}
    print(f"{n} figures, --y {args.y}: wall {result['wall_ms']:.1f} ms, CPU {result['cpu_ms']:.1f} ms per figure "
          f"(reading the answers {result['read_cpu_ms']:.1f} ms CPU)")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
