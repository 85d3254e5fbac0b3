import Foundation
import Testing
@testable import FinkPlotKit

/// The console progress line (issue #14 item 6): a rate only where one was measured.
@Suite struct ProgressTests {
    func summary(total: Int, rendered: Int) -> BatchSummary {
        var summary = BatchSummary(total: total, duplicates: 0)
        summary.counts[.rendered] = rendered
        return summary
    }

    @Test func anIdThatFinishedAtOnceShowsNoRate() {
        let progress = ConsoleProgress(mode: .lines, write: { _, _ in })
        progress.started(total: 1, alreadyDone: 0)
        let line = progress.status(summary(total: 1, rendered: 1), now: Date())
        #expect(!line.contains("/s"), "\(line)")
        #expect(line.hasPrefix("1/1 (100%)"), "\(line)")
    }

    @Test func aRunOfSecondsShowsItsRateAndETA() {
        let progress = ConsoleProgress(mode: .lines, write: { _, _ in })
        progress.started(total: 100, alreadyDone: 0)
        let line = progress.status(summary(total: 100, rendered: 20), now: Date().addingTimeInterval(10))
        #expect(line.contains("2.0/s") && line.contains("ETA 40s"), "\(line)")
    }
}
