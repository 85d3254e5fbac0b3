import CairoRender
import Foundation
import PlotCore
import Testing

/// Batches draw on several threads at once; Cairo's shared font caches must not be raced.
/// The race this guards against (see CairoLock) is rare: this test cannot provoke it at will,
/// but it checks that drawing on four threads gives exactly the bytes of drawing on one.
@Suite struct ConcurrencyTests {
    /// Text in several sizes and weights, so threads create, use and release different scaled fonts.
    func list(_ n: Int) -> DisplayList {
        var items: [DisplayItem] = []
        for k in 0..<12 {
            let style = TextStyle(family: "DejaVu Sans", size: Double(6 + (n + k) % 9), weight: k % 2 == 0 ? .bold : .normal)
            items.append(DisplayItem("label", .text(TextItem("ZTF\(n) m=\(k).5 ±0.1", at: Point(4, Double(8 + 7 * k)), style: style))))
        }
        return DisplayList(size: Size(160, 96), background: .white, items: items)
    }

    @Test func concurrentRenderingGivesTheSequentialBytes() async throws {
        let expected = try (0..<8).map { try Renderer.render(list($0), format: .png, pixelsPerPoint: 1) }
        let lists = (0..<8).map(list)
        // Dispatch threads, not tasks: four busy workers must not hold the test pool's threads.
        let mismatches: [Int] = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let found = Mismatches()
                DispatchQueue.concurrentPerform(iterations: 4) { worker in
                    for round in 0..<25 {
                        let n = (worker + round) % 8
                        do {
                            // Measuring and PDF font embedding touch the same caches as drawing.
                            _ = try CairoTextMeasurer().width(of: "ZTF\(round)", style: TextStyle(family: "DejaVu Sans", size: Double(5 + round % 7)))
                            _ = try Renderer.render(lists[n], format: .pdf)
                            if try Renderer.render(lists[n], format: .png, pixelsPerPoint: 1) != expected[n] { found.add(n) }
                        } catch {
                            found.add(-1)
                        }
                    }
                }
                continuation.resume(returning: found.values)
            }
        }
        #expect(mismatches.isEmpty, "figures drawn on several threads differ from their sequential drawing (or failed: -1)")
    }
}

final class Mismatches: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var list: [Int] = []
    func add(_ n: Int) { lock.withLock { list.append(n) } }
    var values: [Int] { lock.withLock { list } }
}
