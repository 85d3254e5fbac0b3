#!/usr/bin/env python3
"""Print the expected values pasted into Tests/PlotCoreTests/Normalization*Tests.swift.

The fixtures are built from integers and divided by 16, so they are exact in float32 and
identical to `TestStamps` in the Swift tests. The expected numbers come from astropy
(intervals, stretches, ImageNormalize) and numpy; the Fink sigmoid is its published formula
evaluated in float64 over the finite pixels.

Usage: python3 scripts/gen_expected.py   (needs astropy and numpy)
"""
import astropy
import numpy as np
from astropy.visualization import (AsinhStretch, AsymmetricPercentileInterval, ImageNormalize,
                                   LinearStretch, LogStretch, MinMaxInterval, PercentileInterval,
                                   PowerStretch, SinhStretch, SqrtStretch, ZScaleInterval)


def fixture(width, height, seed, defects=True):
    """Mirror of TestStamps.fixture in the Swift tests."""
    state = seed
    out = np.empty((height, width), dtype=np.float32)
    cx, cy = width // 2, height // 2
    for y in range(height):
        for x in range(width):
            n = 0
            for _ in range(4):
                state = (state * 1664525 + 1013904223) % 2**32
                n += (state >> 16) & 0xFF
            star = 25600 // (16 + (x - cx) ** 2 + (y - cy) ** 2)
            out[y, x] = np.float32(1600 + n - 510 + star) / np.float32(16)
    if defects:
        out[0:10, 0] = np.nan     # a bad column stretch at the edge
        out[40, 5] = np.nan
        out[10, 10] = np.inf
        out[10, 11] = -np.inf
        out[20, 24] = 5000        # cosmic ray, in zscale's sample (every 3rd finite value)
        out[50, 50] = 5000        # cosmic ray past zscale's first 1000 samples
        out[60, 3] = -300         # dead / over-subtracted pixel
    return out


def zscale_trace(values):
    """How many samples astropy's zscale keeps (diagnostic only, same steps as astropy 8)."""
    z = ZScaleInterval()
    values = values[np.isfinite(values)]
    stride = int(max(1.0, values.size / z.n_samples))
    samples = np.sort(values[::stride][: z.n_samples])
    npix = len(samples)
    minpix = max(z.min_npixels, int(npix * z.max_reject))
    x = np.arange(npix)
    ngood, last = npix, npix + 1
    bad = np.zeros(npix, dtype=bool)
    kernel = np.ones(max(1, int(npix * 0.01)), dtype=bool)
    rounds = 0
    for _ in range(z.max_iterations):
        if ngood >= last or ngood < minpix:
            break
        fit = np.polyfit(x, samples, deg=1, w=(~bad).astype(int))
        flat = samples - np.poly1d(fit)(x)
        t = z.krej * flat[~bad].std()
        bad[(flat < -t) | (flat > t)] = True
        bad = np.convolve(bad, kernel, mode="same")
        last, ngood = ngood, np.sum(~bad)
        rounds += 1
    return f"npix={npix} minpix={minpix} ngoodpix={ngood} rounds={rounds}"


def f(v):
    return f"{float(v):.17g}"


def main():
    print(f"// astropy {astropy.__version__}, numpy {np.__version__}")
    stamp = fixture(63, 63, 20240601)
    diff = stamp - np.float32(100)
    big = fixture(100, 100, 7, defects=False)
    finite = stamp[np.isfinite(stamp)]

    print("\n// Intervals on stamp = fixture(63, 63, seed 20240601)")
    cases = {
        "minMax": MinMaxInterval(),
        "percentile(99.5)": PercentileInterval(99.5),
        "percentile(90)": PercentileInterval(90),
        "asymmetricPercentile(0.5, 99.5)": AsymmetricPercentileInterval(0.5, 99.5),
        "asymmetricPercentile(1, 99.95)": AsymmetricPercentileInterval(1, 99.95),
        "asymmetricPercentile(0, 100)": AsymmetricPercentileInterval(0, 100),
        "zscale": ZScaleInterval(),
        "zscale(contrast 0.1)": ZScaleInterval(contrast=0.1),
    }
    for name, interval in cases.items():
        lo, hi = interval.get_limits(stamp)
        print(f"{name}: ({f(lo)}, {f(hi)})")
    print("zscale trace:", zscale_trace(stamp))
    # A list of percentiles, as astropy passes them: float64 result (a scalar gives float32).
    m = np.percentile(np.abs(diff[np.isfinite(diff)]), [99.5])[0]
    print(f"symmetric(99.5) on diff = stamp - 100: ({f(-m)}, {f(m)})")
    m = np.percentile(np.abs(diff[np.isfinite(diff)]), [90])[0]
    print(f"symmetric(90) on diff: ({f(-m)}, {f(m)})")

    print("\n// zscale on big = fixture(100, 100, seed 7, no defects): stride 10, ngrow 10")
    lo, hi = ZScaleInterval().get_limits(big)
    print(f"zscale: ({f(lo)}, {f(hi)})  trace: {zscale_trace(big)}")

    tiny = np.array([3, 1, np.nan, 2, 4], dtype=np.float32)
    lo, hi = ZScaleInterval().get_limits(tiny)
    print(f"\n// zscale tiny [3, 1, nan, 2, 4]: ({f(lo)}, {f(hi)})  trace: {zscale_trace(tiny)}")

    line = np.array([i + ((i * 7) % 5) * 0.25 for i in range(12)], dtype=np.float32)
    for c in (0.25, 1.0):
        lo, hi = ZScaleInterval(contrast=c).get_limits(line)
        print(f"// zscale(contrast {c}) on i + ((7i) % 5)/4, i < 12: ({f(lo)}, {f(hi)})  trace: {zscale_trace(line)}")
    # Rejection removes more than 1 - max_reject of the samples: fallback to the sample min/max.
    lo, hi = ZScaleInterval(max_reject=0.9).get_limits(stamp)
    print(f"// zscale(max_reject 0.9) on stamp: ({f(lo)}, {f(hi)})")

    print("\n// Stretches at x (astropy, clip=True)")
    xs = [0, 0.001, 0.1, 0.25, 0.5, 0.9, 1]
    stretches = {
        "linear": LinearStretch(), "sqrt": SqrtStretch(), "log()": LogStretch(),
        "log(a: 10)": LogStretch(10), "asinh()": AsinhStretch(), "asinh(a: 0.05)": AsinhStretch(0.05),
        "power(a: 2)": PowerStretch(2), "power(a: 0.5)": PowerStretch(0.5),
        "sinh()": SinhStretch(), "sinh(a: 0.5)": SinhStretch(0.5),
    }
    print("xs:", ", ".join(str(x) for x in xs))
    for name, s in stretches.items():
        ys = s(np.array(xs, dtype=float))
        print(f"{name}: [" + ", ".join(f(y) for y in ys) + "]")
    zs = [-3, -1, 0, 0.5, 2]
    print("sigmoid logistic at z", zs, ": [" + ", ".join(f(1 / (1 + np.exp(-z))) for z in zs) + "]")

    print("\n// ImageNormalize(stamp, interval, stretch, clip=True) at pixels (y, x)")
    pix = [(31, 31), (0, 0), (40, 5), (10, 10), (10, 11), (20, 24), (50, 50), (60, 3), (20, 40), (5, 60), (31, 34), (28, 29)]
    print("pixels:", pix, "values:", [float(stamp[p]) for p in pix])
    norms = {
        "scienceDefault": (AsymmetricPercentileInterval(0.5, 99.5), AsinhStretch(0.1), stamp),
        "zscale+log(1000)": (ZScaleInterval(), LogStretch(1000), stamp),
        "minMax+sqrt": (MinMaxInterval(), SqrtStretch(), stamp),
        "percentile(99)+power(2)": (PercentileInterval(99), PowerStretch(2), stamp),
    }
    for name, (interval, stretch, data) in norms.items():
        out = ImageNormalize(data, interval=interval, stretch=stretch, clip=True)(data).filled(np.nan)
        print(f"{name}: [" + ", ".join(f(out[p]) for p in pix) + "]"
              f"  sum of non-NaN: {f(np.nansum(out))}")
    # differenceDefault: [-m, m] as a manual interval, linear.
    # A list of percentiles, as astropy passes them: float64 result (a scalar gives float32).
    m = np.percentile(np.abs(diff[np.isfinite(diff)]), [99.5])[0]
    out = ImageNormalize(diff, vmin=-m, vmax=m, stretch=LinearStretch(), clip=True)(diff).filled(np.nan)
    print("differenceDefault on diff: [" + ", ".join(f(out[p]) for p in pix) + "]"
          f"  sum of non-NaN: {f(np.nansum(out))}")

    d = stamp.astype(np.float64)
    ok = np.isfinite(d)
    mu, sigma = d[ok].mean(), d[ok].std()
    with np.errstate(over="ignore"):
        sig = 1 / (1 + np.exp(-(d - mu) / sigma))
    print(f"sigmoid: mu={f(mu)} sigma={f(sigma)}: [" + ", ".join(f(sig[p]) for p in pix) + "]"
          f"  sum of non-NaN: {f(np.nansum(sig))}")

    print("\n// Colour maps: matplotlib.colormaps[name](t, bytes=True)[:3]")
    import matplotlib
    print(f"// matplotlib {matplotlib.__version__}")
    ts = [0.0, 0.5, 1.0, 0.3, 0.999, -0.2, 1.5]
    print("ts:", ts)
    for name in ["gray", "gray_r", "Greys_r", "Greys", "viridis", "viridis_r", "magma", "magma_r",
                 "inferno", "inferno_r", "cividis", "cividis_r", "Blues_r", "Blues", "PuBu_r",
                 "PuBu", "RdBu_r", "RdBu"]:
        cmap = matplotlib.colormaps[name]
        cols = [tuple(int(c) for c in cmap(t, bytes=True)[:3]) for t in ts]
        print(f'"{name}": {cols}')


if __name__ == "__main__":
    main()
