import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress and per-object messages, all on standard error: standard output carries data alone
/// (a figure or table streamed with `-` as its path).
///
/// - `.bar`: for a terminal: one line redrawn in place (`\r`): done/total, rate, ETA, failures.
///   Failures are printed above it as they happen; so are "wrote" lines of a run of up to
///   `namedFilesLimit` ids (a longer run leaves them to the manifest). A run of one id draws no bar:
///   it would only appear once that id is done.
/// - `.lines`: for logs (not a terminal, e.g. a Slurm job): a progress line every `interval` seconds,
///   and every failure and written file as its own line.
/// - `.quiet`: failures only (the summary line is printed by the caller).
public final class ConsoleProgress: BatchObserver, @unchecked Sendable {
    public enum Mode: Sendable { case bar, lines, quiet }

    public let mode: Mode
    public let interval: Double
    /// On a terminal, runs of up to this many ids name every file they write.
    public static let namedFilesLimit = 10
    // Guarded by `lock`: objects finish on several tasks.
    private let lock = NSLock()
    private var total = 0
    private var skipped = 0
    private var start = Date()
    private var lastDraw = Date.distantPast
    private var barShown = false
    private let write: @Sendable (String, Bool) -> Void

    /// `.bar` when standard error is a terminal, `.lines` otherwise.
    public static func automaticMode(quiet: Bool) -> Mode {
        quiet ? .quiet : (isatty(2) == 1 ? .bar : .lines)
    }

    /// `write(text, toStandardError)`; the default writes to the process's streams.
    public init(mode: Mode, interval: Double = 10,
                write: @escaping @Sendable (String, Bool) -> Void = { text, toError in
                    // A closed or full stream loses the message, never the run.
                    if toError { Console.error(text) } else { Console.output(text) }
                }) {
        self.mode = mode
        self.interval = interval
        self.write = write
    }

    public func started(total: Int, alreadyDone: Int) {
        lock.withLock {
            self.total = total
            skipped = alreadyDone
            start = Date()
            // Periodic lines start one interval in: a rate over the first object means nothing.
            lastDraw = mode == .lines ? start : .distantPast
            if alreadyDone > 0, mode != .quiet {
                emitLine("\(alreadyDone) of \(total) ids were rendered by an earlier run and are skipped (--force redoes them)")
            }
        }
    }

    public func finished(_ entry: ManifestEntry, summary: BatchSummary) {
        lock.withLock {
            switch entry.status {
            case .failed, .invalid, .empty:
                emitLine("\(entry.status == .empty ? "empty" : "error"): \(ServerText.visible(entry.id)): \(entry.reason ?? entry.status.rawValue)")
                for note in entry.notes ?? [] where mode != .quiet { emitLine("note: \(entry.id): \(note)") }
            case .rendered:
                // A figure streamed to standard output is not a file to name.
                if mode == .lines || (mode == .bar && total <= Self.namedFilesLimit) {
                    for path in entry.outputs where path != "/dev/stdout" { emitLine("wrote \(path)") }
                }
                for note in entry.notes ?? [] where mode != .quiet { emitLine("note: \(entry.id): \(note)") }
            case .skipped:
                break
            }
            let now = Date()
            let last = summary.finished == total
            switch mode {
            case .bar:
                if total > 1, last || now.timeIntervalSince(lastDraw) >= 0.1 {
                    lastDraw = now
                    emit("\r\u{1B}[2K" + status(summary, now: now), toError: true)
                    barShown = true
                    if last { emit("\n", toError: true); barShown = false }
                }
            case .lines:
                if now.timeIntervalSince(lastDraw) >= interval && !last {
                    lastDraw = now
                    emit(status(summary, now: now) + "\n", toError: true)
                }
            case .quiet:
                break
            }
        }
    }

    public func warning(_ message: String) {
        lock.withLock { emitLine("warning: \(message)") }
    }

    /// `1234/5000 (24%) 12.3/s ETA 5m06s, 7 failed`. Rate and ETA count the ids done in this run,
    /// not those skipped at the start.
    func status(_ summary: BatchSummary, now: Date) -> String {
        let done = summary.finished
        let percent = total > 0 ? done * 100 / total : 100
        let worked = max(0, done - skipped)
        let elapsed = max(now.timeIntervalSince(start), 1e-3)
        let rate = Double(worked) / elapsed
        var text = "\(done)/\(total) (\(percent)%)"
        if mode == .bar {
            let width = 24, filled = total > 0 ? width * done / total : width
            text = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + text
        }
        // A rate needs ids done over a measurable time: an id that finished at once has none.
        let measurable = worked > 0 && elapsed >= 1
        if measurable { text += String(format: " %.1f/s", rate) }
        if measurable, done < total {
            text += " ETA " + Self.duration(Double(total - done) / rate)
        } else if done == total {
            text += " in " + Self.duration(elapsed)
        }
        let failed = summary.count(.failed) + summary.count(.empty) + summary.count(.invalid)
        if failed > 0 { text += ", \(summary.count(.failed)) failed, \(summary.count(.empty)) empty, \(summary.count(.invalid)) invalid" }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    /// A line on standard error, above the bar when one is shown.
    private func emitLine(_ text: String) {
        if barShown { emit("\r\u{1B}[2K", toError: true) }
        emit(text + "\n", toError: true)
        barShown = false
    }

    private func emit(_ text: String, toError: Bool) { write(text, toError) }
}
