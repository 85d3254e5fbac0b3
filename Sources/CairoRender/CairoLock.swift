import Foundation

/// Serialises Cairo's font machinery across threads.
///
/// Cairo 1.16 shares scaled fonts (and their glyph caches) between all contexts of a process, and
/// its locking of them has races: two threads drawing or measuring text at once occasionally
/// abort in `cairo_scaled_font_destroy` ("Assertion `! scaled_font->cache_frozen' failed"; seen
/// once in a 10,000-figure batch with two workers, and reported by many Cairo users). So every
/// call that can touch a font runs under this one lock: creating or destroying a context or a
/// surface, measuring text, drawing a text item (the font is selected and released inside it),
/// finishing a vector document. Lines, markers, rasters and PNG encoding, most of a figure's
/// cost, stay outside, so batches still use several cores. The sections are short because a
/// thread waiting here blocks a thread of Swift's cooperative pool. Recursive, for safety.
enum CairoLock {
    private static let lock = NSRecursiveLock()

    static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
