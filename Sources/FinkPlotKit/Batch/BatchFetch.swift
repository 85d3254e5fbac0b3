import FinkAPI
import Foundation

/// One object's data as the batch got it.
enum FetchedObject: Sendable {
    case data(ObjectData, attempts: Int, seconds: Double)
    case empty(reason: String, attempts: Int, seconds: Double)
    case failed(reason: String, attempts: Int, seconds: Double)
    /// The run was stopped while this object's request was out: not a failure, and not recorded
    /// (the next run asks again).
    case cancelled
}

/// Gets a chunk's data from the sources (each key from its survey's source, in one request per
/// survey and route) and an object's stamps.
struct BatchFetcher: Sendable {
    var sources: SourceSet
    var needs: DataNeeds

    /// The data of each key of one chunk. A request that fails after the transport's retries
    /// fails each of its keys with its reason (asking them one by one would multiply the load
    /// on a server that is already failing).
    func objects(of chunk: [ObjectKey]) async -> [ObjectKey: FetchedObject] {
        var result: [ObjectKey: FetchedObject] = [:]
        let bySurvey = Dictionary(grouping: chunk, by: \.survey)
        for survey in bySurvey.keys.sorted() {
            let keys = bySurvey[survey]!
            let counter = AttemptCounter()
            let start = Date()
            do {
                let source = try sources.source(for: survey)
                let answers = try await RetryingTransport.$attempts.withValue(counter) {
                    try await source.objects(keys, needs: needs)
                }
                let seconds = Date().timeIntervalSince(start)
                for key in keys {
                    switch answers[key] {
                    case let .success(data)?:
                        result[key] = .data(data, attempts: counter.attempts, seconds: seconds)
                    case let .failure(error)? where error is CancellationError || Task.isCancelled:
                        result[key] = .cancelled
                    case let .failure(error)?:
                        result[key] = BatchRunner.isEmpty(error)
                            ? .empty(reason: "\(error)", attempts: counter.attempts, seconds: seconds)
                            : .failed(reason: "\(error)", attempts: counter.attempts, seconds: seconds)
                    case nil:
                        result[key] = .empty(reason: FinkError.noData(objectId: key.id, source: source.location).description,
                                             attempts: counter.attempts, seconds: seconds)
                    }
                }
            } catch where error is CancellationError || Task.isCancelled {
                for key in keys { result[key] = .cancelled }
            } catch {
                let seconds = Date().timeIntervalSince(start)
                for key in keys { result[key] = .failed(reason: "\(error)", attempts: counter.attempts, seconds: seconds) }
            }
        }
        return result
    }

    /// The stamps of `alerts` (detections of `data`) by alert id. With `tolerant`, an alert whose
    /// stamps cannot be had (after the transport's retries) gets none, and a note says why; saved
    /// stamps of which some cannot be read (`UnreadableStamps`) keep the others, with a note each.
    func stamps(of data: ObjectData, alerts: [PhotometryPoint], counter: AttemptCounter, tolerant: Bool = false) async throws
        -> (stamps: [Int64: [StampKind: Stamp]], notes: [String]) {
        let source = try sources.source(for: data.key.survey)
        let name = Surveys.profile(data.key.survey)?.alertIdName ?? "alert"
        var result: [Int64: [StampKind: Stamp]] = [:]
        var notes: [String] = []
        for alert in alerts {
            guard let id = alert.alertId else { continue }
            do {
                result[id] = try await RetryingTransport.$attempts.withValue(counter) {
                    try await source.stamps(of: AlertKey(survey: data.key.survey, id: id), object: data.key)
                }
            } catch let unreadable as UnreadableStamps {
                // Saved stamps that cannot be read cost only themselves, whatever the figure.
                result[id] = unreadable.stamps
                notes += unreadable.problems.map { "stamps unavailable for \(name) \(id): \($0)" }
            } catch {
                if !tolerant || error is CancellationError || Task.isCancelled { throw error }
                result[id] = [:]
                notes.append("stamps unavailable for \(name) \(id): \(error)")
            }
        }
        return (result, notes)
    }
}
