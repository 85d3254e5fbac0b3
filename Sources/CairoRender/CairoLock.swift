import Foundation

/// Serialises Cairo's font machinery across threads.
///
/// Cairo 1.16 shares scaled fonts (and their glyph caches) between all contexts of a process, and
/// its locking of them has races: two threads drawing or measuring text at once occasionally
/// abort in `cairo_scaled_font_destroy` ("Assertion `! scaled_font->cache_frozen' failed"; seen
/// in a 10,000-figure batch with two workers, and reported by many Cairo users). So every call
/// that can touch a font — creating or destroying a context or surface, measuring or drawing a
/// display list, finishing a vector document — runs under this one lock. PNG encoding, the
/// larger part of a figure's cost, reads only the pixel buffer and stays outside, so batches
/// still use several cores. Recursive: a context may be released while its drawing holds it.
enum CairoLock {
    private static let lock = NSRecursiveLock()

    static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
