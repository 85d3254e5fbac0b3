import FinkAPI
import Foundation

/// How a batch runs.
public struct BatchConfiguration: Sendable {
    /// Ids per `/api/v1/objects` request.
    public var chunkSize: Int
    /// Objects in flight at once (fetching stamps or drawing): also the number of cores used.
    public var concurrency: Int
    /// Redo ids an earlier run rendered.
    public var force: Bool
    /// Where the manifest goes; nil for none (a single `-o` file).
    public var manifestURL: URL?

    public init(chunkSize: Int = 50, concurrency: Int = 2, force: Bool = false, manifestURL: URL? = nil) {
        self.chunkSize = max(1, chunkSize)
        self.concurrency = max(1, concurrency)
        self.force = force
        self.manifestURL = manifestURL
    }
}

/// Counts per status, and how the run ended.
public struct BatchSummary: Sendable, Equatable {
    public var counts: [BatchStatus: Int] = [:]
    /// Distinct ids of this run (of this shard).
    public var total: Int
    public var duplicates: Int
    /// Stopped before every id was done (cancelled: Ctrl-C).
    public var interrupted = false
    /// Entries that could not be written to the manifest (a full disk): the run's record is
    /// incomplete, so it does not end with success.
    public var unrecorded = 0

    public var finished: Int { counts.values.reduce(0, +) }
    public func count(_ status: BatchStatus) -> Int { counts[status] ?? 0 }

    /// True when every id is rendered now or was before: the exit status is 0 only then.
    public var allDone: Bool { !interrupted && unrecorded == 0 && count(.rendered) + count(.skipped) == total }

    /// `200 ids: 190 rendered, 0 skipped, 5 empty, 3 invalid, 2 failed`, every status always
    /// listed so scripts can read it.
    public var line: String {
        var text = "\(total) id\(total == 1 ? "" : "s"): "
            + BatchStatus.allCases.map { "\(count($0)) \($0.rawValue)" }.joined(separator: ", ")
        if duplicates > 0 { text += " (\(duplicates) duplicate\(duplicates == 1 ? "" : "s") ignored)" }
        if interrupted { text += "; interrupted with \(total - finished) not done: run again to resume" }
        if unrecorded > 0 { text += "; \(unrecorded) not recorded in the manifest (see the warnings)" }
        return text
    }
}

/// Receives the run's events (progress bars, logs). Called from several tasks.
public protocol BatchObserver: Sendable {
    func started(total: Int, alreadyDone: Int)
    func finished(_ entry: ManifestEntry, summary: BatchSummary)
    /// A problem that is not any one id's (the manifest could not be written).
    func warning(_ message: String)
}

/// Runs a `BatchJob` over a list of ids: skips what an earlier run finished, fetches the rest in
/// chunks (with the transport's retries and request budget), draws `concurrency` objects at a
/// time, and records every id in the manifest as it ends. Memory stays flat as the list grows:
/// only one chunk's rows (and the next one's, prefetched) are held at a time.
public struct BatchRunner: Sendable {
    public var job: any BatchJob
    /// Where each survey's objects come from (the cache already wrapped around them).
    public var sources: SourceSet
    public var configuration: BatchConfiguration

    public init(job: any BatchJob, sources: SourceSet, configuration: BatchConfiguration = BatchConfiguration()) {
        self.job = job
        self.sources = sources
        self.configuration = configuration
    }

    /// Runs to the end, or until the calling task is cancelled (then in-flight objects stop, no
    /// partial file is left, and `interrupted` is set). Throws only when the manifest cannot be opened.
    public func run(_ input: BatchInput, observer: (any BatchObserver)? = nil) async throws -> BatchSummary {
        let manifest = try configuration.manifestURL.map { try Manifest(url: $0) }
        let manifestDirectory = configuration.manifestURL?.deletingLastPathComponent()
        // A run killed at a rename leaves `.NAME.PID.RAND.tmp` behind: the next one clears them.
        if let manifestDirectory { AtomicFile.removeStaleTemporaries(in: manifestDirectory) }
        let identity = job.identity
        let previous = configuration.force ? [:] : (manifestDirectory.map { Manifest.loadAll(in: $0, job: identity) } ?? [:])
        let writers = configuration.force ? [:] : (manifestDirectory.map { Manifest.lastWriters(in: $0) } ?? [:])
        // Output paths as the manifest records them: relative to its directory when inside it.
        let recordedPath: @Sendable (URL) -> String = { url in
            let path = url.standardizedFileURL.path
            guard let dir = manifestDirectory?.standardizedFileURL.path, path.hasPrefix(dir + "/") else { return path }
            return String(path.dropFirst(dir.count + 1))
        }
        let tally = Tally(BatchSummary(total: input.items.count, duplicates: input.duplicates))
        // The manifest names outputs relative to its own directory (it can move with the figures);
        // the observer gets full paths.
        let record: @Sendable (ManifestEntry) -> Void = { entry in
            var relative = entry
            if let dir = manifestDirectory?.standardizedFileURL.path {
                relative.outputs = entry.outputs.map { $0.hasPrefix(dir + "/") ? String($0.dropFirst(dir.count + 1)) : $0 }
            }
            relative.job = identity
            relative.at = Date().timeIntervalSince1970
            var recorded = true
            do { try manifest?.append(relative) } catch {
                recorded = false
                observer?.warning("\(error)")
            }
            let summary = tally.add(entry.status, recorded: recorded)
            observer?.finished(entry, summary: summary)
        }

        var pending: [ObjectKey] = []
        var early: [ManifestEntry] = []
        for item in input.items {
            switch item {
            case let .invalid(raw, reason):
                early.append(ManifestEntry(id: raw, status: .invalid, reason: reason))
            case let .valid(id):
                let outputs = job.outputs(for: id)
                if let last = previous[id.id], last.status.isDone,
                   outputs.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }),
                   outputs.allSatisfy({ writers[recordedPath($0)].map { $0 == identity } ?? true }) {
                    early.append(ManifestEntry(id: id.id, status: .skipped, outputs: outputs.map(\.standardizedFileURL.path)))
                } else {
                    pending.append(id)
                }
            }
        }
        observer?.started(total: input.items.count, alreadyDone: early.filter { $0.status == .skipped }.count)
        early.forEach(record)

        let fetcher = BatchFetcher(sources: sources, needs: job.needs)
        let chunks = stride(from: 0, to: pending.count, by: configuration.chunkSize).map {
            Array(pending[$0..<min($0 + configuration.chunkSize, pending.count)])
        }
        let prefetch = ChunkTasks(chunks: chunks, fetcher: fetcher)
        let job = self.job
        let limit = configuration.concurrency

        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                chunks: for (c, chunk) in chunks.enumerated() {
                    for id in chunk {
                        if running >= limit {
                            await group.next()
                            running -= 1
                        }
                        if Task.isCancelled { break chunks }
                        // The next chunk's request goes out while this one's objects are drawn.
                        prefetch.start(c + 1)
                        let rows = prefetch.task(c)
                        group.addTask {
                            if let entry = await Self.process(id, rows: rows, job: job, fetcher: fetcher) { record(entry) }
                        }
                        running += 1
                    }
                    // Its objects hold the chunk's task: once they end, its rows can go.
                    prefetch.release(c)
                }
                await group.waitForAll()
            }
        } onCancel: {
            prefetch.cancelAll()
        }
        prefetch.cancelAll()
        var summary = tally.summary
        summary.interrupted = Task.isCancelled || summary.finished < summary.total
        return summary
    }

    /// One object, start to end; nil when cancelled before it ended (it gets no manifest line,
    /// and the next run does it).
    static func process(_ id: ObjectKey, rows task: Task<[ObjectKey: FetchedObject], Never>, job: any BatchJob,
                        fetcher: BatchFetcher) async -> ManifestEntry? {
        // The chunk's task may already be released by the loop (its rows go with its objects), so
        // cancelling the run reaches it through here: a request in flight stops at once.
        let fetched = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        guard !Task.isCancelled, let fetched = fetched[id] else { return nil }
        let start = Date()
        var object = fetched
        if case let .empty(_, attempts, seconds) = object, let alert = job.alertWithoutObject(id) {
            // The alert's stamps alone (an SSO alert's): its object has no rows to draw.
            let scale = Surveys.profile(id.survey)?.timeScale ?? .utc
            object = .data(ObjectData(key: id, points: [alert], timeScale: scale,
                                       notes: ["the object has no rows: the stamps of alert \(alert.alertId ?? 0) alone are drawn"]),
                            attempts: attempts, seconds: seconds)
        }
        switch object {
        case .cancelled:
            return nil
        case let .empty(reason, attempts, seconds):
            return ManifestEntry(id: id.id, status: .empty, reason: reason, attempts: attempts, seconds: seconds)
        case let .failed(reason, attempts, seconds):
            return ManifestEntry(id: id.id, status: .failed, reason: reason, attempts: attempts, seconds: seconds)
        case let .data(data, attempts, fetchSeconds):
            let counter = AttemptCounter()
            func elapsed() -> Double { fetchSeconds + Date().timeIntervalSince(start) }
            do {
                let alerts = try job.stampAlerts(of: data)
                let (stamps, stampNotes) = alerts.isEmpty ? ([:], [])
                    : try await fetcher.stamps(of: data, alerts: alerts, counter: counter, tolerant: job.drawsWithoutStamps)
                try Task.checkCancellation()
                let rendered = try job.render(data, stamps: stamps)
                let notes = data.notes + stampNotes + rendered.notes
                return ManifestEntry(id: id.id, status: .rendered, outputs: rendered.outputs.map(\.standardizedFileURL.path),
                                     attempts: attempts + counter.attempts, seconds: elapsed(),
                                     notes: notes.isEmpty ? nil : notes)
            } catch {
                if error is CancellationError || Task.isCancelled { return nil }
                // The data's notes say why, when a row's damage is the cause ("no valid alert"
                // because its candid was no alert id).
                return ManifestEntry(id: id.id, status: isEmpty(error) ? .empty : .failed, reason: "\(error)",
                                     attempts: attempts + counter.attempts, seconds: elapsed(),
                                     notes: data.notes.isEmpty ? nil : data.notes)
            }
        }
    }

    /// Errors that mean "nothing to draw" rather than "something broke".
    static func isEmpty(_ error: any Error) -> Bool {
        if let error = error as? FinkError, case .noData = error { return true }
        if let error = error as? CutoutError, case .noAlerts = error { return true }
        if let error = error as? FigureError, case .nothingToPlot = error { return false }
        return false
    }
}

/// Counts, shared by the tasks finishing objects.
private final class Tally: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var current: BatchSummary

    init(_ summary: BatchSummary) { current = summary }

    func add(_ status: BatchStatus, recorded: Bool = true) -> BatchSummary {
        lock.withLock {
            current.counts[status, default: 0] += 1
            if !recorded { current.unrecorded += 1 }
            return current
        }
    }

    var summary: BatchSummary { lock.withLock { current } }
}

/// The fetch task of each chunk, started on first need (and one chunk ahead), cancelled together.
private final class ChunkTasks: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private let chunks: [[ObjectKey]]
    private let fetcher: BatchFetcher
    private var tasks: [Int: Task<[ObjectKey: FetchedObject], Never>] = [:]
    private var cancelled = false

    init(chunks: [[ObjectKey]], fetcher: BatchFetcher) {
        self.chunks = chunks
        self.fetcher = fetcher
    }

    func start(_ index: Int) {
        guard index < chunks.count else { return }
        _ = task(index)
    }

    func task(_ index: Int) -> Task<[ObjectKey: FetchedObject], Never> {
        lock.withLock {
            if let task = tasks[index] { return task }
            let chunk = chunks[index], fetcher = fetcher
            let task = Task { await fetcher.objects(of: chunk) }
            if cancelled { task.cancel() }
            tasks[index] = task
            return task
        }
    }

    func release(_ index: Int) {
        lock.withLock { _ = tasks.removeValue(forKey: index) }
    }

    func cancelAll() {
        lock.withLock {
            cancelled = true
            tasks.values.forEach { $0.cancel() }
        }
    }
}

extension BatchRunner {
    /// Runs `ids` and returns each distinct id's manifest entry, in input order: for callers
    /// that report per object (no manifest, no progress display).
    public func entries(of ids: [String], survey: Survey? = nil) async throws -> [ManifestEntry] {
        let collector = EntryCollector()
        let input = BatchInput(raw: ids, survey: survey)
        _ = try await run(input, observer: collector)
        let entries = collector.entries
        return input.items.compactMap { entries[$0.key] }
    }
}

/// Keeps every finished entry, by id.
private final class EntryCollector: BatchObserver, @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var byId: [String: ManifestEntry] = [:]

    var entries: [String: ManifestEntry] { lock.withLock { byId } }
    func started(total: Int, alreadyDone: Int) {}
    func finished(_ entry: ManifestEntry, summary: BatchSummary) { lock.withLock { byId[entry.id] = entry } }
    func warning(_ message: String) {}
}
