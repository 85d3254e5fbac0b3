import Foundation

/// Sky coordinates in sexagesimal notation. Rounding is done once, on an integer count of the last
/// digit, so a carry propagates: 59.999 s becomes the next minute, never "60.00".
public enum Sexagesimal {
    /// Right ascension in degrees as `hh:mm:ss.ss` (hours of time; wrapped into 0–24 h).
    public static func rightAscension(_ degrees: Double) -> String {
        guard degrees.isFinite else { return "–" }
        var ra = degrees.truncatingRemainder(dividingBy: 360)
        if ra < 0 { ra += 360 }
        let day = 24 * 3600 * 100
        // Hundredths of a second of time; 24 h rounds back to 0 h.
        let t = Int((ra / 15 * 3600 * 100).rounded()) % day
        return String(format: "%02d:%02d:%02d.%02d", t / 360_000, t / 6000 % 60, t / 100 % 60, t % 100)
    }

    /// Declination in degrees as `±dd:mm:ss.s` (clamped to ±90°).
    public static func declination(_ degrees: Double) -> String {
        guard degrees.isFinite else { return "–" }
        let d = min(90, max(-90, degrees))
        let t = Int((abs(d) * 3600 * 10).rounded())   // tenths of an arcsecond
        // A value that rounds to zero is printed +00:00:00.0, not -00:00:00.0.
        let sign = d < 0 && t > 0 ? "-" : "+"
        return String(format: "%@%02d:%02d:%02d.%d", sign, t / 36000, t / 600 % 60, t / 10 % 60, t % 10)
    }
}
